// Rounds until every node has a rumor, against theory: push with fanout 1 takes about
// log2 N + ln N rounds (Pittel 1987), push-pull fewer, about log3 N (Karp et al. 2000). Prints the
// table for N = 8 ... the scenario limit (4,096 once the engine allows it); asserts each push mean
// within 2.5 rounds of Pittel's formula (its O(1) term is small) and push-pull below push.
//
// DSIM_BROADCAST_ROUNDS_SEEDS (default 12) sets the seeds per size; DSIM_BROADCAST_ROUNDS_N_MAX
// (default 256) the largest size run.
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/world/run.h"
#include "tests/broadcast/cases.h"

namespace dsim::broadcast::testing {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && std::strtoull(v, nullptr, 10) > 0 ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Rounds {
  double mean = 0;
  double max = 0;
};

Rounds measure(std::uint32_t nodes, const std::string& mode, std::uint64_t seeds) {
  Rounds r;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const RunResult result = run_scenario(epidemic(nodes, mode, seed));
    EXPECT_TRUE(result.findings.empty()) << nodes << " " << mode << " seed " << seed << ": "
                                         << result.findings.front().detail;
    const auto& g = result.metrics.at("gossip");
    EXPECT_EQ(g.at("reached_all").get<int>(), 1) << nodes << " " << mode << " seed " << seed;
    if (!g.contains("rounds")) continue;
    const double rounds = g.at("rounds").at("max").get<double>();
    r.mean += rounds / static_cast<double>(seeds);
    r.max = std::max(r.max, rounds);
  }
  return r;
}

TEST(BroadcastRounds, PushFollowsPittelAndPushPullIsFaster) {
  const std::uint64_t seeds = env_or("DSIM_BROADCAST_ROUNDS_SEEDS", 12);
  const std::uint64_t n_max = std::min<std::uint64_t>(env_or("DSIM_BROADCAST_ROUNDS_N_MAX", 256), kScenarioNodesMax);
  std::cout << fmt::format("{:>6} {:>12} {:>10} {:>12} {:>10} {:>9}\n", "N", "push mean", "push max",
                           "log2N+lnN", "push-pull", "log3 N");
  for (std::uint64_t n = 8; n <= n_max; n *= 2) {
    const Rounds push = measure(static_cast<std::uint32_t>(n), "push", seeds);
    const Rounds pp = measure(static_cast<std::uint32_t>(n), "push-pull", seeds);
    const double pittel = std::log2(static_cast<double>(n)) + std::log(static_cast<double>(n));
    const double log3 = std::log(static_cast<double>(n)) / std::log(3.0);
    std::cout << fmt::format("{:>6} {:>12.2f} {:>10.0f} {:>12.2f} {:>10.2f} {:>9.2f}\n", n, push.mean, push.max, pittel,
                             pp.mean, log3);
    EXPECT_NEAR(push.mean, pittel, 2.5) << "N = " << n;
    EXPECT_LT(pp.mean, push.mean) << "N = " << n;
  }
}

}  // namespace
}  // namespace dsim::broadcast::testing
