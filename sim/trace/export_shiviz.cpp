#include "sim/trace/export_shiviz.h"

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

std::string str(const json& ev, const char* key) {
  const auto it = ev.find(key);
  if (it == ev.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

std::int64_t i64(const json& ev, const char* key, std::int64_t fallback = -1) {
  const auto it = ev.find(key);
  if (it == ev.end() || !it->is_number()) return fallback;
  return it->get<std::int64_t>();
}

// One line, whatever the text holds: ShiViz reads an entry as exactly two lines.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

std::string describe(const json& ev, const json& actors) {
  const std::string k = str(ev, "k");
  auto name = [&](std::int64_t a) {
    return a >= 0 && a < static_cast<std::int64_t>(actors.size()) ? str(actors[static_cast<std::size_t>(a)], "name") : "?";
  };
  std::string id = ev.contains("msg") ? " msg=" + str(ev, "msg") : ev.contains("op") ? " op=" + str(ev, "op") : "";
  std::string text;
  if (k == "send") text = "send " + str(ev, "type") + " to " + name(i64(ev, "to")) + id;
  else if (k == "deliver") text = "deliver " + str(ev, "type") + " from " + name(i64(ev, "from")) + id;
  else if (k == "drop") {
    text = "drop " + str(ev, "type") + (ev.contains("from") ? " from " + name(i64(ev, "from")) : " to " + name(i64(ev, "to"))) + id +
           " (" + str(ev, "reason") + ")";
  }
  else if (k == "duplicate") text = "duplicate " + str(ev, "type") + id + " copy=" + str(ev, "copy");
  else if (k == "timer") text = "timer " + str(ev, "tag");
  else if (k == "annotate") text = "annotate " + str(ev, "key") + "=" + str(ev, "value");
  else if (k == "invoke") text = "invoke " + str(ev, "f") + " " + str(ev, "value") + id;
  else if (k == "complete") text = "complete " + str(ev, "type") + " " + str(ev, "value") + id;
  else text = k;
  if (k == "send" || k == "deliver") {
    const auto p = ev.find("payload");
    if (p != ev.end()) text += " " + p->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return one_line(text + " @" + str(ev, "t") + "ns #" + str(ev, "i"));
}

}  // namespace

std::string export_shiviz(const json& trace) {
  const json& actors = trace["actors"];
  const json& events = trace["events"];
  const std::size_t n = actors.size();
  std::vector<std::string> names(n);
  for (std::size_t a = 0; a < n; ++a) {
    names[a] = one_line(str(actors[a], "name"));
    std::replace(names[a].begin(), names[a].end(), ' ', '_');
    if (names[a].empty()) names[a] = "actor" + std::to_string(a);
  }
  std::vector<Clock> clocks(n, Clock(n, 0));
  std::unordered_map<std::int64_t, Clock> msg_clock;          // msg id -> clock it was sent with
  std::map<std::string, std::deque<Clock>> op_clock;          // "op|from|to" -> clocks, FIFO
  std::ostringstream out;
  out << kShivizRegex << "\n\n";
  for (const json& ev : events) {
    const std::int64_t a = i64(ev, "a");
    if (a < 0 || a >= static_cast<std::int64_t>(n)) continue;  // cluster-wide: no host
    const std::string k = str(ev, "k");
    Clock& c = clocks[static_cast<std::size_t>(a)];
    if (k == "deliver") {
      const Clock* sent = nullptr;
      Clock held;
      if (ev.contains("msg")) {
        const auto it = msg_clock.find(i64(ev, "msg"));
        if (it != msg_clock.end()) { held = std::move(it->second); msg_clock.erase(it); sent = &held; }
      } else {
        auto& q = op_clock[str(ev, "op") + "|" + str(ev, "from") + "|" + std::to_string(a)];
        if (!q.empty()) { held = std::move(q.front()); q.pop_front(); sent = &held; }
      }
      if (sent) for (std::size_t j = 0; j < n; ++j) c[j] = std::max(c[j], (*sent)[j]);
    }
    c[static_cast<std::size_t>(a)] += 1;
    if (k == "send") {
      if (ev.contains("msg")) msg_clock[i64(ev, "msg")] = c;
      else op_clock[str(ev, "op") + "|" + std::to_string(a) + "|" + str(ev, "to")].push_back(c);
    } else if (k == "duplicate") {
      // The copy carries what the original carried.
      const auto it = msg_clock.find(i64(ev, "msg"));
      msg_clock[i64(ev, "copy")] = it != msg_clock.end() ? it->second : c;
    } else if (k == "drop" && ev.contains("msg")) {
      msg_clock.erase(i64(ev, "msg"));
    } else if (k == "drop" && ev.contains("op")) {
      // A lost client request or reply: the next one on that link is a different send.
      const bool at_receiver = ev.contains("from");
      auto& q = op_clock[str(ev, "op") + "|" + (at_receiver ? str(ev, "from") : std::to_string(a)) + "|" +
                         (at_receiver ? std::to_string(a) : str(ev, "to"))];
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
