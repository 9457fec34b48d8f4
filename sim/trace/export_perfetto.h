// Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open:
// nodes and clients as processes, handlers as complete ("X") slices, messages as flows
// ("s"/"f" with matching ids), client operations as async slices ("b"/"e"), faults and
// violations as instants, numeric annotations (term, commit ...) as counters.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// `trace` is a parsed native trace (load_trace_json). Returns the JSON document as text.
std::string export_perfetto(const nlohmann::json& trace);

}  // namespace dsim
