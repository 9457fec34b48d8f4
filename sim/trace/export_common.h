// Reading a native trace (docs/trace-format.md) for the exporters and `dsim viz`.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// Why `trace` is not a native trace (format, version, actors, events), or "" when it is one.
std::string trace_json_problem(const nlohmann::json& trace);

// Reads and parses a whole trace file; nullopt with `error` set ("path:line: ...") on failure.
std::optional<nlohmann::json> load_trace_json(const std::string& path, std::string* error);

// Checks only the header of the trace text (the part before the events), which is cheap even
// for a million events. "" when it is a dsim trace, else why not.
std::string trace_header_problem(const std::string& text);

}  // namespace dsim
