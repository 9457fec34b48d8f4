// A scenario's `sweep` section: the experiment `dsim sweep` and `dsim run` carry out.
//   "sweep": {"title": "...", "seeds": "1..50",
//             "set": [{"pointer": "/cluster/params/election_timeout_ms", "range": "150..300:50", "name": "timeout"},
//                     {"pointer": "/cluster/nodes", "values": [3, 5]}],
//             "plot": {"metrics": ["raft.split_votes"], "x": "timeout", "series": "nodes"},
//             "expect": [{"metric": "raft.split_votes", "at": {"timeout": 300}, "below": 1},
//                        {"metric": "raft.split_votes", "trend": "decreasing", "in": "timeout"},
//                        {"metric": "gossip.rounds", "fit": "log2(n) + 1", "in": "n", "tolerance": 0.2}]}
// docs/sweeps.md lists every key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/scenario.h"

namespace dsim {

inline constexpr std::size_t kSweepParamsMax = 8;          // parameters in one grid
inline constexpr std::size_t kSweepValuesMax = 1000;       // values of one parameter
inline constexpr std::uint64_t kSweepPointsMax = 100'000;  // grid points (the product)
inline constexpr std::size_t kSweepExpectMax = 64;

// The values of "A..B[:STEP]" (numbers, STEP > 0, default 1; B included when a step lands on it);
// nullopt with `error` when malformed or longer than kSweepValuesMax.
std::optional<std::vector<nlohmann::json>> parse_sweep_range(const std::string& text, std::string* error);

// Names each unnamed parameter by its pointer's last token (the whole pointer when two share it)
// and checks the grid's limits; "" when the grid is fine, else what is wrong.
std::string name_sweep_params(std::vector<SweepParam>& params);

// nullopt after recording the section's problems in `diag`.
std::optional<SweepSpec> read_sweep(const nlohmann::json& value, const std::string& path, Diagnostics& diag);

nlohmann::json sweep_to_json(const SweepSpec& sweep);

}  // namespace dsim
