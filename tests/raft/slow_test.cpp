// Raft under random schedules with slow nodes on top: a slow leader's heartbeats wait in its
// queue, followers elect another, the slow one catches up as a stale leader. Safety must hold
// (and liveness after calm: slowness never outlasts the fault window by more than one event).
#include <algorithm>

#include <gtest/gtest.h>

#include "sim/fault/swarm.h"
#include "tests/raft/random_case.h"

namespace dsim::raft::testing {
namespace {

TEST(RaftSlow, SafeAndLiveUnderRandomSlowNodes) {
  std::size_t slowed = 0;
  const std::uint64_t seeds = kSanitized ? 10 : 60;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Scenario s = random_case(seed);
    TimeNs faults_end_ns = 0;
    for (const FaultAction& f : s.faults) faults_end_ns = std::max(faults_end_ns, f.at_ns + f.duration_ns.value_or(0));
    if (faults_end_ns <= 400 * kNsPerMs) continue;
    SwarmOptions o;
    o.start_ns = 300 * kNsPerMs;
    o.end_ns = faults_end_ns;
    o.slows_max = 4;
    // Only the slow windows: the case's own faults stay as drawn.
    SwarmOptions none = o;
    // swarm_faults needs one allowed kind; what it draws of it is discarded below.
    none.pauses = none.partitions = none.clogs = none.network = none.clocks = false;
    Rng rng = Rng::derive(seed, "raft-slow-test");
    Rng slow_rng = Rng::derive(seed, "raft-slow-test-slow");
    for (FaultAction& f : swarm_faults(none, s.cluster.size(), rng, &slow_rng)) {
      if (f.kind == FaultAction::Kind::slow) s.faults.push_back(std::move(f));
    }
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
    slowed += std::any_of(s.faults.begin(), s.faults.end(),
                          [](const FaultAction& f) { return f.kind == FaultAction::Kind::slow; });
    const RunResult r = run_scenario(s);
    const auto safety = first_safety_violation(r);
    EXPECT_FALSE(safety) << "seed " << seed << ": " << safety->id() << "\n" << write_reproduction(s, "raft-slow");
    const auto liveness = first_liveness_violation(r);
    EXPECT_FALSE(liveness) << "seed " << seed << ": " << liveness->id() << "\n" << write_reproduction(s, "raft-slow");
  }
  EXPECT_GT(slowed, seeds / 4) << "too few cases had a slow node to test anything";
}

}  // namespace
}  // namespace dsim::raft::testing
