// The shipped Raft scenarios: each one's claim holds, and the ones that are comparisons
// (fixed vs randomized election timeouts) compare as they claim.
#include <filesystem>
#include <iostream>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

#include "tests/raft/random_case.h"

namespace dsim::raft {
namespace {

using testing::load_shipped;

TEST(RaftScenarios, EveryClaimHolds) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::kShippedDir)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    const std::string name = entry.path().filename().string();
    const Scenario scenario = load_shipped(name);
    const RunResult result = run_scenario(scenario);
    EXPECT_TRUE(result.expectation_held) << name << ": " << result.expectation_detail;
  }
  EXPECT_GE(count, 14u);
}

TEST(RaftScenarios, RandomizedTimeoutsSplitFewerVotesThanFixed) {
  const RunResult fixed = run_scenario(load_shipped("fixed-election-timeouts.json"));
  const RunResult randomized = run_scenario(load_shipped("randomized-election-timeouts.json"));
  const auto split = [](const RunResult& r) { return r.metrics.at("raft").at("split_votes").get<std::uint64_t>(); };
  std::cout << "split votes: fixed " << split(fixed) << ", randomized " << split(randomized) << "\n";
  EXPECT_GE(split(fixed), 3u);
  EXPECT_LT(split(randomized), split(fixed));
}

TEST(RaftScenarios, Figure8IsTheBugAlone) {
  // The two figure-8 files differ only in the bug switch (and the checks the safe one adds).
  const Scenario with_bug = load_shipped("figure-8-bug.json");
  const Scenario without = load_shipped("figure-8.json");
  EXPECT_EQ(with_bug.faults.size(), without.faults.size());
  EXPECT_EQ(with_bug.cluster.params, without.cluster.params);
  EXPECT_EQ(with_bug.cluster.bugs, std::set<std::string>{"commit-old-term"});
  EXPECT_TRUE(without.cluster.bugs.empty());
  const RunResult result = run_scenario(with_bug);
  ASSERT_FALSE(result.findings.empty());
  EXPECT_EQ(result.findings.front().id(), "invariant:leader-completeness");
}

TEST(RaftScenarios, RunsAreDeterministic) {
  const Scenario scenario = load_shipped("flapping-partitions.json");
  const RunResult a = run_scenario(scenario);
  const RunResult b = run_scenario(scenario);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.stats.events, b.stats.events);
}

}  // namespace
}  // namespace dsim::raft
