// Reading a native trace (docs/trace-format.md) for the exporters and `dsim viz`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// Why `trace` is not a native trace (format, version, actors, events), or "" when it is one.
std::string trace_json_problem(const nlohmann::json& trace);

// Reads and parses a whole trace file; nullopt with `error` set ("path:line: ...") on failure.
// A trace larger than this is refused (read with the limit enforced while reading).
inline constexpr std::size_t kTraceBytesMax = std::size_t{1} << 30;

std::optional<nlohmann::json> load_trace_json(const std::string& path, std::string* error);

// Checks only the header of the trace text (the part before the events), which is cheap even
// for a million events. "" when it is a dsim trace, else why not.
std::string trace_header_problem(const std::string& text);

// A field of a trace event as text: a string as it is, any other value as compact JSON, and
// `fallback` when the field is absent.
std::string event_text(const nlohmann::json& event, const char* key, const std::string& fallback = "");

// A numeric field of a trace event, or `fallback` when it is absent or not a number.
std::int64_t event_int(const nlohmann::json& event, const char* key, std::int64_t fallback = -1);

}  // namespace dsim
