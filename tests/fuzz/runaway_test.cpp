// Runaway runs are findings, not accidents: a protocol in a message loop stops at the livelock
// watchdog with a named finding long before memory runs out, and a protocol that kills the process
// is reported, shrunk (every candidate in a child of its own) and replayed as crash:SIGABRT. Both
// use primary-backup's test-only switches (retransmit-without-delay, abort-on-recovery).
#include <filesystem>
#include <functional>
#include <variant>

#include "sim/fuzz/generator.h"
#include "sim/world/run.h"
#include "tests/fuzz/support.h"

namespace dsim::fuzz_test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStormScenario = R"({
  "description": "primary-backup whose retransmit timer is armed with 0 ms: it resends without end",
  "cluster": { "protocol": "primary-backup", "nodes": 3, "bugs": ["retransmit-without-delay"] },
  "workload": { "kind": "register", "clients": 2, "think_ms": 5 },
  "checks": { "linearizability": "cas-register" },
  "run": { "duration_ms": 3000 }
})";

constexpr const char* kCrashScenario = R"({
  "description": "primary-backup whose recovery aborts: the fuzzer must find a restart",
  "cluster": { "protocol": "primary-backup", "nodes": 3, "bugs": ["abort-on-recovery"] },
  "workload": { "kind": "register", "clients": 2, "think_ms": 5 },
  "checks": { "linearizability": "cas-register" },
  "run": { "duration_ms": 3000 }
})";

Scenario parse(const char* text) {
  auto parsed = parse_scenario(text, "test.json");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) ADD_FAILURE() << diag->format("test.json");
  return std::get<Scenario>(std::move(parsed));
}

// `dsim replay` of a copy of the shrunk file (with its sidecar) changed by `change`.
int replay_changed(const fs::path& shrunk, const std::string& name, const std::function<void(nlohmann::json&)>& change) {
  auto doc = nlohmann::json::parse(slurp(shrunk));
  change(doc);
  const fs::path copy = shrunk.parent_path() / (name + ".json");
  spit(copy, doc.dump(2));
  spit(shrunk.parent_path() / (name + ".expect.json"), slurp(fs::path(shrunk).replace_extension(".expect.json")));
  return sh(fmt::format("{} replay {} -q", dsim(), copy.string())).exit_code;
}

void switch_bugs_off(nlohmann::json& doc) { doc["cluster"]["bugs"] = nlohmann::json::array(); }

const Finding* find(const RunResult& r, const std::string& id) {
  for (const Finding& f : r.findings) {
    if (f.id() == id) return &f;
  }
  return nullptr;
}

