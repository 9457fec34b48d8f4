// Lifeguard against plain SWIM on a slow node: n0's links take 30-90 ms each way (a 20 ms probe
// timeout, a 100 ms period), as if the node were overloaded. Plain SWIM's false suspicions and
// removals against Lifeguard's, same faults and seeds; the ratio is printed and asserted as a band.
// (Built on slow links; the engine's `slow` node fault, which delays the node's event handling,
// is the other way to starve a node.)
#include <iostream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/membership/cases.h"

namespace dsim::membership::testing {
namespace {

Scenario slow_links_case(const nlohmann::json& params, std::uint64_t seed) {
  const nlohmann::json slow = {{"dist", "uniform"}, {"min_ms", 30}, {"max_ms", 90}};
  return parse({{"name", "slow-links"},
                {"cluster", {{"protocol", "membership"}, {"nodes", 16}, {"params", params}}},
                {"network",
                 {{"latency", "same-dc"},
                  {"links", {{{"from", "n0"}, {"to", "*"}, {"latency", slow}}, {{"from", "*"}, {"to", "n0"}, {"latency", slow}}}}}},
                {"expect", {{"safety", "any"}, {"liveness", "any"}}},
                {"run", {{"seed", seed}, {"duration_ms", 60000}}}});
}

TEST(MembershipLifeguard, FarFewerFalseSuspicionsOfASlowNode) {
  std::uint64_t plain_s = 0, plain_r = 0, guard_s = 0, guard_r = 0;
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto plain = metrics(run_scenario(slow_links_case({{"mode", "swim"}}, seed)));
    const auto guard = metrics(run_scenario(slow_links_case({{"mode", "swim"}, {"lifeguard", true}}, seed)));
    plain_s += plain.at("false_suspicions").get<std::uint64_t>();
    plain_r += plain.at("false_removals").get<std::uint64_t>();
    guard_s += guard.at("false_suspicions").get<std::uint64_t>();
    guard_r += guard.at("false_removals").get<std::uint64_t>();
  }
  const double ratio = static_cast<double>(plain_s) / static_cast<double>(std::max<std::uint64_t>(guard_s, 1));
  std::cout << fmt::format("slow node, seeds 1-3: plain SWIM {} false suspicions, {} false removals; Lifeguard {}, {}; "
                           "ratio of suspicions {:.1f}x\n",
                           plain_s, plain_r, guard_s, guard_r, ratio);
  EXPECT_GT(ratio, 2.5);
  EXPECT_GT(plain_r, 0u);
  EXPECT_EQ(guard_r, 0u);
}

}  // namespace
}  // namespace dsim::membership::testing
