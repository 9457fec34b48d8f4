#include "sim/trace/export_perfetto.h"
#include "sim/trace/export_common.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace dsim {

namespace {

using nlohmann::json;

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

constexpr std::size_t kSliceEventsMax = 32;   // events listed in one handler slice's args
constexpr std::int64_t kSliceNsMax = 1000;    // a handler slice lasts up to the actor's next instant

// A message's send, held until its delivery: a flow is written only when both ends exist.
struct FlowStart {
  std::uint64_t id = 0;
  std::string name;
  std::int64_t t = 0;
  std::int64_t pid = 0;
};

// The events at one actor and one instant: one handler slice, named by the first of them.
struct Slice {
  std::int64_t t = -1;  // -1: none open
  std::string name;
  json events = json::array();
};

// An annotation that is not a number (role ...): a slice from one value to the next.
struct State {
  std::string value;
  std::int64_t since = 0;
};

std::string slice_name(const std::string& k, const json& ev) {
  if (k == "deliver") return "on " + event_text(ev, "type");
  if (k == "timer") return "timer " + event_text(ev, "tag");
  if (k == "send") return "send " + event_text(ev, "type");
  if (k == "invoke") return "invoke " + event_text(ev, "f");
  return k;
}

bool is_node_instant(const std::string& k) {
  return k == "crash" || k == "restart" || k == "wipe" || k == "pause" || k == "resume" || k == "slow" ||
         k == "unslow" || k == "clock" || k == "drop";
}

class PerfettoSink final : public TraceSink {
 public:
  explicit PerfettoSink(std::ostream& out) : out_(out) {}

  void begin(const json& header) override {
    const json& actors = header.at("actors");
    n_actors_ = static_cast<std::int64_t>(actors.size());
    slices_.assign(actors.size(), Slice{});
    states_.assign(actors.size(), {});
    out_ << "{\"displayTimeUnit\": \"ns\",\n\"traceEvents\": [";
    for (std::int64_t a = 0; a < n_actors_; ++a) {
      const json& actor = actors[static_cast<std::size_t>(a)];
      const std::string kind = event_text(actor, "kind", "node");
      meta(a, 1, "process_name", {{"name", kind + " " + event_text(actor, "name", "actor" + std::to_string(a))}});
      meta(a, 1, "process_sort_index", {{"sort_index", a}});
      meta(a, 1, "thread_name", {{"name", kind == "client" ? "operations" : "handlers"}});
    }
    meta(n_actors_, 1, "process_name", {{"name", "cluster (faults, checks)"}});
    meta(n_actors_, 1, "process_sort_index", {{"sort_index", -1}});
  }

  void event(const json& ev) override {
    const std::string k = event_text(ev, "k");
    const std::int64_t t = event_int(ev, "t", 0);
    const std::int64_t a = event_int(ev, "a", -1);
    end_ns_ = std::max(end_ns_, t);
    if (a < 0 || a >= n_actors_) return cluster_event(k, t, ev);
    add_to_slice(a, t, k, ev);
    if (k == "send" || k == "duplicate") flow_start(k, a, t, ev);
    else if (k == "deliver") flow_end(a, t, ev);
    else if (k == "drop") forget_flow(a, ev);
    if (is_node_instant(k)) {
      std::string name = k == "drop" ? "drop " + event_text(ev, "type") + " (" + event_text(ev, "reason") + ")" : k;
      write({{"ph", "i"}, {"s", "p"}, {"name", name}, {"cat", k == "drop" ? "drop" : "fault"}, {"ts", us(t)},
             {"pid", pid(a)}, {"tid", 1}, {"args", ev}});
    } else if (k == "annotate") {
      annotation(a, t, ev);
    } else if (k == "invoke" || k == "complete") {
      operation(k, a, t, ev);
    }
  }

