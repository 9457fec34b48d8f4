#include "sim/trace/export_shiviz.h"
#include "sim/trace/export_common.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <sstream>
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

std::string describe(const json& ev, const json& actors) {
  const std::string k = event_text(ev, "k");
  auto name = [&](std::int64_t a) {
    return a >= 0 && a < static_cast<std::int64_t>(actors.size()) ? event_text(actors[static_cast<std::size_t>(a)], "name") : "?";
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

}  // namespace

std::string export_shiviz(const json& trace) {
  const json& actors = trace["actors"];
  const json& events = trace["events"];
  const std::size_t n = actors.size();
  std::vector<std::string> names(n);
  for (std::size_t a = 0; a < n; ++a) {
    names[a] = one_line(event_text(actors[a], "name"));
    std::replace(names[a].begin(), names[a].end(), ' ', '_');
    if (names[a].empty()) names[a] = "actor" + std::to_string(a);
  }
  std::vector<Clock> clocks(n, Clock(n, 0));
  std::unordered_map<std::int64_t, Clock> msg_clock;          // msg id -> clock it was sent with
  std::map<std::string, std::deque<Clock>> op_clock;          // "op|from|to" -> clocks, FIFO
  std::ostringstream out;
  out << kShivizRegex << "\n\n";
  for (const json& ev : events) {
    const std::int64_t a = event_int(ev, "a");
    if (a < 0 || a >= static_cast<std::int64_t>(n)) continue;  // cluster-wide: no host
    const std::string k = event_text(ev, "k");
    Clock& c = clocks[static_cast<std::size_t>(a)];
    if (k == "deliver") {
      const Clock* sent = nullptr;
      Clock held;
      if (ev.contains("msg")) {
        const auto it = msg_clock.find(event_int(ev, "msg"));
        if (it != msg_clock.end()) { held = std::move(it->second); msg_clock.erase(it); sent = &held; }
      } else {
        auto& q = op_clock[event_text(ev, "op") + "|" + event_text(ev, "from") + "|" + std::to_string(a)];
        if (!q.empty()) { held = std::move(q.front()); q.pop_front(); sent = &held; }
      }
      if (sent) for (std::size_t j = 0; j < n; ++j) c[j] = std::max(c[j], (*sent)[j]);
    }
    c[static_cast<std::size_t>(a)] += 1;
    if (k == "send") {
      if (ev.contains("msg")) msg_clock[event_int(ev, "msg")] = c;
      else op_clock[event_text(ev, "op") + "|" + std::to_string(a) + "|" + event_text(ev, "to")].push_back(c);
    } else if (k == "duplicate") {
      // The copy carries what the original carried.
      const auto it = msg_clock.find(event_int(ev, "msg"));
      msg_clock[event_int(ev, "copy")] = it != msg_clock.end() ? it->second : c;
    } else if (k == "drop" && ev.contains("msg")) {
      msg_clock.erase(event_int(ev, "msg"));
    } else if (k == "drop" && ev.contains("op")) {
      // A lost client request or reply: the next one on that link is a different send.
      const bool at_receiver = ev.contains("from");
      auto& q = op_clock[event_text(ev, "op") + "|" + (at_receiver ? event_text(ev, "from") : std::to_string(a)) + "|" +
                         (at_receiver ? std::to_string(a) : event_text(ev, "to"))];
      if (!q.empty()) q.pop_front();
    }
    out << names[static_cast<std::size_t>(a)] << " {";
    bool first = true;
    for (std::size_t j = 0; j < n; ++j) {
      if (c[j] == 0) continue;
      out << (first ? "" : ", ") << json(names[j]).dump() << ": " << c[j];
      first = false;
    }
    out << "}\n" << describe(ev, actors) << "\n";
  }
  return out.str();
}

}  // namespace dsim
