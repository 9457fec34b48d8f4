// What each fault action expands to: kind, nodes, groups and the directed pairs of every
// partition form, undo durations, ordering.
#include <map>

#include <gtest/gtest.h>

#include "sim/fault/partition.h"
#include "sim/fault/swarm.h"

#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;
using Kind = FaultAction::Kind;
using Pairs = std::vector<std::pair<NodeId, NodeId>>;
using Groups = std::vector<std::vector<NodeId>>;

// The one fault of a 5-node scenario whose faults are `text`.
FaultAction one(const char* text, std::uint32_t nodes = 5) {
  const Scenario s = parse_ok(doc_with_faults(json::array({json::parse(text)}), nodes));
  if (s.faults.size() != 1) {
    ADD_FAILURE() << "expected one fault";
    return FaultAction{};
  }
  return s.faults[0];
}

// Every (a, b) and (b, a) with a in `x` and b in `y`, sorted.
// The links an action covers, listed (5 nodes unless told).
Pairs links(const FaultAction& f, std::uint32_t nodes = 5) { return fault_links(f, nodes).pairs(); }

Pairs both_ways(const std::vector<NodeId>& x, const std::vector<NodeId>& y) {
  Pairs pairs;
  for (NodeId a : x) {
    for (NodeId b : y) {
      pairs.emplace_back(a, b);
      pairs.emplace_back(b, a);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

TEST(Faults, CrashWithUndo) {
  const FaultAction f = one(R"({"at_ms": 1.5, "action": "crash", "node": "n2", "lose_unsynced": true, "duration_ms": 250})");
  EXPECT_EQ(f.kind, Kind::crash);
  EXPECT_EQ(f.at_ns, 1'500'000);
  EXPECT_EQ(f.duration_ns, 250 * kNsPerMs);
  EXPECT_EQ(f.nodes, std::vector<NodeId>{2});
  EXPECT_TRUE(f.lose_unsynced);
  EXPECT_EQ(f.label, "crash");
  EXPECT_TRUE(f.pairs.empty());
}

TEST(Faults, NodeActionsKeepTheWrittenOrder) {
  const FaultAction f = one(R"({"at_ms": 0, "action": "pause", "nodes": ["n3", "n1"]})");
  EXPECT_EQ(f.kind, Kind::pause);
  EXPECT_EQ(f.nodes, (std::vector<NodeId>{3, 1}));
  EXPECT_FALSE(f.duration_ns);
}

TEST(Faults, EveryNodeActionMapsToItsKind) {
  const std::vector<std::pair<const char*, Kind>> actions = {
      {"restart", Kind::restart}, {"wipe", Kind::wipe}, {"pause", Kind::pause},
      {"resume", Kind::resume},   {"clock-resync", Kind::clock_resync}};
  for (const auto& [action, kind] : actions) {
    const json entry = {{"at_ms", 1}, {"action", action}, {"node", "n1"}};
    const FaultAction f = one(entry.dump().c_str());
    EXPECT_EQ(f.kind, kind) << action;
    EXPECT_EQ(f.label, action);
    EXPECT_EQ(f.nodes, std::vector<NodeId>{1});
  }
}

TEST(Faults, SlowTakesAnyLatencyFormAsItsDelay) {
  const FaultAction f = one(R"({"at_ms": 2, "action": "slow", "nodes": ["n1", "n3"], "duration_ms": 500,
                                "delay": {"dist": "uniform", "min_ms": 5, "max_ms": 20}})");
  EXPECT_EQ(f.kind, Kind::slow);
  EXPECT_EQ(f.nodes, (std::vector<NodeId>{1, 3}));
  EXPECT_EQ(f.duration_ns, 500 * kNsPerMs);
  ASSERT_TRUE(f.latency);
  EXPECT_EQ(f.latency->dist, LatencySpec::Dist::uniform);
  EXPECT_EQ(f.latency->min_ns, 5 * kNsPerMs);
  EXPECT_EQ(f.latency->max_ns, 20 * kNsPerMs);
  EXPECT_EQ(one(R"({"at_ms": 2, "action": "slow", "node": "n0", "delay": "same-region"})").latency, latency_preset("same-region"));
  const FaultAction gc = one(R"({"at_ms": 2, "action": "slow", "node": "n0", "delay": {"dist": "mixture", "components": [
      {"weight": 0.95, "latency": {"dist": "constant", "value_ms": 1}},
      {"weight": 0.05, "latency": {"dist": "pareto", "scale_ms": 100, "shape": 1.5}}]}})");
  EXPECT_EQ(gc.latency->components.size(), 2u);
  EXPECT_TRUE(one(R"({"at_ms": 1, "action": "slow", "node": {"annotated": {"role": "leader"}}, "delay": "same-dc"})").select);
  EXPECT_EQ(f.slow_order, FaultAction::SlowOrder::arrival) << "the default";
  EXPECT_EQ(one(R"({"at_ms": 2, "action": "slow", "node": "n0", "delay": "same-dc", "order": "arrival"})").slow_order,
            FaultAction::SlowOrder::arrival);
  EXPECT_EQ(one(R"({"at_ms": 2, "action": "slow", "node": "n0", "delay": "same-dc", "order": "timers-first"})").slow_order,
            FaultAction::SlowOrder::timers_first);
  const FaultAction unslow = one(R"({"at_ms": 3, "action": "unslow", "node": "n2"})");
  EXPECT_EQ(unslow.kind, Kind::unslow);
  EXPECT_FALSE(unslow.latency);
}

