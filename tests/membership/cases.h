// Scenarios the membership tests build: crash-detection runs at a given group size, the base
// scenarios the swarm fuzzer starts from, and the random short-isolation cases.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::membership::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// Parses a scenario document; a document that does not validate fails the calling test.
Scenario parse(const nlohmann::json& doc);

// `crashes` crashes of distinct-ish nodes, 1.5 s apart, each down for 1 s, on `nodes` nodes.
Scenario detection_case(std::uint32_t nodes, std::uint32_t crashes, const nlohmann::json& params,
                        std::uint64_t seed = 1);

// A fault-free 16-node scenario (mode swim or heartbeat) for the swarm fuzzer to add faults to.
Scenario swarm_base(const std::string& mode, const std::set<std::string>& bugs = {});

// Seed -> 32 or 64 SWIM nodes (Lifeguard, suspicion_mult 3) with 20 isolations of 50..150 ms at random
// times and nodes, light loss, false removals forbidden.
Scenario isolation_case(std::uint64_t seed, const std::set<std::string>& bugs = {});

// The membership metrics of a run ("membership" in RunResult::metrics).
const nlohmann::json& metrics(const RunResult& result);

// Writes a scenario file under the system temp dir and returns its path.
std::string write_reproduction(const Scenario& scenario, const std::string& label);

int case_count(const char* env, int fallback);

}  // namespace dsim::membership::testing
