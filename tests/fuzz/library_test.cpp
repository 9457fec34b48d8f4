// The fuzzer's parts in-process: the generator is pure and writes files that parse back, shards
// partition a range, the shrinker keeps the signature, and the RapidCheck helper finds, shrinks
// and writes a known bug.
#include <algorithm>
#include <set>
#include <variant>
#include <gtest/gtest.h>


#include "sim/fuzz/driver.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/property.h"
#include "sim/fuzz/shrink.h"
#include "tests/fuzz/support.h"

namespace dsim::fuzz {
namespace {

Scenario parse(const char* text) {
  auto parsed = parse_scenario(text, "test.json");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) ADD_FAILURE() << diag->format("test.json");
  return std::get<Scenario>(std::move(parsed));
}

TEST(FuzzGenerator, IsPureAndKeepsTheScenariosFaultsAndACalmPhase) {
  const Scenario base = parse(R"({
    "cluster": { "protocol": "primary-backup", "nodes": 5 },
    "faults": [ { "at_ms": 100, "action": "crash", "node": "n1", "duration_ms": 50 } ],
    "workload": { "kind": "register", "clients": 2 },
    "checks": { "liveness": { "within_ms": 1000 } },
    "expect": { "safety": "violated" },
    "run": { "duration_ms": 10000 } })");
  const FuzzLimits limits = derive_limits(base);
  EXPECT_EQ(limits.faults_from_ns, 0);
  EXPECT_EQ(limits.faults_until_ns, 7000 * kNsPerMs);  // the last 30 % is calm
  std::set<std::size_t> fault_counts;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const Scenario a = fuzz_scenario(base, seed);
    EXPECT_EQ(a, fuzz_scenario(base, seed));
    EXPECT_EQ(a.run.seed, seed);
    EXPECT_EQ(a.expect.safety, ExpectSpec::Outcome::holds);
    EXPECT_EQ(a.expect.liveness, ExpectSpec::Outcome::holds);
    EXPECT_TRUE(std::find(a.faults.begin(), a.faults.end(), base.faults[0]) != a.faults.end());
    for (const FaultAction& f : a.faults) EXPECT_LE(f.at_ns + f.duration_ns.value_or(0), limits.faults_until_ns);
    // The file says exactly what ran.
    auto back = parse_scenario(scenario_text(a), "again");
    ASSERT_TRUE(std::holds_alternative<Scenario>(back));
    EXPECT_EQ(std::get<Scenario>(back), a);
    fault_counts.insert(a.faults.size());
  }
  EXPECT_GT(fault_counts.size(), 3u);  // swarm: seeds differ in how much they throw
}

TEST(FuzzGenerator, SignaturePrefersSafetyAndSlugsAreFileNames) {
  RunResult r;
  EXPECT_FALSE(signature(r));
  r.findings.push_back(Finding{Finding::Kind::liveness, "liveness", "no-progress", "", 5, nullptr});
  // A liveness finding names a failure only when the scenario claims something about liveness.
  EXPECT_FALSE(signature(r));
  r.liveness_claimed = true;
  EXPECT_EQ(signature(r), "liveness:no-progress");
  EXPECT_TRUE(is_liveness(r, "liveness:no-progress"));
  r.findings.push_back(Finding{Finding::Kind::safety, "invariant", "replica-agreement", "", 7, nullptr});
  EXPECT_EQ(signature(r), "invariant:replica-agreement");
  EXPECT_FALSE(is_liveness(r, "invariant:replica-agreement"));
  EXPECT_EQ(slug("invariant:replica-agreement"), "invariant-replica-agreement");
  EXPECT_EQ(slug("a/../b c"), "a----b-c");
}