TEST(Faults, ASlowDrawnByTheSwarmReadsBackExactly) {
  // Nanosecond bounds, as the swarm draws them: the written milliseconds read back the same.
  const Scenario base = parse_ok(doc_with_faults(json::array(), 3));
  SwarmOptions o;
  o.start_ns = 0;
  o.end_ns = 5 * kNsPerSec;
  std::size_t slows = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng = Rng::derive(seed, "f");
    Rng slow_rng = Rng::derive(seed, "s");
    Scenario s = base;
    for (FaultAction& f : swarm_faults(o, 3, rng, &slow_rng)) {
      if (f.kind == Kind::slow) s.faults.push_back(std::move(f));
    }
    slows += s.faults.size();
    EXPECT_EQ(parse_ok(to_json(s)).faults, s.faults) << "seed " << seed;
  }
  EXPECT_GT(slows, 0u);
}

// The order is written back only when it is not the default, so files without it round-trip.
TEST(Faults, ASlowOrderIsWrittenOnlyWhenItIsNotTheDefault) {
  for (const char* order : {"arrival", "timers-first"}) {
    const json entry = {{"at_ms", 2}, {"action", "slow"}, {"node", "n1"}, {"delay", "same-dc"}, {"order", order}};
    const Scenario s = parse_ok(doc_with_faults(json::array({entry}), 3));
    const json out = to_json(s);
    const json& written = out["faults"][0];
    EXPECT_EQ(written.contains("order"), std::string(order) == "timers-first") << order;
    if (written.contains("order")) {
      EXPECT_EQ(written["order"], order);
    }
    EXPECT_EQ(parse_ok(out).faults, s.faults) << order;
  }
}

TEST(Faults, PartitionGroupsBlockEveryLinkBetweenGroups) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "partition", "groups": [["n0", "n1"], ["n2"], ["n4"]], "duration_ms": 100})");
  EXPECT_EQ(f.kind, Kind::partition);
  EXPECT_EQ(f.label, "partition");
  EXPECT_EQ(f.groups, (Groups{{0, 1}, {2}, {4}}));
  Pairs expected = both_ways({0, 1}, {2});
  for (auto p : both_ways({0, 1, 2}, {4})) expected.push_back(p);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(links(f), expected) << "n3, in no group, keeps all its links";
  EXPECT_TRUE(f.pairs.empty()) << "kept as groups, not as pairs";
}

TEST(Faults, OneWayPartitionBlocksOneDirection) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "partition-one-way", "from": ["n0", "n1"], "to": "n3"})");
  EXPECT_EQ(f.kind, Kind::partition);
  EXPECT_EQ(f.label, "partition-one-way");
  EXPECT_EQ(links(f), (Pairs{{0, 3}, {1, 3}}));
  EXPECT_EQ(f.groups, (Groups{{0, 1}, {3}}));
}

TEST(Faults, IsolateCutsANodeFromTheRest) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "isolate", "node": "n2"})");
  EXPECT_EQ(f.kind, Kind::partition);
  EXPECT_EQ(f.label, "isolate");
  EXPECT_EQ(f.nodes, std::vector<NodeId>{2});
  EXPECT_EQ(f.groups, (Groups{{2}, {0, 1, 3, 4}}));
  EXPECT_EQ(links(f), both_ways({2}, {0, 1, 3, 4}));
}

