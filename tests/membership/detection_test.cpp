// SWIM's crash detection against its theory (Das, Gupta, Motivala 2002, §3.1): a crashed member
// is first probed after e/(e-1) protocol periods in expectation whatever the group size, and each
// member's message load is constant. Printed as a table for N = 8 ... (the scenario limit), with
// heartbeat gossip beside it; asserted as bands and as flatness across N.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/membership/cases.h"

namespace dsim::membership::testing {
namespace {

struct Row {
  std::uint32_t nodes = 0;
  double first_suspicion = 0, first_removal = 0, all_removed = 0, msgs = 0;
  std::uint64_t detected = 0, crashes = 0, false_suspicions = 0, events = 0;
};

Row measure(std::uint32_t nodes, const nlohmann::json& params, std::uint32_t crashes) {
  const RunResult result = run_scenario(detection_case(nodes, crashes, params));
  const auto& m = metrics(result);
  const auto& d = m.at("detection");
  Row row;
  row.nodes = nodes;
  row.first_suspicion = d.at("first_suspicion_periods").get<double>();
  row.first_removal = d.at("first_removal_periods").get<double>();
  row.all_removed = d.value("all_removed_periods", nlohmann::json(0.0)).is_null() ? 0.0 : d.at("all_removed_periods").get<double>();
  row.msgs = m.at("msgs_per_member_per_period").get<double>();
  row.detected = d.at("detected").get<std::uint64_t>();
  row.crashes = d.at("crashes").get<std::uint64_t>();
  row.false_suspicions = m.at("false_suspicions").get<std::uint64_t>();
  row.events = result.stats.events;
  return row;
}

std::vector<std::uint32_t> sizes() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t n : {8u, 16u, 32u, 64u, 128u, 512u, 1024u}) {
    if (n <= kScenarioNodesMax && (!kSanitized || n <= 64)) out.push_back(n);
  }
  return out;
}

void print(const char* mode, const std::vector<Row>& rows) {
  std::cout << fmt::format("{}: periods from crash to the first suspicion / first removal / removal by all live "
                           "nodes; messages sent per member per period\n",
                           mode);
  std::cout << "      N  crashes  first-suspicion  first-removal  all-removed  msgs/member/period  events\n";
  for (const Row& r : rows) {
    std::cout << fmt::format("{:>7}  {:>7}  {:>15.2f}  {:>13.2f}  {:>11.2f}  {:>18.2f}  {:>6}\n", r.nodes, r.crashes,
                             r.first_suspicion, r.first_removal, r.all_removed, r.msgs, r.events);
  }
}

TEST(MembershipDetection, SwimDetectionAndLoadAreFlatInGroupSize) {
  std::vector<Row> rows;
  for (std::uint32_t n : sizes()) rows.push_back(measure(n, {{"mode", "swim"}}, n > 64 ? 12 : 30));
  print("swim", rows);
  std::cout << fmt::format("(e/(e-1) = {:.2f}: periods to the first probe in synchronous rounds; the suspicion follows "
                           "at the end of that probe's period)\n",
                           std::exp(1.0) / (std::exp(1.0) - 1));
  double lo = 1e9, hi = 0;
  for (const Row& r : rows) {
    EXPECT_EQ(r.detected, r.crashes) << "N = " << r.nodes << ": every crash is detected";
    EXPECT_EQ(r.false_suspicions, 0u) << "N = " << r.nodes;
    EXPECT_GT(r.first_suspicion, 1.3) << "N = " << r.nodes;
    EXPECT_LT(r.first_suspicion, 2.7) << "N = " << r.nodes;
    EXPECT_GT(r.msgs, 1.8) << "N = " << r.nodes;
    EXPECT_LT(r.msgs, 2.6) << "N = " << r.nodes;
    lo = std::min(lo, r.first_suspicion);
    hi = std::max(hi, r.first_suspicion);
  }
  EXPECT_LT(hi - lo, 0.8) << "the mean first-detection time should not grow with N";
}

TEST(MembershipDetection, HeartbeatDetectsAfterT) {
  std::vector<Row> rows;
  for (std::uint32_t n : {8u, 16u, 32u}) rows.push_back(measure(n, {{"mode", "heartbeat"}, {"suspect_after_ms", 500}, {"remove_after_ms", 1000}}, 12));
  print("heartbeat (T = 5 periods, T2 = 10)", rows);
  for (const Row& r : rows) {
    EXPECT_EQ(r.detected, r.crashes) << "N = " << r.nodes;
    // T after the last heartbeat heard, which is up to a period or two (gossip delay) before the crash.
    EXPECT_GE(r.first_suspicion, 3.5) << "N = " << r.nodes;
    EXPECT_LT(r.first_suspicion, 7.0) << "N = " << r.nodes;
  }
}

// The shipped detection scenarios claim the same figures.
TEST(MembershipDetection, ShippedDetectionScenariosShowTheFigures) {
  for (const char* name : {"swim-detection-8.json", "swim-detection-64.json"}) {
    auto loaded = load_scenario(std::string(DSIM_SOURCE_DIR) + "/scenarios/membership/" + name);
    ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << name;
    const RunResult result = run_scenario(std::get<Scenario>(loaded));
    const auto& d = metrics(result).at("detection");
    EXPECT_EQ(d.at("detected"), d.at("crashes")) << name;
    EXPECT_GE(d.at("crashes").get<int>(), 20) << name;
    EXPECT_GT(d.at("first_suspicion_periods").get<double>(), 1.3) << name;
    EXPECT_LT(d.at("first_suspicion_periods").get<double>(), 2.7) << name;
    EXPECT_LT(metrics(result).at("msgs_per_member_per_period").get<double>(), 2.6) << name;
  }
}

}  // namespace
}  // namespace dsim::membership::testing
