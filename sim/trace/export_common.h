// What the exporters share: reading one field of a trace event.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// A field of a trace event as text: a string as it is, any other value as compact JSON, and
// `fallback` when the field is absent (or the event is not an object).
std::string event_text(const nlohmann::json& event, const char* key, const std::string& fallback = "");

// A numeric field of a trace event, or `fallback` when it is absent or not a number.
std::int64_t event_int(const nlohmann::json& event, const char* key, std::int64_t fallback = -1);

}  // namespace dsim
