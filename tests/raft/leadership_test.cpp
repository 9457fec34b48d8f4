// The leader-stability oracle (leader_stable_within_ms): the rule on constructed histories of
// roles and terms, the parameter's validation, and the two liveness-only bug switches it exists
// to catch, each in its shipped scenario and with the switch removed.
#include <algorithm>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "protocols/raft/leadership.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

#include "tests/raft/random_case.h"

namespace dsim::raft {
namespace {

constexpr TimeNs ms(double v) { return static_cast<TimeNs>(v * static_cast<double>(kNsPerMs)); }

// A three-node cluster judged with a 1,000 ms bound; the helpers state one node's state at a time.
struct Cluster {
  LeaderWatch watch{3, ms(1000)};
  void follower(NodeId n, std::uint64_t term, double at_ms) { watch.note(n, true, false, term, ms(at_ms)); }
  void leader(NodeId n, std::uint64_t term, double at_ms) { watch.note(n, true, true, term, ms(at_ms)); }
  void crash(NodeId n, double at_ms) { watch.note(n, false, false, 0, ms(at_ms)); }
};

TEST(LeaderWatch, StableLeaderByTheBoundPasses) {
  Cluster c;
  c.leader(0, 1, 200);
  c.follower(1, 1, 201);
  c.follower(2, 1, 201);
  EXPECT_FALSE(c.watch.judge(ms(0), ms(5000)));
  EXPECT_FALSE(c.watch.judge(ms(3000), ms(5000)));  // led since before calm: stable from calm
}

TEST(LeaderWatch, OneForcedElectionAfterCalmIsTolerated) {
  // A node cut off until calm comes back with a higher term; the leader steps down and a leader
  // of that term is elected well within the bound.
  Cluster c;
  c.leader(0, 1, 200);
  c.follower(1, 1, 201);
  c.follower(2, 5, 1500);   // the returning node's term
  c.follower(0, 5, 2010);   // the leader hears it and steps down
  c.leader(1, 6, 2300);
  EXPECT_FALSE(c.watch.judge(ms(2000), ms(5000)));
  EXPECT_EQ(c.watch.changes(), 3u);  // n0 leads, nobody leads (term 5), n1 leads
}

TEST(LeaderWatch, NobodyLeadingTheHighestTermIsNotElected) {
  // n0 stays leader of term 1 while n2 holds term 7: a stale leader does not count.
  Cluster c;
  c.leader(0, 1, 200);
  c.follower(1, 1, 201);
  c.follower(2, 7, 1800);
  const auto f = c.watch.judge(ms(2000), ms(5000));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id(), "liveness:leader-not-elected");
  EXPECT_EQ(f->kind, Finding::Kind::liveness);
  EXPECT_EQ(f->data["term"], 7u);
  EXPECT_EQ(f->at_ns, ms(3000));
}

TEST(LeaderWatch, LeadershipLostAfterTheBoundIsUnstable) {
  Cluster c;
  c.leader(0, 1, 2100);
  c.follower(1, 1, 2101);
  c.follower(2, 2, 3500);  // a higher term after calm + within, and nobody leads it
  const auto f = c.watch.judge(ms(2000), ms(5000));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id(), "liveness:leader-unstable");
  EXPECT_EQ(f->data["node"], 0u);
  EXPECT_EQ(f->data["term"], 1u);
  EXPECT_DOUBLE_EQ(f->data["at_ms"].get<double>(), 3500.0);
  EXPECT_NE(f->detail.find("n2 raised the highest term to 2"), std::string::npos) << f->detail;
}

TEST(LeaderWatch, ALeaderThatCrashesOrStepsDownIsUnstable) {
  Cluster crashed;
  crashed.leader(0, 1, 2100);
  crashed.crash(0, 4000);
  const auto f = crashed.watch.judge(ms(2000), ms(5000));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id(), "liveness:leader-unstable");
  EXPECT_NE(f->detail.find("n0 crashed"), std::string::npos) << f->detail;

  Cluster stepped;
  stepped.leader(0, 1, 2100);
  stepped.follower(0, 1, 2500);
  stepped.leader(0, 2, 3200);  // re-elected, but only after calm + within
  const auto g = stepped.watch.judge(ms(2000), ms(5000));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id(), "liveness:leader-unstable");
  EXPECT_NE(g->detail.find("n0 stepped down"), std::string::npos) << g->detail;
}

