// The random search: swarm fault schedules (or, in some cases, rolling isolations of the leader)
// and random workloads on 3- and 5-node clusters must never break an invariant nor produce a
// non-linearizable history, and after the calm the cluster must serve again (liveness, asserted
// separately). Every known bug must be caught by the same search within a bounded number of seeds.
//
// Case counts: 300 in CI (shorter runs under the sanitizers); DSIM_RAFT_CASES=5000 (or
// RC_PARAMS="max_success=5000") for a long run.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <variant>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "protocols/raft/options.h"
#include "sim/fuzz/property.h"
#include "tests/raft/random_case.h"

namespace dsim::raft::testing {
namespace {

rc::detail::TestParams property_params(int fallback_cases) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const char* rc_params = std::getenv("RC_PARAMS");
  const bool explicit_count = rc_params && std::string(rc_params).find("max_success") != std::string::npos;
  if (!explicit_count) params.maxSuccess = case_count(fallback_cases);
  // The seed is the whole case: shrinking it gives unrelated cases, not smaller ones. The
  // reproduction is the scenario file instead.
  params.disableShrinking = true;
  return params;
}

template <class Property>
void check_property(const char* name, int fallback_cases, Property property) {
  rc::detail::TestMetadata metadata;
  metadata.id = std::string("RaftProperty/") + name;
  metadata.description = name;
  const auto params = property_params(fallback_cases);
  const auto started = std::chrono::steady_clock::now();
  const auto result = rc::detail::checkTestable(property, metadata, params);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << name << ": " << params.maxSuccess << " cases in " << seconds << " s\n";
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream out;
    rc::detail::printResultMessage(result, out);
    FAIL() << out.str();
  }
}

TEST(RaftProperty, SafeAndLiveUnderSwarmFaults) {
  check_property("SafeAndLiveUnderSwarmFaults", 300, [] {
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, std::uint64_t{1} << 48);
    const Scenario scenario = random_case(seed);
    const RunResult result = run_scenario(scenario);
    if (const auto f = first_safety_violation(result)) {
      RC_FAIL(fmt::format("seed {}: safety: {}: {}\n{}", seed, f->id(), f->detail,
                          write_reproduction(scenario, fmt::format("raft-safety-{}", seed))));
    }
    if (const auto f = first_liveness_violation(result)) {
      RC_FAIL(fmt::format("seed {}: liveness: {}: {}\n{}", seed, f->id(), f->detail,
                          write_reproduction(scenario, fmt::format("raft-liveness-{}", seed))));
    }
  });
}

// For each known bug: the first seed (from 1) whose random case finds a safety violation. The
// bound is what the test asserts; the figure printed is what the search needed. Measured (seed
// that caught it; share of seeds 1..300 that do, 1..1000 for commit-old-term): commit-old-term
// 84 (3.6 %, always in a leader-nemesis case), vote-without-log-check 2 (32 %),
// vote-not-persisted 6 (2 %), unconfirmed-leader-read 3 (29 %), no-truncate-on-conflict 3 (42 %),
// accept-stale-append 5 (13 %). The bounds are about 3-4x the seed, and never so tight that a
// change reshuffling the cases would likely miss: at the measured share, each bound is missed
// with odds below 1 in 1,000.
struct BugBound {
  const char* bug;
  std::uint64_t seeds_max;
};
constexpr BugBound kBugBounds[] = {
    {"commit-old-term", 300},
    {"vote-without-log-check", 50},
    {"vote-not-persisted", 400},
    {"unconfirmed-leader-read", 50},
    {"no-truncate-on-conflict", 50},
    {"accept-stale-append", 100},
};

class RaftBugSearch : public ::testing::TestWithParam<BugBound> {};

TEST_P(RaftBugSearch, CaughtWithinBound) {
  BugBound bound = GetParam();
  // DSIM_RAFT_BUG_SEEDS widens the search, to measure how many seeds a bug needs.
  if (const char* env = std::getenv("DSIM_RAFT_BUG_SEEDS")) bound.seeds_max = std::strtoull(env, nullptr, 10);
  // The bounds are measured on full-size cases; sanitized builds draw shorter ones, which find a
  // bug at other seeds (and run ~10x slower). The optimised build asserts the bounds.
  if (kSanitized) GTEST_SKIP() << bound.bug << ": seed bounds are asserted by the optimised build";
  ASSERT_GT(bound.seeds_max, 0u) << bound.bug << ": every known bug must be caught within a bound";
  for (std::uint64_t seed = 1; seed <= bound.seeds_max; ++seed) {
    const Scenario scenario = random_case(seed, {bound.bug});
    const RunResult result = run_scenario(scenario);
    if (const auto f = first_safety_violation(result)) {
      std::cout << "bug " << bound.bug << ": caught at seed " << seed << " (" << seed << " runs): " << f->id()
                << ": " << f->detail << "\n"
                << write_reproduction(scenario, fmt::format("raft-bug-{}-{}", bound.bug, seed)).substr(0, 200)
                << "\n";
      return;
    }
  }
  FAIL() << "bug " << bound.bug << " not caught in " << bound.seeds_max << " seeds";
}

INSTANTIATE_TEST_SUITE_P(KnownBugs, RaftBugSearch, ::testing::ValuesIn(kBugBounds),
                         [](const ::testing::TestParamInfo<BugBound>& info) {
                           std::string name = info.param.bug;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

// The liveness-only bugs break no safety property, so the search above cannot catch them: each
// is caught by the leader-stability oracle in its shipped scenario (tests/raft/leadership_test.cpp),
// and the fuzz figures are in docs/protocols/raft.md.
constexpr const char* kLivenessBugs[] = {"ignore-higher-term-reply", "keep-timer-on-vote"};

TEST(RaftBugSearch, EveryKnownBugHasABound) {
  for (const BugInfo& bug : kBugs) {
    bool found = false;
    for (const BugBound& b : kBugBounds) found = found || std::string(b.bug) == bug.name;
    for (const char* b : kLivenessBugs) found = found || std::string(b) == bug.name;
    EXPECT_TRUE(found) << bug.name;
  }
}

// Swarm faults over the shipped happy path, whose leader-stability oracle is on: correct Raft
// always has a stable leader within the bound after calm (1,000 seeds of `dsim fuzz` measured 0
// failures). DSIM_RAFT_CASES widens it.
TEST(RaftProperty, HappyPathLeaderStableAfterSwarmFaults) {
  auto loaded = load_scenario(DSIM_SOURCE_DIR "/scenarios/raft/happy-path.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
  const Scenario base = std::get<Scenario>(std::move(loaded));
  ASSERT_TRUE(base.cluster.params.contains("leader_stable_within_ms"));
  const std::string failures = (std::filesystem::temp_directory_path() / "dsim-raft-failures").string();
  check_property("HappyPathLeaderStableAfterSwarmFaults", 30, [&] { fuzz::swarm_property(base, failures); });
}

}  // namespace
}  // namespace dsim::raft::testing
