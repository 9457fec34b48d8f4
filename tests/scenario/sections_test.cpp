// What valid documents mean: defaults, presets, node names, clocks, workload, checks, expect.
#include <gtest/gtest.h>

#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

TEST(Sections, MinimalDocumentTakesEveryDefault) {
  const Scenario s = parse_ok(minimal_doc());
  EXPECT_EQ(s.name, "test");
  EXPECT_EQ(s.cluster.protocol, "primary-backup");
  EXPECT_EQ(s.cluster.node_names, (std::vector<std::string>{"n0", "n1", "n2"}));
  EXPECT_EQ(s.cluster.params, json::object());
  EXPECT_EQ(s.network, NetworkSpec{});
  EXPECT_EQ(s.clocks, std::vector<ClockSpec>(3));
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.workload, WorkloadSpec{});
  EXPECT_EQ(s.checks, ChecksSpec{});
  EXPECT_EQ(s.expect, ExpectSpec{});
  EXPECT_EQ(s.run, RunSpec{});
}

TEST(Sections, LatencyPresetsHaveTheirDocumentedFigures) {
  const auto dc = latency_preset("same-dc");
  ASSERT_TRUE(dc);
  EXPECT_EQ(*dc, LatencySpec{}) << "same-dc is the default";
  const auto region = latency_preset("same-region");
  ASSERT_TRUE(region);
  EXPECT_EQ(region->mean_ns, 1 * kNsPerMs);
  EXPECT_EQ(region->stddev_ns, 200 * kNsPerUs);
  EXPECT_EQ(region->floor_ns, 500 * kNsPerUs);
  const auto cross = latency_preset("cross-region");
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->dist, LatencySpec::Dist::normal);
  EXPECT_EQ(cross->mean_ns, 75 * kNsPerMs);
  EXPECT_EQ(cross->stddev_ns, 5 * kNsPerMs);
  EXPECT_EQ(cross->floor_ns, 60 * kNsPerMs);
  EXPECT_FALSE(latency_preset("lan"));
}

TEST(Sections, LatencyObjectsZeroWhatTheirDistributionDoesNotUse) {
  json doc = minimal_doc();
  doc["network"] = {{"latency", {{"dist", "uniform"}, {"min_ms", 0.5}, {"max_ms", 2}}},
                    {"client_latency", {{"dist", "constant"}, {"value_ms", 0}, {"floor_ms", 0.001}}}};
  const Scenario s = parse_ok(doc);
  LatencySpec uniform{LatencySpec::Dist::uniform, 0, 0, 500 * kNsPerUs, 2 * kNsPerMs, 0};
  EXPECT_EQ(s.network.latency, uniform);
  LatencySpec constant{LatencySpec::Dist::constant, 0, 0, 0, 0, 1000};
  EXPECT_EQ(s.network.client_latency, constant);
}

TEST(Sections, ClientLatencyDefaultsToLatency) {
  json doc = minimal_doc();
  doc["network"] = {{"latency", "cross-region"}};
  const Scenario s = parse_ok(doc);
  EXPECT_EQ(s.network.client_latency, s.network.latency);
  EXPECT_EQ(s.network.latency, latency_preset("cross-region"));
}

TEST(Sections, LinksResolveNodeForms) {
  json doc = minimal_doc();
  doc["network"]["links"] = json::parse(R"([
      {"from": "*", "to": "n1", "loss": 0.5},
      {"from": ["n2", "n0"], "to": "*", "latency": "same-region", "reorder": 1}])");
  const Scenario s = parse_ok(doc);
  ASSERT_EQ(s.network.links.size(), 2u);
  EXPECT_EQ(s.network.links[0].from, (std::vector<NodeId>{0, 1, 2}));
  EXPECT_EQ(s.network.links[0].to, std::vector<NodeId>{1});
  EXPECT_EQ(s.network.links[0].loss, 0.5);
  EXPECT_FALSE(s.network.links[0].latency);
  EXPECT_EQ(s.network.links[1].from, (std::vector<NodeId>{2, 0}));
  EXPECT_EQ(s.network.links[1].reorder, 1.0);
  EXPECT_EQ(s.network.links[1].latency, latency_preset("same-region"));
}

TEST(Sections, ClocksApplyTheDefaultThenEachNodesOwn) {
  json doc = minimal_doc();
  // The node's own entry comes first in the file and still wins.
  doc["clocks"] = json::parse(R"({"n1": {"offset_ms": -2.5}, "default": {"drift_ppm": 100}})");
  const Scenario s = parse_ok(doc);
  EXPECT_EQ(s.clocks[0], (ClockSpec{0, 100}));
  EXPECT_EQ(s.clocks[1], (ClockSpec{-2'500'000, 0})) << "a node's own entry replaces the default";
  EXPECT_EQ(s.clocks[2], (ClockSpec{0, 100}));
}

TEST(Sections, NamedNodes) {
  json doc = minimal_doc();
  doc["cluster"]["nodes"] = {"east-1", "West_2", "z"};
  EXPECT_EQ(parse_ok(doc).cluster.node_names, (std::vector<std::string>{"east-1", "West_2", "z"}));
  doc["cluster"]["nodes"] = 64;
  EXPECT_EQ(parse_ok(doc).cluster.node_names.back(), "n63");
}

