// Thousands of nodes: a scenario of 4,096 nodes parses and runs, a half-and-half partition is
// one group index per node rather than 8 million pairs, and link state exists only for links
// that carried traffic.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/fault/partition.h"
#include "sim/net/network.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

TEST(Scale, LinkSetShapesCountWithoutListing) {
  std::vector<NodeId> a, b;
  for (NodeId i = 0; i < 4096; ++i) (i < 2048 ? a : b).push_back(i);
  const LinkSet cut = LinkSet::between_groups({a, b}, 4096);
  EXPECT_EQ(cut.count(), 2ull * 2048 * 2048);
  EXPECT_TRUE(cut.contains(0, 4095));
  EXPECT_TRUE(cut.contains(4095, 0));
  EXPECT_FALSE(cut.contains(1, 2));
  const LinkSet one_way = LinkSet::one_way(a, b, 4096);
  EXPECT_EQ(one_way.count(), 2048ull * 2048);
  EXPECT_FALSE(one_way.contains(4095, 0));
  EXPECT_EQ(LinkSet::touching({7}, 4096).count(), 2ull * 4095);
  // Small shapes list exactly what the pair helpers list.
  EXPECT_EQ(LinkSet::between_groups({{0, 1}, {3}}, 5).pairs(), pairs_between_groups({{0, 1}, {3}}));
  EXPECT_EQ(LinkSet::one_way({0, 2}, {2, 4}, 5).pairs(), pairs_one_way({0, 2}, {2, 4}));
  EXPECT_EQ(LinkSet::touching({1, 3}, 5).pairs(), pairs_touching({1, 3}, 5));
}

TEST(Scale, NetworkKeepsStateOnlyForLinksThatCarriedTraffic) {
  NetworkSpec spec;
  LinkSpec slow;
  for (NodeId i = 0; i < 4096; ++i) slow.from.push_back(i);
  slow.to = {0};
  slow.loss = 0.5;
  spec.links = {slow};
  Network net(spec, 4096, Rng(1));
  for (NodeId i = 1; i < 4096; ++i) net.route(i, (i + 1) % 4096, 0);
  EXPECT_EQ(net.links_with_state(), 4095u);
  EXPECT_EQ(net.distinct_conditions(), 2u) << "the default, and the links into n0";
}

TEST(Scale, FourThousandNodesWithAHalfPartitionRun) {
  nlohmann::json doc = {{"cluster", {{"protocol", "pingpong"}, {"nodes", 4096}, {"params", {{"peers", 1}}}}},
                        {"checks", {{"invariants", false}}},
                        {"expect", {{"safety", "any"}}},  // nothing is checked: only that it runs
                        {"run", {{"duration_ms", 3}}}};
  std::vector<std::string> left, right;
  for (int i = 0; i < 4096; ++i) (i % 2 ? right : left).push_back(fmt::format("n{}", i));
  doc["faults"] = {{{"at_ms", 1}, {"action", "partition"}, {"groups", {left, right}}, {"duration_ms", 1}},
                   {{"at_ms", 1}, {"action", "clog"}, {"node", "n5"}, {"duration_ms", 1}}};
  auto parsed = parse_scenario(doc.dump(), "scale.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<Diagnostics>(parsed).format("scale.json");
  const Scenario& s = std::get<Scenario>(parsed);
  EXPECT_TRUE(s.faults[0].pairs.empty()) << "kept as groups";
  EXPECT_EQ(fault_links(s.faults[0], 4096).count(), 2ull * 2048 * 2048);
  const RunResult r = run_scenario(s);
  EXPECT_GT(r.stats.messages_delivered, 4096u);
  EXPECT_GT(r.stats.messages_dropped, 0u) << "every ring message crosses the partition";
  // The canonical form reads back as the same scenario.
  auto back = parse_scenario(to_json(s).dump(), "back.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(back));
  EXPECT_EQ(std::get<Scenario>(back), s);
}

}  // namespace
}  // namespace dsim
