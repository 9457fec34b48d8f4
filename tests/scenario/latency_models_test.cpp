// Pareto and mixture latencies and latencies per message type: parsing, precise errors, and the
// canonical form reading back as the same spec.
#include <gtest/gtest.h>

#include "sim/scenario/latency_json.h"
#include "tests/scenario/support.h"

namespace dsim {
namespace {

using json = nlohmann::json;
using testing::minimal_doc;
using testing::parse_ok;
using testing::problems;

json with_network(json network) {
  json doc = minimal_doc();
  doc["network"] = std::move(network);
  return doc;
}

// The one problem of `doc`, as "path: message".
std::string only_problem(const json& doc) {
  const auto list = problems(doc);
  if (list.size() != 1) return "expected exactly one problem, got:\n" + testing::format_problems(list);
  return list[0].path + ": " + list[0].message;
}

TEST(LatencyModels, ParetoReadsScaleAndShape) {
  const Scenario s = parse_ok(with_network({{"latency", {{"dist", "pareto"}, {"scale_ms", 0.5}, {"shape", 2.5}}}}));
  EXPECT_EQ(s.network.latency.dist, LatencySpec::Dist::pareto);
  EXPECT_EQ(s.network.latency.scale_ns, 500 * kNsPerUs);
  EXPECT_DOUBLE_EQ(s.network.latency.shape, 2.5);
  EXPECT_EQ(s.network.latency.mean_ns, 0);
  EXPECT_EQ(s.network.latency.floor_ns, 0);
}

TEST(LatencyModels, ParetoErrorsNamePathExpectedAndFound) {
  EXPECT_EQ(only_problem(with_network({{"latency", {{"dist", "pareto"}, {"scale_ms", 1}}}})),
            "/network/latency/shape: missing; expected a tail index from 0.01 to 1000");
  const std::string zero = only_problem(with_network({{"latency", {{"dist", "pareto"}, {"scale_ms", 0}, {"shape", 2}}}}));
  EXPECT_NE(zero.find("/network/latency/scale_ms: expected"), std::string::npos) << zero;
  EXPECT_NE(zero.find("found 0"), std::string::npos) << zero;
  const std::string shape = only_problem(with_network({{"latency", {{"dist", "pareto"}, {"scale_ms", 1}, {"shape", 0}}}}));
  EXPECT_NE(shape.find("/network/latency/shape: expected"), std::string::npos) << shape;
  EXPECT_NE(shape.find("found 0"), std::string::npos) << shape;
}

json two_part_mixture() {
  return {{"dist", "mixture"},
          {"components", {{{"weight", 9}, {"latency", "same-dc"}},
                          {{"weight", 1}, {"latency", {{"dist", "pareto"}, {"scale_ms", 2}, {"shape", 1.5}}}}}},
          {"floor_ms", 0.05}};
}

TEST(LatencyModels, MixtureReadsWeightedComponents) {
  const Scenario s = parse_ok(with_network({{"latency", two_part_mixture()}}));
  const LatencySpec& m = s.network.latency;
  ASSERT_EQ(m.dist, LatencySpec::Dist::mixture);
  ASSERT_EQ(m.components.size(), 2u);
  EXPECT_EQ(m.weights, (std::vector<double>{9, 1}));
  EXPECT_EQ(m.components[0], *latency_preset("same-dc"));
  EXPECT_EQ(m.components[1].dist, LatencySpec::Dist::pareto);
  EXPECT_EQ(m.floor_ns, 50 * kNsPerUs);
}

TEST(LatencyModels, MixtureErrors) {
  json nested = two_part_mixture();
  nested["components"][1]["latency"] = two_part_mixture();
  const std::string inner = only_problem(with_network({{"latency", nested}}));
  EXPECT_NE(inner.find("/network/latency/components/1/latency/dist: expected one of"), std::string::npos) << inner;
  EXPECT_EQ(inner.find("\"mixture\","), std::string::npos) << "a mixture is not offered inside a mixture: " << inner;
  EXPECT_NE(inner.find("found the string \"mixture\""), std::string::npos) << inner;

  json zero = two_part_mixture();
  zero["components"][0]["weight"] = 0;
  EXPECT_EQ(only_problem(with_network({{"latency", zero}})),
            "/network/latency/components/0/weight: expected a positive number, found 0");

  json empty = two_part_mixture();
  empty["components"] = json::array();
  const std::string none = only_problem(with_network({{"latency", empty}}));
  EXPECT_NE(none.find("/network/latency/components: expected an array of 1 to 16"), std::string::npos) << none;

  json missing = two_part_mixture();
  missing["components"][1].erase("latency");
  EXPECT_EQ(only_problem(with_network({{"latency", missing}})),
            "/network/latency/components/1/latency: missing; expected a latency preset or object");
}

TEST(LatencyModels, LatencyByTypeOnTheNetworkAndOnLinks) {
  const Scenario s = parse_ok(with_network(
      {{"latency_by_type", {{"Write", {{"dist", "exponential"}, {"mean_ms", 0.25}}}, {"ReadReply", "same-region"}}},
       {"links", {{{"from", "n0"}, {"to", "*"}, {"latency_by_type", {{"Write", "cross-region"}}}}}}}));
  ASSERT_EQ(s.network.latency_by_type.size(), 2u);
  EXPECT_EQ(s.network.latency_by_type.at("Write").mean_ns, 250 * kNsPerUs);
  EXPECT_EQ(s.network.latency_by_type.at("ReadReply"), *latency_preset("same-region"));
  ASSERT_EQ(s.network.links.size(), 1u);
  EXPECT_EQ(s.network.links[0].latency_by_type.at("Write"), *latency_preset("cross-region"));
}

TEST(LatencyModels, LatencyByTypeErrors) {
  EXPECT_EQ(only_problem(with_network({{"latency_by_type", {{"Write", "lan"}}}})),
            "/network/latency_by_type/Write: expected a latency preset (\"same-dc\", \"same-region\", "
            "\"cross-region\") or an object with \"dist\", found the string \"lan\"");
  const std::string array = only_problem(with_network({{"latency_by_type", json::array()}}));
  EXPECT_NE(array.find("/network/latency_by_type: expected an object of at most 64 message type names"),
            std::string::npos)
      << array;
  const std::string name = only_problem(with_network({{"latency_by_type", {{std::string(65, 'x'), "same-dc"}}}}));
  EXPECT_NE(name.find("expected a message type name of 1 to 64 characters"), std::string::npos) << name;
}

TEST(LatencyModels, CanonicalFormReadsBackEqual) {
  const Scenario s = parse_ok(with_network(
      {{"latency", two_part_mixture()},
       {"client_latency", {{"dist", "pareto"}, {"scale_ms", 0.3}, {"shape", 3}, {"floor_ms", 0.1}}},
       {"latency_by_type", {{"Write", {{"dist", "exponential"}, {"mean_ms", 0.25}}}}},
       {"links", {{{"from", "n1"}, {"to", "n2"}, {"latency_by_type", {{"Read", two_part_mixture()}}}}}}}));
  const Scenario back = parse_ok(to_json(s));
  EXPECT_EQ(back.network, s.network);
  EXPECT_EQ(back, s);
}

TEST(LatencyModels, CanonicalFormOfAPlainNetworkHasNoTypeKey) {
  const json out = to_json(parse_ok(minimal_doc()));
  EXPECT_FALSE(out["network"].contains("latency_by_type"));
}

}  // namespace
}  // namespace dsim
