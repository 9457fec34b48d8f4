// Faults whose node is chosen when they fire, from the state nodes publish: resolved at fire
// time, undone on the node they chose, deterministic, and doing nothing when no node matches.
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/engine/test_world.h"

namespace dsim {
namespace {

using testing::broken_engine_promise;
using testing::small_scenario;

RunOptions traced() {
  RunOptions o;
  o.trace = true;
  return o;
}

FaultAction selected(FaultAction::Kind kind, TimeNs at_ns, std::optional<TimeNs> duration_ns,
                     NodeSelector::Pick pick, std::string key, nlohmann::json value) {
  FaultAction f;
  f.kind = kind;
  f.label = kind == FaultAction::Kind::partition ? "isolate" : kind == FaultAction::Kind::crash ? "crash" : "pause";
  f.at_ns = at_ns;
  f.duration_ns = duration_ns;
  f.select = NodeSelector{{{std::move(key), std::move(value)}}, pick};
  return f;
}

FaultAction crash_the(const char* role, TimeNs at_ns, TimeNs duration_ns) {
  return selected(FaultAction::Kind::crash, at_ns, duration_ns, NodeSelector::Pick::lowest, "role", role);
}

// A 3-node Raft cluster: its leader changes, and it publishes "role".
Scenario raft_scenario(std::uint64_t seed) {
  Scenario s = small_scenario(3, seed, 4 * kNsPerSec);
  s.cluster.protocol = "raft";
  s.workload.kind = "kv";
  s.checks.linearizability = "kv";
  return s;
}

// The events of `kind` that fault `fault` recorded.
std::vector<TraceEvent> fault_events(const RunResult& r, TraceKind kind, std::size_t fault) {
  std::vector<TraceEvent> out;
  for (const auto& e : r.trace.events) {
    if (e.kind == kind && e.data.is_object() && e.data.value("fault", std::size_t{999}) == fault) out.push_back(e);
  }
  return out;
}

// The value `node` last published for `key` before `t_ns` (events at t_ns excluded).
nlohmann::json annotation_before(const RunResult& r, std::int64_t node, const std::string& key, TimeNs t_ns) {
  nlohmann::json value;
  for (const auto& e : r.trace.events) {
    if (e.t_ns >= t_ns) break;
    if (e.kind == TraceKind::annotate && e.actor == node && e.data["key"] == key) value = e.data["value"];
    if ((e.kind == TraceKind::crash || e.kind == TraceKind::wipe) && e.actor == node) value = nullptr;
  }
  return value;
}

TEST(Selector, CrashesTheNodeThatLeadsWhenItFires) {
  // Two leader crashes a second apart: each hits whoever leads then, so the second finds the
  // leader the first crash made the others elect.
  Scenario s = raft_scenario(7);
  s.faults = {crash_the("leader", 1000 * kNsPerMs, 2000 * kNsPerMs), crash_the("leader", 2000 * kNsPerMs, 500 * kNsPerMs)};
  const RunResult r = run_scenario(s, traced());
  ASSERT_TRUE(r.expectation_held) << r.expectation_detail;
  std::set<std::int64_t> crashed;
  for (std::size_t fault = 0; fault < 2; ++fault) {
    const auto crashes = fault_events(r, TraceKind::crash, fault);
    ASSERT_EQ(crashes.size(), 1u) << fault;
    const TraceEvent& e = crashes[0];
    EXPECT_FALSE(e.data.value("ignored", false));
    EXPECT_EQ(e.data["selected"], (nlohmann::json{{"annotated", {{"role", "leader"}}}}));
    EXPECT_EQ(annotation_before(r, e.actor, "role", e.t_ns), "leader") << "fault " << fault << " at node " << e.actor;
    crashed.insert(e.actor);
    // The undo restarts the node it crashed.
    const auto restarts = fault_events(r, TraceKind::restart, fault);
    ASSERT_EQ(restarts.size(), 1u);
    EXPECT_EQ(restarts[0].actor, e.actor);
    EXPECT_TRUE(restarts[0].data.value("undo", false));
  }
  EXPECT_EQ(crashed.size(), 2u) << "the second crash must find the new leader";
  EXPECT_FALSE(broken_engine_promise(r.trace, 3));
}

TEST(Selector, IsolatesTheLeaderAndUndoesTheSamePartition) {
  Scenario s = raft_scenario(8);
  s.faults = {selected(FaultAction::Kind::partition, 1000 * kNsPerMs, 700 * kNsPerMs, NodeSelector::Pick::lowest,
                       "role", "leader")};
  const RunResult r = run_scenario(s, traced());
  ASSERT_TRUE(r.expectation_held) << r.expectation_detail;
  const auto cut = fault_events(r, TraceKind::partition, 0);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].data["action"], "isolate");
  const NodeId leader = cut[0].data["groups"][0][0].get<NodeId>();
  EXPECT_EQ(annotation_before(r, leader, "role", cut[0].t_ns), "leader");
  nlohmann::json pairs = nlohmann::json::array();
  for (NodeId other = 0; other < 3; ++other) {
    if (other == leader) continue;
    pairs.push_back({leader, other});
    pairs.push_back({other, leader});
  }
  std::sort(pairs.begin(), pairs.end());
  EXPECT_EQ(cut[0].data["pairs"], pairs);
  const auto heal = fault_events(r, TraceKind::heal, 0);
  ASSERT_EQ(heal.size(), 1u);
  EXPECT_EQ(heal[0].t_ns, 1700 * kNsPerMs);
  EXPECT_TRUE(heal[0].data.value("undo", false));
  EXPECT_FALSE(broken_engine_promise(r.trace, 3));
}

