// Latency models in scenario files: a preset name ("same-dc" ...) or an object such as
// {"dist": "normal", "mean_ms": 1, "stddev_ms": 0.2, "floor_ms": 0.5}. Also the helpers for
// durations written as milliseconds, shared by every section of the format.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// nullopt after recording the problems in `diag`. A spec read from an object has the fields its
// distribution does not use set to 0, so that equal files give equal specs.
std::optional<LatencySpec> read_latency(const nlohmann::json& value, const std::string& path, Diagnostics& diag);
// A preset name when `spec` is one, else the object form.
nlohmann::json latency_to_json(const LatencySpec& spec);

// {"Write": latency, "ReadReply": latency, ...}: a latency per message type name.
inline constexpr std::size_t kMessageTypeMax = 64;
std::optional<TypeLatencies> read_type_latencies(const nlohmann::json& value, const std::string& path,
                                                 Diagnostics& diag);
nlohmann::json type_latencies_to_json(const TypeLatencies& latencies);

// Nanoseconds as a JSON number of milliseconds: an integer when exact, else a decimal that
// reads back (ObjectReader::duration_ms) as the same nanoseconds.
nlohmann::json ms_json(TimeNs ns);

}  // namespace dsim
