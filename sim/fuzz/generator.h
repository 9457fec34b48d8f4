// The fuzzer's generator and verdict: a pure function (scenario, seed) -> concrete scenario, and
// the signature that names a failing run. Everything `dsim fuzz`, the shrinker, the RapidCheck
// helper and the benchmark share lives here, so they cannot drift apart. docs/fuzzing.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/fault/swarm.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::fuzz {

// The window faults are drawn in comes from the scenario itself: [workload start, end - calm), where the calm phase is the last 30 % of
// the run, longer when liveness needs `within` plus a tenth of the run to be judged.
struct FuzzLimits {
  TimeNs faults_from_ns = 0;
  TimeNs faults_until_ns = 0;  // every swarm fault is undone by then; == from: no room, no faults
  std::uint32_t faults_max = 12;
};

inline constexpr std::uint32_t kCalmPercent = 30;

FuzzLimits derive_limits(const Scenario& base);

// The concrete scenario seed `seed` runs: the base scenario's own faults plus the faults of this
// seed's nemesis profile (one of base.fuzz.profiles, drawn by weight: the swarm or a targeted
// pattern, sim/fault/nemesis.h), run.seed = seed, and an expectation under which any safety or liveness finding fails
// (safety holds; liveness holds when the base checks liveness). Pure: same inputs, same output.
// Returned as parsed back from its canonical JSON, so it is exactly what its file says.
Scenario fuzz_scenario(const Scenario& base, std::uint64_t seed);

// The name of a failure, stable across seeds for the same bug: the id ("check:name") of the
// first safety finding, else of the first liveness finding when the scenario makes a liveness
// claim (RunResult::liveness_claimed); nullopt when the run passed. An
// inconclusive checker counts as a failure ("inconclusive:..."): an unproven claim is not a pass.
std::optional<std::string> signature(const RunResult& result);

// Whether `signature` (of `result`) names a liveness finding rather than a safety one.
bool is_liveness(const RunResult& result, const std::string& signature);

// A signature as a directory name: [A-Za-z0-9_-] kept, everything else '-'.
std::string slug(const std::string& signature);

// The expectation a failure file carries: the recorded failure happens again (so `dsim run` on
// the file exits 0 exactly when the failure reproduces).
ExpectSpec expect_failure(const std::string& signature, bool liveness_signature);

// A scenario as the canonical file text (to_json, two-space indent, trailing newline).
std::string scenario_text(const Scenario& scenario);

}  // namespace dsim::fuzz
