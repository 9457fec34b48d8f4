#include "sim/trace/export_perfetto.h"
#include "sim/trace/export_common.h"

#include <cstdint>
#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace dsim {

namespace {

using nlohmann::json;

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

}  // namespace

std::string export_perfetto(const json& trace) {
  const json& actors = trace["actors"];
  const json& events = trace["events"];
  const std::int64_t n_actors = static_cast<std::int64_t>(actors.size());
  const std::int64_t end_ns = events.empty() ? 0 : event_int(events.back(), "t", 0);
  auto pid = [](std::int64_t actor) { return actor + 1; };
  const std::int64_t cluster_pid = n_actors + 1;

  std::vector<json> out;
  out.reserve(events.size() * 2 + 16);
  // Names and order of the processes.
  for (std::int64_t a = 0; a < n_actors; ++a) {
    const std::string name = event_text(actors[a], "name", "actor" + std::to_string(a));
    const std::string kind = event_text(actors[a], "kind", "node");
    out.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid(a)}, {"tid", 1}, {"args", {{"name", kind + " " + name}}}});
    out.push_back({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid(a)}, {"tid", 1}, {"args", {{"sort_index", a}}}});
    out.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid(a)}, {"tid", 1}, {"args", {{"name", kind == "client" ? "operations" : "handlers"}}}});
  }
  out.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", cluster_pid}, {"tid", 1}, {"args", {{"name", "cluster (faults, checks)"}}}});
  out.push_back({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", cluster_pid}, {"tid", 1}, {"args", {{"sort_index", -1}}}});

  // Handler slices: the events at one actor and one instant form one slice, named by the first
  // of them (a delivery, a timer, a boot ...); its args list them. Its duration runs to the actor's
  // next instant, at most 1 µs, so that slices never overlap and flows bind to them.
  struct Group { std::int64_t actor; std::int64_t t; std::string name; json args; };
  std::vector<Group> groups;
  std::vector<std::int64_t> open_group(static_cast<std::size_t>(n_actors), -1);
  std::uint64_t flow_id = 0;
  std::unordered_map<std::int64_t, std::uint64_t> flow_of_msg;  // msg id -> flow id
  std::map<std::string, std::deque<std::uint64_t>> flow_of_op;   // "op|from|to" -> flow ids
  std::vector<json> flows;
  std::map<std::string, std::string> op_name;  // async slices end with their begin's name

  for (const json& ev : events) {
    const std::string k = event_text(ev, "k");
    const std::int64_t t = event_int(ev, "t", 0);
    const std::int64_t a = event_int(ev, "a", -1);
    if (a < 0 || a >= n_actors) {
      if (k == "stop") continue;
      // Cluster-wide: partitions, heals, clogs, network changes, violations.
      json args = ev;
      std::string name = k;
      if (k == "violation") name = "violation " + event_text(ev, "id");
      else if (ev.contains("action")) name = k + " " + event_text(ev, "action");
      out.push_back({{"ph", "i"}, {"s", "g"}, {"name", name}, {"cat", k == "violation" ? "violation" : "fault"},
                     {"ts", us(t)}, {"pid", cluster_pid}, {"tid", 1}, {"args", args}});
      continue;
    }
    auto& og = open_group[static_cast<std::size_t>(a)];
    if (og < 0 || groups[static_cast<std::size_t>(og)].t != t) {
      std::string name = k;
      if (k == "deliver") name = "on " + event_text(ev, "type");
      else if (k == "timer") name = "timer " + event_text(ev, "tag");
      else if (k == "send") name = "send " + event_text(ev, "type");
      else if (k == "invoke") name = "invoke " + event_text(ev, "f");
      groups.push_back({a, t, name, json::object()});
      og = static_cast<std::int64_t>(groups.size()) - 1;
    }
    Group& g = groups[static_cast<std::size_t>(og)];
    json& list = g.args["events"];
    if (list.size() < 32) list.push_back(ev);

    if (k == "send") {
      const std::uint64_t id = ++flow_id;
      const std::int64_t to = event_int(ev, "to");
      if (ev.contains("msg")) flow_of_msg[event_int(ev, "msg")] = id;
      else flow_of_op[event_text(ev, "op") + "|" + std::to_string(a) + "|" + std::to_string(to)].push_back(id);
      flows.push_back({{"ph", "s"}, {"id", id}, {"name", event_text(ev, "type")}, {"cat", "message"}, {"ts", us(t)},
                       {"pid", pid(a)}, {"tid", 1}});
    } else if (k == "duplicate") {
      const std::uint64_t id = ++flow_id;
      flow_of_msg[event_int(ev, "copy")] = id;
      flows.push_back({{"ph", "s"}, {"id", id}, {"name", event_text(ev, "type") + " (duplicate)"}, {"cat", "message"},
                       {"ts", us(t)}, {"pid", pid(a)}, {"tid", 1}});
    } else if (k == "deliver") {
      std::uint64_t id = 0;
      if (ev.contains("msg")) {
        const auto it = flow_of_msg.find(event_int(ev, "msg"));
        if (it != flow_of_msg.end()) { id = it->second; flow_of_msg.erase(it); }
      } else {
        auto& q = flow_of_op[event_text(ev, "op") + "|" + std::to_string(event_int(ev, "from")) + "|" + std::to_string(a)];
        if (!q.empty()) { id = q.front(); q.pop_front(); }
      }
      if (id != 0) {
        flows.push_back({{"ph", "f"}, {"bp", "e"}, {"id", id}, {"name", event_text(ev, "type")}, {"cat", "message"},
                         {"ts", us(t)}, {"pid", pid(a)}, {"tid", 1}});
      }
    }
    if (k == "drop" && !ev.contains("msg") && ev.contains("op")) {
      const bool at_receiver = ev.contains("from");
      auto& q = flow_of_op[event_text(ev, "op") + "|" + (at_receiver ? event_text(ev, "from") : std::to_string(a)) + "|" +
                           (at_receiver ? std::to_string(a) : event_text(ev, "to"))];
      if (!q.empty()) q.pop_front();
    }
    if (k == "crash" || k == "restart" || k == "wipe" || k == "pause" || k == "resume" || k == "slow" ||
        k == "unslow" || k == "clock" || k == "drop") {
      std::string name = k == "drop" ? "drop " + event_text(ev, "type") + " (" + event_text(ev, "reason") + ")" : k;
      out.push_back({{"ph", "i"}, {"s", "p"}, {"name", name}, {"cat", k == "drop" ? "drop" : "fault"}, {"ts", us(t)},
                     {"pid", pid(a)}, {"tid", 1}, {"args", ev}});
    } else if (k == "annotate") {
      const auto v = ev.find("value");
      if (v != ev.end() && v->is_number()) {
        out.push_back({{"ph", "C"}, {"name", event_text(ev, "key")}, {"ts", us(t)}, {"pid", pid(a)}, {"args", {{"value", *v}}}});
      }
    } else if (k == "invoke" || k == "complete") {
      const std::string op = event_text(ev, "op");
      json args = ev;
      if (k == "invoke") {
        op_name[op] = event_text(ev, "f") + " #" + op;
        out.push_back({{"ph", "b"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", op_name[op]},
                       {"ts", us(t)}, {"pid", pid(a)}, {"tid", 1}, {"args", args}});
      } else {
        out.push_back({{"ph", "e"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", op_name[op]},
                       {"ts", us(t)}, {"pid", pid(a)}, {"tid", 1}, {"args", {{"type", event_text(ev, "type")}, {"value", ev.value("value", json())}}}});
      }
    }
  }
  // Operations that never completed end (as info) with the run, so every async slice closes.
  {
    std::map<std::string, std::int64_t> open;  // op -> actor
    for (const json& ev : events) {
      const std::string k = event_text(ev, "k");
      if (k == "invoke") open[event_text(ev, "op")] = event_int(ev, "a");
      else if (k == "complete") open.erase(event_text(ev, "op"));
    }
    for (const auto& [op, a] : open) {
      out.push_back({{"ph", "e"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", op_name[op]}, {"ts", us(end_ns)},
                     {"pid", pid(a)}, {"tid", 1}, {"args", {{"type", "info"}, {"note", "never completed"}}}});
    }
  }
  // Slice durations: up to the same actor's next slice, at most 1 µs, at least 1 ns.
  std::vector<std::int64_t> last_index(static_cast<std::size_t>(n_actors), -1);
  std::vector<std::int64_t> dur(groups.size(), 1000);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto& li = last_index[static_cast<std::size_t>(groups[i].actor)];
    if (li >= 0) {
      const std::int64_t gap = groups[i].t - groups[static_cast<std::size_t>(li)].t;
      dur[static_cast<std::size_t>(li)] = std::max<std::int64_t>(1, std::min<std::int64_t>(1000, gap));
    }
    li = static_cast<std::int64_t>(i);
  }
  for (std::size_t i = 0; i < groups.size(); ++i) {
    Group& g = groups[i];
    out.push_back({{"ph", "X"}, {"name", g.name}, {"cat", "handler"}, {"ts", us(g.t)}, {"dur", us(dur[i])},
                   {"pid", pid(g.actor)}, {"tid", 1}, {"args", std::move(g.args)}});
  }
  // Flows only where both ends exist (messages never delivered have no arrow).
  std::unordered_map<std::uint64_t, int> ends;
  for (const json& f : flows) ends[f["id"].get<std::uint64_t>()] += 1;
  for (json& f : flows) {
    if (ends[f["id"].get<std::uint64_t>()] == 2) out.push_back(std::move(f));
  }

  std::ostringstream text;
  text << "{\"displayTimeUnit\": \"ns\",\n\"otherData\": " << json({{"generator", "dsim export --format perfetto"},
                                                                     {"seed", trace.value("seed", json())},
                                                                     {"fingerprint", trace.value("fingerprint", json())}}).dump()
       << ",\n\"traceEvents\": [";
  for (std::size_t i = 0; i < out.size(); ++i) {
    text << (i ? ",\n" : "\n") << out[i].dump(-1, ' ', false, json::error_handler_t::replace);
  }
  text << "\n]}\n";
  return text.str();
}

}  // namespace dsim