TEST(Watchdog, AMessageLoopStopsAsAStormNamingWhatIsInFlight) {
  const Scenario s = parse(kStormScenario);
  const RunResult r = run_scenario(s);
  const Finding* storm = find(r, "livelock:message-storm");
  ASSERT_NE(storm, nullptr) << (r.findings.empty() ? "no finding" : r.findings[0].id());
  EXPECT_EQ(fuzz::signature(r), "livelock:message-storm");
  EXPECT_FALSE(r.expectation_held);
  EXPECT_NE(storm->detail.find("n0 sent more than 10000 messages within 100 ms"), std::string::npos) << storm->detail;
  EXPECT_NE(storm->detail.find("Replicate"), std::string::npos) << storm->detail;
  EXPECT_EQ(storm->data["in_flight"][0]["type"], "Replicate") << storm->data.dump();
  // Stopped within one window's worth of messages, not at the event budget.
  EXPECT_LT(r.stats.messages_sent, 30'000u);
  EXPECT_LT(r.stats.events, 100'000u);

  // Without the watchdogs the same loop runs until the event budget: the watchdog is what stopped it.
  Scenario off = s;
  off.run.messages_per_node_s_max = 0;
  off.run.timers_per_node_s_max = 0;
  off.run.events_max = 200'000;
  const RunResult unguarded = run_scenario(off);
  EXPECT_EQ(unguarded.stats.stop_reason, "event budget");
  EXPECT_EQ(find(unguarded, "livelock:message-storm"), nullptr);
}

TEST(Watchdog, ATimerLoopIsATimerStorm) {
  Scenario s = parse(kStormScenario);
  s.run.messages_per_node_s_max = 0;  // only the timers are judged
  const RunResult r = run_scenario(s);
  EXPECT_EQ(fuzz::signature(r), "livelock:timer-storm");
}

TEST(Watchdog, ARunUnderTheLimitsIsUnchangedByThem) {
  auto loaded = load_scenario(DSIM_SOURCE_DIR "/scenarios/raft/happy-path.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
  Scenario s = std::get<Scenario>(std::move(loaded));
  const RunResult guarded = run_scenario(s);
  s.run.messages_per_node_s_max = 0;
  s.run.timers_per_node_s_max = 0;
  const RunResult unguarded = run_scenario(s);
  EXPECT_EQ(guarded.fingerprint, unguarded.fingerprint);
  EXPECT_TRUE(guarded.expectation_held) << guarded.expectation_detail;
}

// Through the user's path: dsim fuzz finds the storm, shrinks it, and the shrunk file replays as
// the storm on the bug and passes with the switch off.
TEST(Watchdog, FuzzShrinksAndReplaysAStorm) {
  const fs::path dir = scratch("storm");
  spit(dir / "storm.json", kStormScenario);
  const Command fuzz = sh(fmt::format("{} fuzz {} --seeds 1..2 -j 2 --out {} -q", dsim(), (dir / "storm.json").string(),
                                      (dir / "out").string()));
  ASSERT_EQ(fuzz.exit_code, 1);
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  ASSERT_EQ(summary["signatures"].size(), 1u) << summary.dump(2);
  EXPECT_EQ(summary["signatures"][0]["signature"], "livelock:message-storm");
  const fs::path shrunk = dir / "out" / summary["signatures"][0]["shrunk"]["file"].get<std::string>();
  EXPECT_EQ(sh(fmt::format("{} replay {} -q", dsim(), shrunk.string())).exit_code, 1);
  EXPECT_EQ(replay_changed(shrunk, "fixed", switch_bugs_off), 0);
}

// A backup that aborts the process: the seed is crash:SIGABRT, its shrink runs every candidate in
// a child (the parent survives it), and the shrunk file still needs its faults, replays as the
// crash, and passes with the switch off.
TEST(CrashShrink, ACrashingSeedIsShrunkAndReplays) {
  const fs::path dir = scratch("crash");
  spit(dir / "crash.json", kCrashScenario);
  const Command fuzz = sh(fmt::format("{} fuzz {} --seeds 1..8 -j 2 --out {} -q", dsim(), (dir / "crash.json").string(),
                                      (dir / "out").string()));
  ASSERT_EQ(fuzz.exit_code, 1);
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  nlohmann::json crash;
  for (const auto& s : summary["signatures"]) {
    if (s["signature"] == "crash:SIGABRT") crash = s;
  }
  ASSERT_TRUE(crash.is_object()) << summary.dump(2);
  ASSERT_TRUE(crash.contains("shrunk")) << crash.dump(2);
  const auto& sh_entry = crash["shrunk"];
  EXPECT_EQ(sh_entry["cause_control"], "faults");
  EXPECT_LE(sh_entry["after"]["faults"].get<int>(), sh_entry["before"]["faults"].get<int>());
  EXPECT_GE(sh_entry["after"]["faults"].get<int>(), 1);
  const fs::path shrunk = dir / "out" / sh_entry["file"].get<std::string>();
  EXPECT_EQ(sh(fmt::format("{} replay {} -q", dsim(), shrunk.string())).exit_code, 1);

  EXPECT_EQ(replay_changed(shrunk, "fixed", switch_bugs_off), 0);
  EXPECT_EQ(replay_changed(shrunk, "bare", [](nlohmann::json& doc) { doc["faults"] = nlohmann::json::array(); }), 0)
      << "without its faults the bug does not show";
}

}  // namespace
}  // namespace dsim::fuzz_test
