// The random search over Raft runs: one seed gives one concrete scenario (cluster size, Raft
// parameters, workload and a swarm fault schedule), so a failing seed is reproduced by the
// scenario file it writes out — no seed arithmetic needed to replay it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::raft::testing {

// Shorter runs and fewer operations under the sanitizers, which are ~5-10x slower.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// scenarios/raft/, where the shipped Raft scenarios are.
inline const std::string kShippedDir = std::string(DSIM_SOURCE_DIR) + "/scenarios/raft/";
// The shipped scenario `name` (a file in kShippedDir); a test failure, and an empty scenario,
// when it does not load.
Scenario load_shipped(const std::string& name);

// The scenario for `seed`, with `bugs` switched on.
Scenario random_case(std::uint64_t seed, const std::set<std::string>& bugs = {});

// The first safety finding of a run (invariant or linearizability), if any. "inconclusive"
// (a checker's budget ran out) is not a violation.
std::optional<Finding> first_safety_violation(const RunResult& result);
std::optional<Finding> first_liveness_violation(const RunResult& result);

// Writes the scenario to a file and returns "path\ncontent" for a failure message.
std::string write_reproduction(const Scenario& scenario, const std::string& label);

// How many cases the properties run: DSIM_RAFT_CASES, else `fallback`.
int case_count(int fallback);

}  // namespace dsim::raft::testing
