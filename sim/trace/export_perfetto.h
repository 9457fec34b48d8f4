// Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open:
// nodes and clients as processes, handlers as complete ("X") slices, messages as flows
// ("s"/"f" with matching id, category and name), client operations as async slices ("b"/"e"),
// faults and violations as instants, numeric annotations (term, commit ...) as counters and the
// other annotations (role ...) as slices on a thread of their own per key.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/trace/trace_reader.h"

namespace dsim {

// A sink that writes the export to `out` as the trace is read: its memory holds the open slices
// and the messages still in flight, never the trace.
std::unique_ptr<TraceSink> perfetto_sink(std::ostream& out);

}  // namespace dsim
