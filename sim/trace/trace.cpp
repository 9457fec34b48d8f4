#include "sim/trace/trace.h"

#include <cassert>

namespace dsim {

std::string_view trace_kind_name(TraceKind kind) {
  switch (kind) {
    case TraceKind::start: return "start";
    case TraceKind::send: return "send";
    case TraceKind::deliver: return "deliver";
    case TraceKind::drop: return "drop";
    case TraceKind::duplicate: return "duplicate";
    case TraceKind::hold: return "hold";
    case TraceKind::timer: return "timer";
    case TraceKind::crash: return "crash";
    case TraceKind::restart: return "restart";
    case TraceKind::wipe: return "wipe";
    case TraceKind::pause: return "pause";
    case TraceKind::resume: return "resume";
    case TraceKind::partition: return "partition";
    case TraceKind::heal: return "heal";
    case TraceKind::clog: return "clog";
    case TraceKind::unclog: return "unclog";
    case TraceKind::network: return "network";
    case TraceKind::clock: return "clock";
    case TraceKind::annotate: return "annotate";
    case TraceKind::invoke: return "invoke";
    case TraceKind::complete: return "complete";
    case TraceKind::violation: return "violation";
    case TraceKind::stop: return "stop";
    case TraceKind::slow: return "slow";
    case TraceKind::unslow: return "unslow";
  }
  assert(false && "unknown trace kind");
  return "unknown";
}

nlohmann::json to_json(const TraceEvent& event, std::uint64_t index) {
  nlohmann::json j = nlohmann::json::object();
  j["i"] = index;
  j["t"] = event.t_ns;
  j["k"] = trace_kind_name(event.kind);
  if (event.actor >= 0) j["a"] = event.actor;
  if (event.data.is_object()) {
    for (const auto& [key, value] : event.data.items()) j[key] = value;
  }
  return j;
}

namespace {
// Trace text comes from protocols and users; never let a bad byte abort the write.
std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_fields(std::ostream& out, const nlohmann::json& fields, bool& first) {
  for (const auto& [key, value] : fields.items()) {
    out << (first ? "\n" : ",\n") << dump(key) << ": " << dump(value);
    first = false;
  }
}
}  // namespace

void write_trace_json(std::ostream& out, const Trace& trace, const nlohmann::json& header,
                      const nlohmann::json& footer) {
  out << "{";
  bool first = true;
  write_fields(out, header, first);
  nlohmann::json actors = nlohmann::json::array();
  for (std::size_t i = 0; i < trace.actors.size(); ++i) {
    actors.push_back({{"id", i}, {"name", trace.actors[i].name}, {"kind", trace.actors[i].kind}});
  }
  write_fields(out, nlohmann::json{{"actors", actors}}, first);
  out << (first ? "\n" : ",\n") << "\"events\": [";
  first = false;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    out << (i == 0 ? "\n" : ",\n") << dump(to_json(trace.events[i], i));
  }
  out << "\n]";
  write_fields(out, footer, first);
  out << "\n}\n";
}

}  // namespace dsim