TEST(FuzzShards, PartitionTheRangeExactlyOnce) {
  std::string error;
  EXPECT_FALSE(parse_seed_range("9..3", &error));
  EXPECT_FALSE(parse_seed_range("1..", &error));
  EXPECT_FALSE(parse_shard("0/3", &error));
  EXPECT_FALSE(parse_shard("3", &error));
  const auto one = parse_seed_range("7", &error);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->from, 7u);
  EXPECT_EQ(one->to, 7u);
  const SeedRange range{10, 46};
  for (std::uint32_t n = 1; n <= 7; ++n) {
    std::multiset<std::uint64_t> all;
    for (std::uint32_t k = 1; k <= n; ++k) {
      for (auto s : shard_seeds(range, Shard{k, n})) all.insert(s);
    }
    ASSERT_EQ(all.size(), 37u) << n;
    std::uint64_t expected = 10;
    for (auto s : all) EXPECT_EQ(s, expected++);
  }
  // The top of the range does not wrap around.
  const auto top = shard_seeds(SeedRange{UINT64_MAX - 2, UINT64_MAX}, Shard{2, 2});
  EXPECT_EQ(top, (std::vector<std::uint64_t>{UINT64_MAX - 1}));
  EXPECT_TRUE(shard_seeds(SeedRange{UINT64_MAX - 1, UINT64_MAX}, Shard{5, 5}).empty());  // more shards than seeds
}

TEST(FuzzShrink, KeepsTheSignatureAndShrinks) {
  const Scenario base = parse(fuzz_test::kSkipSyncScenario);
  // The first seed that fails, found the way `dsim fuzz` does.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const Scenario s = fuzz_scenario(base, seed);
    const RunResult r = run_scenario(s);
    const auto sig = signature(r);
    if (!sig) continue;
    const ShrinkResult a = shrink(s, r, *sig, ShrinkOptions{100}, false);
    EXPECT_LE(a.runs, 100u);
    EXPECT_EQ(signature(run_scenario(a.scenario)), sig);
    EXPECT_LE(a.after.faults, a.before.faults);
    EXPECT_LT(a.after.events, a.before.events);
    // Deterministic: the same input shrinks to the same scenario.
    EXPECT_EQ(shrink(s, r, *sig, ShrinkOptions{100}, false).scenario, a.scenario);
    return;
  }
  FAIL() << "no seed in 1..40 found skip-sync";
}

TEST(FuzzShrink, KeepsFaultsThatChooseTheirNodeWhenTheyFire) {
  // The shipped figure-8 case the Raft search found isolates "the newest leader" again and
  // again: fuzzing and shrinking it must keep those faults as selectors, never as the nodes one
  // run happened to choose, and every file written must say exactly what ran.
  auto loaded = load_scenario(DSIM_SOURCE_DIR "/scenarios/raft/bug-commit-old-term.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
  const Scenario failing = std::get<Scenario>(std::move(loaded));
  const auto selecting = [](const Scenario& s) {
    return std::count_if(s.faults.begin(), s.faults.end(), [](const FaultAction& f) { return f.select.has_value(); });
  };
  ASSERT_GT(selecting(failing), 0);
  const Scenario fuzzed = fuzz_scenario(failing, 7);
  EXPECT_EQ(selecting(fuzzed), selecting(failing));
  const RunResult r = run_scenario(failing);
  const auto sig = signature(r);
  ASSERT_EQ(sig, "invariant:leader-completeness");
  const ShrinkResult shrunk = shrink(failing, r, *sig, ShrinkOptions{40}, false);
  EXPECT_EQ(signature(run_scenario(shrunk.scenario)), sig);
  EXPECT_LT(shrunk.after.faults, shrunk.before.faults);
  EXPECT_GT(selecting(shrunk.scenario), 0) << "figure 8 needs the leader isolations";
  auto back = parse_scenario(scenario_text(shrunk.scenario), "again");
  ASSERT_TRUE(std::holds_alternative<Scenario>(back));
  EXPECT_EQ(std::get<Scenario>(back), shrunk.scenario);
}

TEST(FuzzProperty, RapidCheckFindsShrinksAndWritesAKnownBug) {
  const Scenario base = parse(fuzz_test::kSkipSyncScenario);
  const auto dir = fuzz_test::scratch("rapidcheck");
  const bool held = rc::check("skip-sync is safe under swarm faults",
                              [&] { swarm_property(base, dir.string(), ShrinkOptions{60}); });
  EXPECT_FALSE(held);  // the bug is on: the property must fail
  std::size_t written = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with("-shrunk.json")) {
      ++written;
      const auto replay = fuzz_test::sh(fmt::format("{} replay {}", fuzz_test::dsim(), e.path().string()));
      EXPECT_EQ(replay.exit_code, 1) << replay.out;
    }
  }
  EXPECT_EQ(written, 1u);
}

}  // namespace
}  // namespace dsim::fuzz