  void end(const json& fields) override {
    for (std::int64_t a = 0; a < n_actors_; ++a) close_slice(a, kSliceNsMax);
    for (std::int64_t a = 0; a < n_actors_; ++a) {
      for (const auto& [key, state] : states_[static_cast<std::size_t>(a)]) state_slice(a, key, state, end_ns_);
    }
    // Operations that never completed end (as info) with the run, so every async slice closes.
    for (const auto& [op, open] : open_ops_) {
      write({{"ph", "e"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", open.second}, {"ts", us(end_ns_)},
             {"pid", pid(open.first)}, {"tid", 1}, {"args", {{"type", "info"}, {"note", "never completed"}}}});
    }
    out_ << "\n],\n\"otherData\": "
         << json({{"generator", "dsim export --format perfetto"}, {"seed", fields.value("seed", json())},
                  {"fingerprint", fields.value("fingerprint", json())}})
                .dump()
         << "}\n";
  }

 private:
  std::int64_t pid(std::int64_t actor) const { return actor + 1; }

  void write(const json& record) {
    out_ << (first_ ? "\n" : ",\n") << record.dump(-1, ' ', false, json::error_handler_t::replace);
    first_ = false;
  }

  void meta(std::int64_t actor, std::int64_t tid, const char* name, json args) {
    write({{"ph", "M"}, {"name", name}, {"pid", pid(actor)}, {"tid", tid}, {"args", std::move(args)}});
  }

  // Cluster-wide: partitions, heals, clogs, network changes, violations.
  void cluster_event(const std::string& k, std::int64_t t, const json& ev) {
    if (k == "stop") return;
    std::string name = k;
    if (k == "violation") name = "violation " + event_text(ev, "id");
    else if (ev.contains("action")) name = k + " " + event_text(ev, "action");
    write({{"ph", "i"}, {"s", "g"}, {"name", name}, {"cat", k == "violation" ? "violation" : "fault"}, {"ts", us(t)},
           {"pid", pid(n_actors_)}, {"tid", 1}, {"args", ev}});
  }

  void add_to_slice(std::int64_t a, std::int64_t t, const std::string& k, const json& ev) {
    Slice& s = slices_[static_cast<std::size_t>(a)];
    if (s.t != t) {
      close_slice(a, s.t < 0 ? 0 : t - s.t);
      s.t = t;
      s.name = slice_name(k, ev);
    }
    if (s.events.size() < kSliceEventsMax) s.events.push_back(ev);
  }

  // Ends the actor's open slice `gap_ns` after it began (at most 1 µs, at least 1 ns), so that
  // slices never overlap and flows bind to them.
  void close_slice(std::int64_t a, std::int64_t gap_ns) {
    Slice& s = slices_[static_cast<std::size_t>(a)];
    if (s.t < 0) return;
    const std::int64_t dur = std::clamp<std::int64_t>(gap_ns, 1, kSliceNsMax);
    write({{"ph", "X"}, {"name", s.name}, {"cat", "handler"}, {"ts", us(s.t)}, {"dur", us(dur)}, {"pid", pid(a)},
           {"tid", 1}, {"args", {{"events", std::move(s.events)}}}});
    s = Slice{};
  }

  // Client requests and replies have no message id: they pair by operation and link, in order.
  static std::string op_link(const json& ev, std::int64_t from, std::int64_t to) {
    return event_text(ev, "op") + "|" + std::to_string(from) + "|" + std::to_string(to);
  }

  void flow_start(const std::string& k, std::int64_t a, std::int64_t t, const json& ev) {
    // A duplicate's flow is named so at both ends: Perfetto pairs flow ends by id, category and name.
    FlowStart start{++flow_id_, event_text(ev, "type") + (k == "duplicate" ? " (duplicate)" : ""), t, pid(a)};
    if (k == "duplicate") flow_of_msg_[event_int(ev, "copy")] = std::move(start);
    else if (ev.contains("msg")) flow_of_msg_[event_int(ev, "msg")] = std::move(start);
    else flow_of_op_[op_link(ev, a, event_int(ev, "to"))].push_back(std::move(start));
  }

  void flow_end(std::int64_t a, std::int64_t t, const json& ev) {
    FlowStart start;
    if (ev.contains("msg")) {
      const auto it = flow_of_msg_.find(event_int(ev, "msg"));
      if (it == flow_of_msg_.end()) return;
      start = std::move(it->second);
      flow_of_msg_.erase(it);
    } else if (!take_op_flow(op_link(ev, event_int(ev, "from"), a), &start)) {
      return;
    }
    write({{"ph", "s"}, {"id", start.id}, {"name", start.name}, {"cat", "message"}, {"ts", us(start.t)},
           {"pid", start.pid}, {"tid", 1}});
    write({{"ph", "f"}, {"bp", "e"}, {"id", start.id}, {"name", start.name}, {"cat", "message"}, {"ts", us(t)},
           {"pid", pid(a)}, {"tid", 1}});
  }

  // A message that is dropped gets no flow; forgetting it keeps the map as small as what is in flight.
  void forget_flow(std::int64_t a, const json& ev) {
    if (ev.contains("msg")) {
      flow_of_msg_.erase(event_int(ev, "msg"));
      return;
    }
    if (!ev.contains("op")) return;
    const bool at_receiver = ev.contains("from");
    take_op_flow(at_receiver ? op_link(ev, event_int(ev, "from"), a) : op_link(ev, a, event_int(ev, "to")), nullptr);
  }

  // The oldest send on a client link; a link with none left is forgotten.
  bool take_op_flow(const std::string& link, FlowStart* start) {
    const auto it = flow_of_op_.find(link);
    if (it == flow_of_op_.end()) return false;
    if (start) *start = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) flow_of_op_.erase(it);
    return true;
  }

