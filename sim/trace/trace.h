// The record of a run: typed events in the order the engine processed them. The native JSON
// form (docs/trace-format.md) is what the visualizer reads and the exporters convert.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/time.h"

namespace dsim {

enum class TraceKind : std::uint8_t {
  start,       // a node booted or restarted and ran on_start
  send,        // a message (or client request / reply) left its sender
  deliver,     // ... and reached its receiver's handler
  drop,        // lost, blocked by a partition, or the receiver was down
  duplicate,   // the network made a second copy
  hold,        // a clog is holding it
  timer,       // a timer fired
  crash,
  restart,
  wipe,
  pause,
  resume,
  partition,
  heal,
  clog,
  unclog,
  network,     // loss / duplication / latency conditions changed
  clock,       // a clock was stepped, re-drifted or resynced
  annotate,    // a node published state (role, term ...)
  invoke,      // a client started an operation
  complete,    // ... and it completed (ok / fail / info)
  violation,   // a check failed
  stop,        // the run ended
  // Appended, not placed beside pause: a kind's number is folded into every run's fingerprint.
  slow,        // a node handles each event a drawn delay late
  unslow,      // ... and no longer
};

std::string_view trace_kind_name(TraceKind kind);

struct TraceActor {
  std::string name;
  std::string kind;  // "node" or "client"
};

struct TraceEvent {
  TimeNs t_ns = 0;
  TraceKind kind = TraceKind::start;
  std::int64_t actor = -1;  // index into Trace::actors; -1 for cluster-wide events
  nlohmann::json data;      // kind-specific fields (docs/trace-format.md)
};

struct Trace {
  std::vector<TraceActor> actors;  // nodes first (actor i = node i), then clients
  std::vector<TraceEvent> events;
  // Recording stopped when the trace reached its budget (run.memory_mb_max, counted apart from
  // the run's): the events end at cut_ns, the run did not.
  bool cut = false;
  TimeNs cut_ns = 0;
};

nlohmann::json to_json(const TraceEvent& event, std::uint64_t index);

// Writes the native trace: `header` fields first, then the events one per line (so a reader
// can stream it and a diff shows changed events), then `footer` fields.
void write_trace_json(std::ostream& out, const Trace& trace, const nlohmann::json& header,
                      const nlohmann::json& footer);

}  // namespace dsim
