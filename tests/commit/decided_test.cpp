// The decided-in-time oracle of 2PC and 3PC (decided_within_ms): it catches a transaction left
// undecided, and one decided too late, and stays silent where every transaction is decided.
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "tests/commit/commit_support.h"

namespace dsim::commit_test {
namespace {

// A shipped scenario with `decided_within_ms` set (and `extra` merged into its checks).
Scenario with_bound(const std::string& name, double within_ms, const nlohmann::json& checks = nlohmann::json::object()) {
  const std::string path = std::string(DSIM_SOURCE_DIR) + "/scenarios/commit/" + name + ".json";
  auto loaded = load_scenario(path);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    ADD_FAILURE() << diag->format(path);
    return Scenario{};
  }
  nlohmann::json doc = to_json(std::get<Scenario>(loaded));
  doc["cluster"]["params"]["decided_within_ms"] = within_ms;
  doc["expect"]["liveness"] = "any";
  for (const auto& [key, value] : checks.items()) doc["checks"][key] = value;
  return parse_or_die(doc);
}

std::vector<Finding> undecided(const RunResult& r) {
  std::vector<Finding> out;
  for (const Finding& f : r.findings) {
    if (f.id() == "liveness:transaction-undecided") out.push_back(f);
  }
  return out;
}

TEST(CommitDecided, TwoPcLeftInDoubtByACoordinatorThatStaysDownIsCaught) {
  // The coordinator and n1 crash at 1 s for good: the prepared participants cannot decide.
  const RunResult r = run_scenario(with_bound("twopc-coordinator-and-participant-crash", 1000));
  const auto found = undecided(r);
  ASSERT_EQ(found.size(), 1u);
  const Finding& f = found.front();
  EXPECT_EQ(f.kind, Finding::Kind::liveness);
  EXPECT_EQ(f.data["state"], "prepared");
  EXPECT_DOUBLE_EQ(f.data["deadline_ms"].get<double>(), 2000.0);  // calm (1 s) + 1 s
  EXPECT_GE(f.data["undecided"].get<int>(), 1);
  EXPECT_NE(f.detail.find("still prepared at the end"), std::string::npos) << f.detail;
}

TEST(CommitDecided, ThreePcTerminatesWhereTwoPcBlocks) {
  const RunResult r = run_scenario(with_bound("threepc-coordinator-and-participant-crash", 1000));
  EXPECT_TRUE(undecided(r).empty()) << undecided(r).front().detail;
}

TEST(CommitDecided, DecidedAfterTheBoundIsCaught) {
  // The coordinator is down from 1 s to 3 s; with calm declared at 0.5 s the transactions in
  // doubt at the crash are decided (at the restart) long after their first record + 1 s.
  const RunResult r = run_scenario(
      with_bound("twopc-coordinator-crash-blocks", 1000, {{"liveness", {{"within_ms", 5000}, {"calm_ms", 500}}}}));
  const auto found = undecided(r);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found.front().detail.find("only at 3"), std::string::npos) << found.front().detail;
  EXPECT_NE(found.front().data["state"], "prepared");
}

TEST(CommitDecided, SilentWhenEveryTransactionIsDecidedInTime) {
  // The same outage judged from its true calm (the restart): everything is decided within 1 s.
  const RunResult blocks = run_scenario(with_bound("twopc-coordinator-crash-blocks", 1000));
  EXPECT_TRUE(undecided(blocks).empty()) << undecided(blocks).front().detail;
  for (const char* name : {"twopc-happy-path", "threepc-happy-path", "twopc-participant-crash-after-commit-point",
                           "threepc-coordinator-crash"}) {
    const RunResult r = run_scenario(with_bound(name, 1000));
    EXPECT_TRUE(undecided(r).empty()) << name << ": " << undecided(r).front().detail;
  }
}

TEST(CommitDecided, ParameterIsValidatedWithItsPath) {
  for (const char* protocol : {"twopc", "threepc"}) {
    for (const nlohmann::json& bad : {nlohmann::json(0), nlohmann::json(3600001), nlohmann::json("soon")}) {
      const nlohmann::json doc = {{"cluster", {{"protocol", protocol}, {"nodes", 3}, {"params", {{"decided_within_ms", bad}}}}},
                                  {"run", {{"duration_ms", 1000}}}};
      const auto parsed = parse_scenario(doc.dump(), "t");
      ASSERT_TRUE(std::holds_alternative<Diagnostics>(parsed)) << protocol << " " << bad;
      const std::string text = std::get<Diagnostics>(parsed).format("t");
      EXPECT_NE(text.find("/cluster/params/decided_within_ms"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace dsim::commit_test