TEST(Faults, MajorityPartitionSplitsOffAStrictMinority) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "partition-majority", "minority": ["n4", "n0"]})");
  EXPECT_EQ(f.label, "partition-majority");
  EXPECT_EQ(f.groups, (Groups{{4, 0}, {1, 2, 3}}));
  EXPECT_EQ(links(f), both_ways({0, 4}, {1, 2, 3}));
  EXPECT_EQ(fault_links(f, 5).count(), 12u);
}

TEST(Faults, BridgeNodeTalksToBothSides) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "bridge", "groups": [["n0", "n1"], ["n3", "n4"]], "bridge": "n2"})");
  EXPECT_EQ(f.label, "bridge");
  EXPECT_EQ(f.nodes, std::vector<NodeId>{2});
  EXPECT_EQ(links(f), both_ways({0, 1}, {3, 4}));
  for (const auto& [a, b] : links(f)) EXPECT_TRUE(a != 2 && b != 2);
}

TEST(Faults, ExplicitPairsAreTakenAsWrittenAndSorted) {
  const FaultAction f = one(
      R"({"at_ms": 1, "action": "partition", "label": "swarm", "pairs": [["n3", "n1"], ["n0", "n4"]], "groups": [["n3"]]})");
  EXPECT_EQ(f.label, "swarm");
  EXPECT_EQ(links(f), (Pairs{{0, 4}, {3, 1}}));
  EXPECT_EQ(f.groups, (Groups{{3}}));
}

TEST(Faults, HealHasNoArguments) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "heal"})");
  EXPECT_EQ(f.kind, Kind::heal);
  EXPECT_TRUE(f.pairs.empty() && f.nodes.empty() && f.groups.empty());
}

TEST(Faults, ClogDirectedLinksSkipsSelfLinks) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "clog", "from": "*", "to": "n1", "duration_ms": 5})", 3);
  EXPECT_EQ(f.kind, Kind::clog);
  EXPECT_EQ(links(f), (Pairs{{0, 1}, {2, 1}}));
  EXPECT_EQ(f.duration_ns, 5 * kNsPerMs);
}

TEST(Faults, ClogANodeHoldsAllItsTraffic) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "clog", "node": "n1"})", 3);
  EXPECT_EQ(f.nodes, std::vector<NodeId>{1});
  EXPECT_EQ(links(f, 3), (Pairs{{0, 1}, {1, 0}, {1, 2}, {2, 1}}));
}

TEST(Faults, UnclogWithoutArgumentsReleasesEverything) {
  const FaultAction all = one(R"({"at_ms": 1, "action": "unclog"})");
  EXPECT_EQ(all.kind, Kind::unclog);
  EXPECT_TRUE(all.pairs.empty());
  const FaultAction some = one(R"({"at_ms": 1, "action": "unclog", "from": "n0", "to": ["n1", "n2"]})");
  EXPECT_EQ(links(some), (Pairs{{0, 1}, {0, 2}}));
}

TEST(Faults, NetworkChangesOnlyWhatItNames) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "network", "loss": 0.25, "latency": "cross-region", "duration_ms": 10})");
  EXPECT_EQ(f.kind, Kind::network);
  EXPECT_EQ(f.loss, 0.25);
  EXPECT_FALSE(f.duplicate);
  EXPECT_FALSE(f.reorder);
  EXPECT_EQ(f.latency, latency_preset("cross-region"));
}

TEST(Faults, ClockActions) {
  const FaultAction step = one(R"({"at_ms": 1, "action": "clock-step", "nodes": ["n1", "n2"], "delta_ms": -250.5, "duration_ms": 100})");
  EXPECT_EQ(step.kind, Kind::clock_step);
  EXPECT_EQ(step.delta_ns, -250'500'000);
  const FaultAction drift = one(R"({"at_ms": 1, "action": "clock-drift", "node": "n1", "drift_ppm": -200})");
  EXPECT_EQ(drift.kind, Kind::clock_drift);
  EXPECT_EQ(drift.drift_ppm, -200);
}

