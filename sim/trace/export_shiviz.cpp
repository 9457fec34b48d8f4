#include "sim/trace/export_shiviz.h"
#include "sim/trace/export_common.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

namespace dsim {

namespace {

using nlohmann::json;
using Clock = std::vector<std::int64_t>;

// One line, whatever the text holds: ShiViz reads an entry as exactly two lines.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

std::string describe(const json& ev, const std::vector<std::string>& actor_names) {
  const std::string k = event_text(ev, "k");
  auto name = [&](std::int64_t a) {
    return a >= 0 && a < static_cast<std::int64_t>(actor_names.size()) ? actor_names[static_cast<std::size_t>(a)] : "?";
  };
  std::string id = ev.contains("msg") ? " msg=" + event_text(ev, "msg") : ev.contains("op") ? " op=" + event_text(ev, "op") : "";
  std::string text;
  if (k == "send") text = "send " + event_text(ev, "type") + " to " + name(event_int(ev, "to")) + id;
  else if (k == "deliver") text = "deliver " + event_text(ev, "type") + " from " + name(event_int(ev, "from")) + id;
  else if (k == "drop") {
    text = "drop " + event_text(ev, "type") + (ev.contains("from") ? " from " + name(event_int(ev, "from")) : " to " + name(event_int(ev, "to"))) + id +
           " (" + event_text(ev, "reason") + ")";
  }
  else if (k == "duplicate") text = "duplicate " + event_text(ev, "type") + id + " copy=" + event_text(ev, "copy");
  else if (k == "timer") text = "timer " + event_text(ev, "tag");
  else if (k == "annotate") text = "annotate " + event_text(ev, "key") + "=" + event_text(ev, "value");
  else if (k == "invoke") text = "invoke " + event_text(ev, "f") + " " + event_text(ev, "value") + id;
  else if (k == "complete") text = "complete " + event_text(ev, "type") + " " + event_text(ev, "value") + id;
  else text = k;
  if (k == "send" || k == "deliver") {
    const auto p = ev.find("payload");
    if (p != ev.end()) text += " " + p->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return one_line(text + " @" + event_text(ev, "t") + "ns #" + event_text(ev, "i"));
}

class ShivizSink final : public TraceSink {
 public:
  explicit ShivizSink(std::ostream& out) : out_(out) {}

  void begin(const json& header) override {
    const json& actors = header.at("actors");
    for (std::size_t a = 0; a < actors.size(); ++a) {
      actor_names_.push_back(event_text(actors[a], "name"));
      std::string host = one_line(actor_names_.back());
      std::replace(host.begin(), host.end(), ' ', '_');
      hosts_.push_back(host.empty() ? "actor" + std::to_string(a) : host);
    }
    clocks_.assign(actors.size(), Clock(actors.size(), 0));
    out_ << kShivizRegex << "\n\n";
  }

  void event(const json& ev) override {
    const std::int64_t a = event_int(ev, "a");
    if (a < 0 || a >= static_cast<std::int64_t>(hosts_.size())) return;  // cluster-wide: no host
    const std::string k = event_text(ev, "k");
    Clock& c = clocks_[static_cast<std::size_t>(a)];
    if (k == "deliver") receive(a, ev, c);
    c[static_cast<std::size_t>(a)] += 1;
    if (k == "send") {
      if (ev.contains("msg")) msg_clock_[event_int(ev, "msg")] = c;
      else op_clock_[link(ev, std::to_string(a), event_text(ev, "to"))].push_back(c);
    } else if (k == "duplicate") {
      // The copy carries what the original carried.
      const auto it = msg_clock_.find(event_int(ev, "msg"));
      msg_clock_[event_int(ev, "copy")] = it != msg_clock_.end() ? it->second : c;
    } else if (k == "drop" && ev.contains("msg")) {
      msg_clock_.erase(event_int(ev, "msg"));
    } else if (k == "drop" && ev.contains("op")) {
      // A lost client request or reply: the next one on that link is a different send.
      const bool at_receiver = ev.contains("from");
      take(at_receiver ? link(ev, event_text(ev, "from"), std::to_string(a)) : link(ev, std::to_string(a), event_text(ev, "to")));
    }
    write_entry(a, c, ev);
  }

  void end(const json&) override {}

 private:
  static std::string link(const json& ev, const std::string& from, const std::string& to) {
    return event_text(ev, "op") + "|" + from + "|" + to;
  }

  // The clock of the oldest client send on `link`, which is then forgotten (empty if none).
  Clock take(const std::string& link) {
    const auto it = op_clock_.find(link);
    if (it == op_clock_.end()) return {};
    Clock sent = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) op_clock_.erase(it);
    return sent;
  }

  void receive(std::int64_t a, const json& ev, Clock& c) {
    Clock sent;
    if (ev.contains("msg")) {
      const auto it = msg_clock_.find(event_int(ev, "msg"));
      if (it != msg_clock_.end()) {
        sent = std::move(it->second);
        msg_clock_.erase(it);
      }
    } else {
      sent = take(link(ev, event_text(ev, "from"), std::to_string(a)));
    }
    for (std::size_t j = 0; j < sent.size() && j < c.size(); ++j) c[j] = std::max(c[j], sent[j]);
  }

  void write_entry(std::int64_t a, const Clock& c, const json& ev) {
    out_ << hosts_[static_cast<std::size_t>(a)] << " {";
    bool first = true;
    for (std::size_t j = 0; j < c.size(); ++j) {
      if (c[j] == 0) continue;
      out_ << (first ? "" : ", ") << json(hosts_[j]).dump() << ": " << c[j];
      first = false;
    }
    out_ << "}\n" << describe(ev, actor_names_) << "\n";
  }

  std::ostream& out_;
  std::vector<std::string> actor_names_;
  std::vector<std::string> hosts_;  // names without spaces: ShiViz's host is \S*
  std::vector<Clock> clocks_;
  std::unordered_map<std::int64_t, Clock> msg_clock_;  // msg id -> clock it was sent with (lookup only)
  std::map<std::string, std::deque<Clock>> op_clock_;  // "op|from|to" -> clocks, in order
};

}  // namespace

std::unique_ptr<TraceSink> shiviz_sink(std::ostream& out) { return std::make_unique<ShivizSink>(out); }

}  // namespace dsim