TEST(Sections, ParamsAndBugsGoToTheProtocol) {
  json doc = minimal_doc();
  doc["cluster"]["params"] = {{"retransmit_ms", 20}};
  doc["cluster"]["bugs"] = {"skip-sync", "read-from-backup"};
  const Scenario s = parse_ok(doc);
  EXPECT_EQ(s.cluster.params, (json{{"retransmit_ms", 20}}));
  EXPECT_EQ(s.cluster.bugs, (std::set<std::string>{"read-from-backup", "skip-sync"}));
}

TEST(Sections, WorkloadCommonKeysAndGeneratorParams) {
  json doc = minimal_doc();
  doc["workload"] = {{"kind", "register"}, {"keys", 4}, {"read", 0.5}, {"think_ms", 0}, {"timeout_ms", 0.5},
                     {"attempts", 7}, {"start_ms", 100}, {"stop_ms", 900}, {"target", "n2"}, {"ops", 50}};
  const Scenario s = parse_ok(doc);
  const WorkloadSpec& w = s.workload;
  EXPECT_EQ(w.kind, "register");
  EXPECT_EQ(w.clients, 3u) << "3 clients by default when there is a generator";
  EXPECT_EQ(w.ops_max, 50);
  EXPECT_EQ(w.think_ns, 0);
  EXPECT_EQ(w.timeout_ns, 500 * kNsPerUs);
  EXPECT_EQ(w.attempts_max, 7u);
  EXPECT_EQ(w.start_ns, 100 * kNsPerMs);
  EXPECT_EQ(w.stop_ns, 900 * kNsPerMs);
  EXPECT_EQ(w.target, WorkloadSpec::Target::node);
  EXPECT_EQ(w.target_node, 2u);
  EXPECT_EQ(w.params, (json{{"keys", 4}, {"read", 0.5}}));
}

TEST(Sections, WorkloadTargets) {
  json doc = minimal_doc();
  doc["workload"] = {{"kind", "register"}, {"target", "round-robin"}};
  EXPECT_EQ(parse_ok(doc).workload.target, WorkloadSpec::Target::round_robin);
  doc["workload"]["target"] = "any";
  EXPECT_EQ(parse_ok(doc).workload.target, WorkloadSpec::Target::any);
}

TEST(Sections, ChecksForms) {
  json doc = minimal_doc();
  doc["workload"] = {{"kind", "register"}};
  doc["checks"] = {{"invariants", false}, {"linearizability", "register"}, {"liveness", true}};
  Scenario s = parse_ok(doc);
  EXPECT_FALSE(s.checks.invariants);
  EXPECT_EQ(s.checks.linearizability, "register");
  EXPECT_TRUE(s.checks.liveness);
  EXPECT_FALSE(s.checks.calm_ns);

  doc["cluster"]["protocol"] = "raft";  // serves kv
  doc["workload"] = {{"kind", "kv"}};
  doc["checks"] = {{"linearizability", {{"model", "kv"}, {"steps_max", 1000}, {"memo_mb_max", 3}}},
                   {"liveness", {{"within_ms", 250}, {"calm_ms", 4000}}}};
  s = parse_ok(doc);
  EXPECT_EQ(s.checks.linearizability, "kv");
  EXPECT_EQ(s.checks.lin_steps_max, 1000);
  EXPECT_EQ(s.checks.lin_memo_bytes_max, 3ll << 20);
  EXPECT_TRUE(s.checks.liveness);
  EXPECT_EQ(s.checks.liveness_within_ns, 250 * kNsPerMs);
  EXPECT_EQ(s.checks.calm_ns, 4 * kNsPerSec);
}

TEST(Sections, ExpectForms) {
  json doc = minimal_doc();
  doc["checks"] = {{"liveness", true}};  // an expectation needs a check that judges it
  doc["expect"] = {{"safety", "violated"}, {"violation", "invariant:one-leader-per-term"}, {"liveness", "violated"}};
  Scenario s = parse_ok(doc);
  EXPECT_EQ(s.expect.safety, ExpectSpec::Outcome::violated);
  EXPECT_EQ(s.expect.violations, std::vector<std::string>{"invariant:one-leader-per-term"});
  EXPECT_EQ(s.expect.liveness, ExpectSpec::Outcome::violated);
  doc["expect"] = {{"safety", "any"}};
  EXPECT_EQ(parse_ok(doc).expect.safety, ExpectSpec::Outcome::any);
}

TEST(Sections, RunAcceptsTheFullSeedRange) {
  const Scenario s = parse_ok(json::parse(
      R"({"cluster": {"protocol": "primary-backup", "nodes": 1},
          "run": {"seed": 18446744073709551615, "duration_ms": 604800000, "events_max": 10000000000}})"));
  EXPECT_EQ(s.run.seed, UINT64_MAX);
  EXPECT_EQ(s.run.duration_ns, 7 * 24 * 3600 * kNsPerSec);
  EXPECT_EQ(s.run.events_max, 10'000'000'000u);
}

TEST(Sections, DecimalMillisecondsBecomeExactNanoseconds) {
  json doc = minimal_doc();
  doc["run"] = {{"duration_ms", 0.000001}};
  EXPECT_EQ(parse_ok(doc).run.duration_ns, 1);
  doc["run"] = {{"duration_ms", 1234.567891}};
  EXPECT_EQ(parse_ok(doc).run.duration_ns, 1'234'567'891);
}

TEST(Sections, NoExceptionEscapesOnHugeIntegers) {
  json doc = minimal_doc();
  doc["clocks"] = {{"n0", {{"offset_ms", UINT64_MAX}}}};
  const auto list = problems(doc);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].path, "/clocks/n0/offset_ms") << "a value above INT64_MAX must not wrap negative";
}

}  // namespace
}  // namespace dsim::testing
