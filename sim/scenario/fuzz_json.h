// A scenario's `fuzz` section: the nemesis profiles `dsim fuzz` draws each seed's faults from.
//   "fuzz": {"profiles": [{"kind": "swarm", "weight": 3},
//                         {"kind": "isolations", "weight": 1, "select": {"annotated": {"role": "leader"}}}]}
// Ranges are [min, max] (inclusive) or one number. docs/fuzzing.md lists every key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// nullopt after recording the section's problems in `diag`.
std::optional<FuzzSpec> read_fuzz(const nlohmann::json& value, const std::string& path, Diagnostics& diag);

// The section for `fuzz`, every key of each profile's kind spelled out; read_fuzz gives it back.
nlohmann::json fuzz_to_json(const FuzzSpec& fuzz);

// The profiles a scenario of `protocol` gets without a `fuzz` section: the protocol's declared
// ones (ProtocolInfo::fuzz_profiles), or the swarm alone. An unknown protocol gets the swarm.
nlohmann::json default_fuzz_json(std::string_view protocol);
FuzzSpec default_fuzz(std::string_view protocol);

// "swarm", "isolations", "partition-restarts", "crash-restarts", "mix".
std::string nemesis_kind_name(NemesisProfile::Kind kind);

}  // namespace dsim