  void annotation(std::int64_t a, std::int64_t t, const json& ev) {
    const auto v = ev.find("value");
    if (v == ev.end()) return;
    const std::string key = event_text(ev, "key");
    if (v->is_number()) {
      write({{"ph", "C"}, {"name", key}, {"ts", us(t)}, {"pid", pid(a)}, {"args", {{"value", *v}}}});
      return;
    }
    auto& states = states_[static_cast<std::size_t>(a)];
    const auto it = states.find(key);
    if (it != states.end()) state_slice(a, key, it->second, t);
    else meta(a, state_tid(key), "thread_name", {{"name", key}});
    states[key] = State{event_text(ev, "value"), t};
  }

  void state_slice(std::int64_t a, const std::string& key, const State& state, std::int64_t until) {
    if (until <= state.since) return;  // replaced at the same instant
    write({{"ph", "X"}, {"name", state.value}, {"cat", "state"}, {"ts", us(state.since)}, {"dur", us(until - state.since)},
           {"pid", pid(a)}, {"tid", state_tid(key)}, {"args", {{key, state.value}}}});
  }

  // Thread 1 holds the handlers; each annotation key gets the next thread, the same in every process.
  std::int64_t state_tid(const std::string& key) {
    const auto it = std::find(state_keys_.begin(), state_keys_.end(), key);
    if (it != state_keys_.end()) return 2 + (it - state_keys_.begin());
    state_keys_.push_back(key);
    return 1 + static_cast<std::int64_t>(state_keys_.size());
  }

  void operation(const std::string& k, std::int64_t a, std::int64_t t, const json& ev) {
    const std::string op = event_text(ev, "op");
    if (k == "invoke") {
      const std::string name = event_text(ev, "f") + " #" + op;
      open_ops_[op] = {a, name};
      write({{"ph", "b"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", name}, {"ts", us(t)}, {"pid", pid(a)},
             {"tid", 1}, {"args", ev}});
      return;
    }
    const auto it = open_ops_.find(op);
    const std::string name = it != open_ops_.end() ? it->second.second : event_text(ev, "f") + " #" + op;
    if (it != open_ops_.end()) open_ops_.erase(it);
    write({{"ph", "e"}, {"cat", "op"}, {"id2", {{"local", "op" + op}}}, {"name", name}, {"ts", us(t)}, {"pid", pid(a)},
           {"tid", 1}, {"args", {{"type", event_text(ev, "type")}, {"value", ev.value("value", json())}}}});
  }

  std::ostream& out_;
  bool first_ = true;
  std::int64_t n_actors_ = 0;
  std::int64_t end_ns_ = 0;
  std::vector<Slice> slices_;                                 // per actor
  std::vector<std::map<std::string, State>> states_;          // per actor: key -> current value
  std::vector<std::string> state_keys_;                       // in order of first sight
  std::uint64_t flow_id_ = 0;
  std::unordered_map<std::int64_t, FlowStart> flow_of_msg_;   // msg id -> its send (lookup only)
  std::map<std::string, std::deque<FlowStart>> flow_of_op_;   // "op|from|to" -> sends, in order
  std::map<std::string, std::pair<std::int64_t, std::string>> open_ops_;  // op -> actor, slice name
};

}  // namespace

std::unique_ptr<TraceSink> perfetto_sink(std::ostream& out) { return std::make_unique<PerfettoSink>(out); }

}  // namespace dsim