TEST(Faults, SortedByTimeWithFileOrderBreakingTies) {
  const Scenario s = parse_ok(doc_with_faults(json::parse(R"([
      {"at_ms": 300, "action": "heal"},
      {"at_ms": 100, "action": "crash", "node": "n1"},
      {"at_ms": 300, "action": "restart", "node": "n1"},
      {"at_ms": 100, "action": "crash", "node": "n2"}])")));
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].nodes, std::vector<NodeId>{1});
  EXPECT_EQ(s.faults[1].nodes, std::vector<NodeId>{2});
  EXPECT_EQ(s.faults[2].kind, Kind::heal);
  EXPECT_EQ(s.faults[3].kind, Kind::restart);
}

TEST(Faults, TimesMayReachTheEndOfTheRun) {
  json doc = doc_with_faults(json::parse(R"([{"at_ms": 2000, "action": "heal"}])"));
  doc["run"] = {{"duration_ms", 2000}};
  EXPECT_EQ(parse_ok(doc).faults[0].at_ns, 2 * kNsPerSec);
  doc["faults"][0]["at_ms"] = 2000.000001;
  EXPECT_EQ(problems(doc).at(0).path, "/faults/0/at_ms");
}

TEST(Faults, NamedNodesResolveToIds) {
  json doc = doc_with_faults(json::parse(R"([{"at_ms": 1, "action": "isolate", "node": "beta"}])"));
  doc["cluster"]["nodes"] = {"alpha", "beta", "gamma"};
  const Scenario s = parse_ok(doc);
  EXPECT_EQ(s.faults[0].nodes, std::vector<NodeId>{1});
  EXPECT_EQ(links(s.faults[0], 3), both_ways({1}, {0, 2}));
}

TEST(Faults, ANodeChosenWhenTheFaultFires) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"role": "leader"}}, "duration_ms": 50})");
  EXPECT_EQ(f.kind, Kind::crash);
  EXPECT_TRUE(f.nodes.empty()) << "no node is named: the engine chooses one when the crash fires";
  ASSERT_TRUE(f.select);
  EXPECT_EQ(f.select->annotated, (std::map<std::string, json>{{"role", "leader"}}));
  EXPECT_EQ(f.select->pick, NodeSelector::Pick::lowest);
  EXPECT_EQ(f.duration_ns, 50 * kNsPerMs);
}

TEST(Faults, SelectorsMatchScalarsOfAnyTypeAndMayPickAtRandom) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "pause",
      "node": {"annotated": {"role": "follower", "term": 3, "leader": null, "ready": true}, "pick": "random"}})");
  ASSERT_TRUE(f.select);
  EXPECT_EQ(f.select->annotated, (std::map<std::string, json>{
                                     {"role", "follower"}, {"term", 3}, {"leader", nullptr}, {"ready", true}}));
  EXPECT_EQ(f.select->pick, NodeSelector::Pick::random);
  EXPECT_EQ(one(R"({"at_ms": 1, "action": "crash", "node": {"annotated": {"role": "leader"}, "pick": "newest"}})").select->pick,
            NodeSelector::Pick::newest);
}

TEST(Faults, IsolateWithASelectorHasNoLinksUntilItFires) {
  const FaultAction f = one(R"({"at_ms": 1, "action": "isolate", "node": {"annotated": {"role": "leader"}}, "duration_ms": 5})");
  EXPECT_EQ(f.kind, Kind::partition);
  EXPECT_EQ(f.label, "isolate");
  ASSERT_TRUE(f.select);
  EXPECT_TRUE(f.pairs.empty());
  EXPECT_TRUE(f.groups.empty());
}

TEST(Faults, EverySelectableActionAcceptsASelector) {
  for (const char* action : {"crash", "wipe", "pause", "resume", "isolate", "clock-resync"}) {
    json entry = {{"at_ms", 1}, {"action", action}, {"node", {{"annotated", {{"role", "leader"}}}}}};
    const FaultAction f = one(entry.dump().c_str());
    EXPECT_TRUE(f.select) << action;
  }
  EXPECT_TRUE(one(R"({"at_ms": 1, "action": "clock-step", "node": {"annotated": {"role": "leader"}}, "delta_ms": 5})").select);
  EXPECT_TRUE(one(R"({"at_ms": 1, "action": "clock-drift", "node": {"annotated": {"role": "leader"}}, "drift_ppm": 5})").select);
}

}  // namespace
}  // namespace dsim::testing