TEST(LeaderWatch, TheHighestTermIsOverUpNodes) {
  // n2 reached term 9 and crashed for good: the leader of the highest term among the others counts.
  Cluster c;
  c.leader(0, 1, 200);
  c.follower(2, 9, 500);  // n0 is a stale leader while n2 is up
  c.crash(2, 900);
  EXPECT_FALSE(c.watch.judge(ms(1000), ms(5000)));
}

TEST(LeaderWatch, ARunShorterThanTheBoundIsNotJudged) {
  Cluster c;
  EXPECT_FALSE(c.watch.judge(ms(4500), ms(5000)));
  EXPECT_TRUE(c.watch.judge(ms(4000), ms(5000)));
}

// ---- The parameter ---------------------------------------------------------------------------

std::string raft_doc(const std::string& params) {
  return R"({"cluster": {"protocol": "raft", "nodes": 3, "params": )" + params +
         R"(}, "checks": {"invariants": true}, "expect": {"liveness": "any"}, "run": {"duration_ms": 1000}})";
}

TEST(LeaderStableParam, ValidatedWithItsPath) {
  EXPECT_TRUE(std::holds_alternative<Scenario>(parse_scenario(raft_doc(R"({"leader_stable_within_ms": 1500})"), "t")));
  for (const char* bad : {R"({"leader_stable_within_ms": 0})", R"({"leader_stable_within_ms": 3600001})",
                          R"({"leader_stable_within_ms": "1s"})"}) {
    const auto parsed = parse_scenario(raft_doc(bad), "t");
    ASSERT_TRUE(std::holds_alternative<Diagnostics>(parsed)) << bad;
    const std::string text = std::get<Diagnostics>(parsed).format("t");
    EXPECT_NE(text.find("/cluster/params/leader_stable_within_ms"), std::string::npos) << text;
    EXPECT_NE(text.find("from 1 to 3600000"), std::string::npos) << text;
  }
}

// ---- The shipped scenarios -------------------------------------------------------------------

using testing::load_shipped;

std::vector<std::string> liveness_ids(const RunResult& r) {
  std::vector<std::string> ids;
  for (const Finding& f : r.findings) {
    if (f.kind == Finding::Kind::liveness) ids.push_back(f.id());
  }
  return ids;
}

class LivenessBugScenario : public ::testing::TestWithParam<const char*> {};

TEST_P(LivenessBugScenario, TheOracleCatchesTheBugAndTheFixedBuildPasses) {
  const std::string bug = GetParam();
  Scenario scenario = load_shipped("bug-" + bug + ".json");
  ASSERT_EQ(scenario.cluster.bugs, std::set<std::string>{bug});
  const RunResult with_bug = run_scenario(scenario);
  EXPECT_TRUE(with_bug.expectation_held) << with_bug.expectation_detail;
  const auto found = liveness_ids(with_bug);
  EXPECT_NE(std::find(found.begin(), found.end(), "liveness:leader-not-elected"), found.end());
  EXPECT_GT(with_bug.metrics["raft"]["max_term"].get<std::uint64_t>(), 10u);  // campaigns that elect nobody

  scenario.cluster.bugs.clear();
  scenario.expect.liveness = ExpectSpec::Outcome::holds;
  const RunResult fixed = run_scenario(scenario);
  EXPECT_TRUE(fixed.expectation_held) << fixed.expectation_detail;
  EXPECT_TRUE(fixed.findings.empty()) << fixed.findings.size() << " findings, the first "
                                      << (fixed.findings.empty() ? "" : fixed.findings.front().id());
}

INSTANTIATE_TEST_SUITE_P(KnownBugs, LivenessBugScenario,
                         ::testing::Values("ignore-higher-term-reply", "keep-timer-on-vote"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(LeaderStableParam, ChangesNoRun) {
  // The oracle observes; the run (and so its fingerprint) is the same with it off.
  Scenario on = load_shipped("happy-path.json");
  ASSERT_TRUE(on.cluster.params.contains("leader_stable_within_ms"));
  Scenario off = on;
  off.cluster.params.erase("leader_stable_within_ms");
  const RunResult a = run_scenario(on);
  const RunResult b = run_scenario(off);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.stats.events, b.stats.events);
  EXPECT_TRUE(a.findings.empty());
  EXPECT_EQ(a.metrics["raft"]["leadership_changes"], 1u);
  // Leadership is watched either way, for the metrics (leadership changes, the first leader's
  // time, time without a leader): only the judging is the oracle's.
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_GT(b.metrics["raft"]["first_leader_ms"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(b.metrics["raft"]["leaderless_ms"].get<double>(), b.metrics["raft"]["first_leader_ms"].get<double>())
      << "one leader, never lost: the only time without one is before it";
}

}  // namespace
}  // namespace dsim::raft