TEST(Selector, NewestPicksTheLeaderElectedLastNotAStaleOne) {
  // Without CheckQuorum an isolated leader goes on saying it leads: when the second fault fires
  // two nodes say "leader", and "newest" must take the one the others elected meanwhile.
  Scenario s = raft_scenario(9);
  s.cluster.params = {{"check_quorum", false}, {"prevote", false}};
  s.faults = {selected(FaultAction::Kind::partition, 1000 * kNsPerMs, 2000 * kNsPerMs, NodeSelector::Pick::lowest,
                       "role", "leader"),
              selected(FaultAction::Kind::crash, 1800 * kNsPerMs, 300 * kNsPerMs, NodeSelector::Pick::newest, "role",
                       "leader")};
  const RunResult r = run_scenario(s, traced());
  ASSERT_TRUE(r.expectation_held) << r.expectation_detail;
  const auto cut = fault_events(r, TraceKind::partition, 0);
  ASSERT_EQ(cut.size(), 1u);
  const std::int64_t stale = cut[0].data["groups"][0][0].get<std::int64_t>();
  const auto crashes = fault_events(r, TraceKind::crash, 1);
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_NE(crashes[0].actor, -1);
  EXPECT_NE(crashes[0].actor, stale);
  EXPECT_EQ(annotation_before(r, stale, "role", crashes[0].t_ns), "leader") << "the stale leader still says so";
  EXPECT_EQ(annotation_before(r, crashes[0].actor, "role", crashes[0].t_ns), "leader");
}

TEST(Selector, NoMatchDoesNothingAndTheTraceSaysSo) {
  // Primary-backup publishes "primary" and "backup", never "leader".
  Scenario s = small_scenario(3, 4);
  Scenario quiet = s;
  s.faults = {crash_the("leader", 500 * kNsPerMs, 300 * kNsPerMs)};
  const RunResult r = run_scenario(s, traced());
  const auto crashes = fault_events(r, TraceKind::crash, 0);
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_EQ(crashes[0].actor, -1);
  EXPECT_TRUE(crashes[0].data.value("ignored", false));
  EXPECT_EQ(crashes[0].data["reason"], "no node matched");
  EXPECT_TRUE(fault_events(r, TraceKind::restart, 0).empty()) << "nothing to undo";
  for (const auto& e : r.trace.events) {
    if (e.t_ns > 0) {
      EXPECT_NE(e.kind, TraceKind::start) << "no node went down, so none restarted: " << e.t_ns;
    }
  }
  EXPECT_TRUE(r.expectation_held) << r.expectation_detail;
  // The clients saw the run the fault-free scenario gives.
  EXPECT_EQ(r.history.ops.size(), run_scenario(quiet).history.ops.size());
}

TEST(Selector, MatchesEveryKeyAndValueType) {
  // Primary-backup's primary is n0 and publishes "version" as a number. Every key must match.
  Scenario s = small_scenario(3, 5);
  FaultAction f = crash_the("primary", 500 * kNsPerMs, 100 * kNsPerMs);
  f.select->annotated["version"] = 0;  // the primary's version moves on long before 500 ms
  s.faults = {f};
  const RunResult r = run_scenario(s, traced());
  const auto crashes = fault_events(r, TraceKind::crash, 0);
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_EQ(crashes[0].actor, -1) << "the role matches, the version does not";
  f.select->annotated.erase("version");
  s.faults = {f};
  const RunResult hit = run_scenario(s, traced());
  const auto hits = fault_events(hit, TraceKind::crash, 0);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].actor, 0);
}

TEST(Selector, RandomPickIsSeededAndDeterministic) {
  // Pausing "a backup" at random: the same seed picks the same one, traced or not, and across
  // seeds both backups get picked.
  std::set<std::int64_t> picked;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Scenario s = small_scenario(3, seed);
    s.faults = {selected(FaultAction::Kind::pause, 500 * kNsPerMs, 100 * kNsPerMs, NodeSelector::Pick::random, "role",
                         "backup")};
    const RunResult a = run_scenario(s, traced());
    const RunResult b = run_scenario(s, traced());
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    EXPECT_EQ(a.fingerprint, run_scenario(s).fingerprint) << "tracing must not change the choice";
    const auto pauses = fault_events(a, TraceKind::pause, 0);
    const auto resumes = fault_events(a, TraceKind::resume, 0);
    ASSERT_EQ(pauses.size(), 1u);
    ASSERT_EQ(resumes.size(), 1u);
    EXPECT_EQ(resumes[0].actor, pauses[0].actor) << "the undo resumes the node the pause chose";
    EXPECT_NE(pauses[0].actor, 0) << "n0 is the primary";
    EXPECT_EQ(pauses[0].actor, fault_events(b, TraceKind::pause, 0)[0].actor);
    picked.insert(pauses[0].actor);
  }
  EXPECT_EQ(picked, (std::set<std::int64_t>{1, 2}));
}

TEST(Selector, CrashedNodesNeverMatch) {
  // n0, the primary, is down when the second crash fires: its annotations are forgotten.
  Scenario s = small_scenario(3, 6);
  FaultAction down;
  down.kind = FaultAction::Kind::crash;
  down.label = "crash";
  down.at_ns = 400 * kNsPerMs;
  down.duration_ns = 500 * kNsPerMs;
  down.nodes = {0};
  s.faults = {down, crash_the("primary", 500 * kNsPerMs, 100 * kNsPerMs)};
  s.expect.safety = ExpectSpec::Outcome::any;
  const RunResult r = run_scenario(s, traced());
  const auto crashes = fault_events(r, TraceKind::crash, 1);
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_EQ(crashes[0].actor, -1);
}

}  // namespace
}  // namespace dsim
