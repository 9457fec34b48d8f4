// The random search over ABD and Dynamo runs, with the fuzzer's own generator (the one `dsim
// fuzz` uses, sim/fuzz/generator.h) on the shipped base scenarios:
//   - ABD is linearizable and live under random crash / partition / clog / loss / pause / clock
//     faults on 3- and 5-node clusters (RapidCheck);
//   - correct Dynamo keeps its invariants and converges under the same faults;
//   - every known bug, and Dynamo's LWW anomaly, is found within a bound on the seeds.
// Case counts are small in CI; DSIM_QUORUM_CASES widens the properties, DSIM_QUORUM_BUG_SEEDS
// the bug searches (to measure how many seeds each needs).
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/core/file.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/property.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

Scenario load(const std::string& name, const std::set<std::string>& bugs = {}) {
  auto loaded = load_scenario(std::string(DSIM_SOURCE_DIR) + "/scenarios/" + name);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) throw std::runtime_error(diag->format(name));
  Scenario s = std::get<Scenario>(std::move(loaded));
  s.cluster.bugs = bugs;
  return s;
}

int env_count(const char* name, int fallback) {
  const char* env = std::getenv(name);
  const int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

const std::string kFailures = (std::filesystem::temp_directory_path() / "dsim-quorum-failures").string();

// ---- Properties: no finding at all on correct protocols ----

RC_GTEST_PROP(AbdProperty, LinearizableAndLiveOn3Nodes, ()) {
  fuzz::swarm_property(load("abd/fuzz-base-3.json"), kFailures);
}
RC_GTEST_PROP(AbdProperty, LinearizableAndLiveOn5Nodes, ()) {
  fuzz::swarm_property(load("abd/fuzz-base-5.json"), kFailures);
}

// Correct Dynamo under the swarm: invariants hold and replicas converge (no linearizability
// check in these bases: Dynamo does not promise it).
class DynamoSafe : public ::testing::TestWithParam<const char*> {};
TEST_P(DynamoSafe, NoFindingUnderSwarmFaults) {
  const Scenario base = load(GetParam());
  const int seeds = env_count("DSIM_QUORUM_CASES", kSanitized ? 5 : 25);
  for (int seed = 1; seed <= seeds; ++seed) {
    const RunResult r = run_scenario(fuzz::fuzz_scenario(base, static_cast<std::uint64_t>(seed)));
    const auto sig = fuzz::signature(r);
    EXPECT_FALSE(sig) << GetParam() << " seed " << seed << ": " << *sig
                      << " (reproduce: dsim fuzz scenarios/" << GetParam() << " --seeds " << seed << ")";
  }
}
INSTANTIATE_TEST_SUITE_P(Bases, DynamoSafe,
                         ::testing::Values("dynamo/fuzz-base-anti-entropy.json", "dynamo/fuzz-base-vclock.json",
                                           "dynamo/fuzz-base-sloppy.json", "dynamo/fuzz-base-hints.json"));

// ---- Bounds: the first seed whose fuzzed run fails with the expected signature ----
// Measured with `dsim fuzz BASE --seeds 1..40` (the first failing seed; failing share):
// read-without-write-back 3 (3/40), read-repair-older-wins 1 (33/40), merge-drops-sibling 1
// (40/40), merkle-skip-subtree 1 (31/60), LWW not linearizable (no bug) 3 (28/40).
// Bounds are ~4x the seed or more, so that at the measured share a miss has odds below 1 in 100.
struct Bound {
  const char* name;
  const char* base;
  const char* bug;        // "" for an anomaly of the correct protocol
  const char* signature;  // the finding id it must produce (prefix)
  int seeds_max;
};
constexpr Bound kBounds[] = {
    {"read_without_write_back", "abd/fuzz-base-3.json", "read-without-write-back", "linearizability", 60},
    {"read_repair_older_wins", "dynamo/fuzz-base-lww.json", "read-repair-older-wins", "invariant:replica-monotonic", 10},
    {"merge_drops_sibling", "dynamo/fuzz-base-vclock.json", "merge-drops-sibling", "invariant:replica-monotonic", 10},
    {"merkle_skip_subtree", "dynamo/fuzz-base-anti-entropy.json", "merkle-skip-subtree", "convergence:diverged", 20},
    {"lww_not_linearizable", "dynamo/fuzz-base-lww.json", "", "linearizability", 20},
    // Found by the scenario's partition-restarts profile (half its seeds): first seed 12, 15 of
    // seeds 1..300 (5 %: a miss in 100 seeds has odds below 1 in 100).
    {"hints_in_memory", "dynamo/fuzz-base-hints.json", "hints-in-memory", "convergence:lost-acknowledged-write", 100},
};

class QuorumBugSearch : public ::testing::TestWithParam<Bound> {};
TEST_P(QuorumBugSearch, FoundWithinBound) {
  const Bound b = GetParam();
  if (kSanitized) GTEST_SKIP() << "seed bounds are asserted by the optimised build";
  const int seeds = env_count("DSIM_QUORUM_BUG_SEEDS", b.seeds_max);
  std::set<std::string> bugs;
  if (*b.bug) bugs.insert(b.bug);
  const Scenario base = load(b.base, bugs);
  for (int seed = 1; seed <= seeds; ++seed) {
    const RunResult r = run_scenario(fuzz::fuzz_scenario(base, static_cast<std::uint64_t>(seed)));
    const auto sig = fuzz::signature(r);
    if (sig && sig->rfind(b.signature, 0) == 0) {
      std::cout << b.name << ": found at seed " << seed << " (" << *sig << ")\n";
      return;
    }
  }
  FAIL() << b.name << ": no " << b.signature << " in " << seeds << " seeds";
}
INSTANTIATE_TEST_SUITE_P(Known, QuorumBugSearch, ::testing::ValuesIn(kBounds),
                         [](const ::testing::TestParamInfo<Bound>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dsim
