// What a shrunk failure promises (docs/fuzzing.md, "What a shrunk file promises"): it fails with
// the recorded signature on the buggy code, it passes once the bug is gone, and it still needs
// its faults when the original did: the shrinker never trades the cause for a cluster or a
// workload too small to work.
#include <algorithm>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "sim/fuzz/generator.h"
#include "sim/fuzz/shrink.h"

namespace dsim::fuzz {
namespace {

Scenario load(const std::string& path) {
  auto loaded = load_scenario(path);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) ADD_FAILURE() << diag->format(path);
  return std::get<Scenario>(std::move(loaded));
}

// A stand-in protocol, as a runner: the run fails when the pause of n2 (the cause) is present, and
// also (for an unrelated reason, as one failing cas is "no progress") when a single operation is
// left. An uncontrolled greedy shrink cuts the operations to one and then drops the cause.
bool is_cause(const FaultAction& f) { return f.nodes == std::vector<NodeId>{2}; }

FaultAction pause(NodeId node, TimeNs at_ns) {
  FaultAction f;
  f.kind = FaultAction::Kind::pause;
  f.label = "pause";
  f.nodes = {node};
  f.at_ns = at_ns;
  f.duration_ns = 10 * kNsPerMs;
  return f;
}

Trial fake_run(const Scenario& s) {
  const bool cause = std::any_of(s.faults.begin(), s.faults.end(), [](const FaultAction& f) { return is_cause(f); });
  Trial t;
  t.ops = static_cast<std::uint64_t>(s.workload.ops_max);
  t.events = t.ops * 10 + s.faults.size();
  if (cause || s.workload.ops_max == 1) t.signature = "liveness:no-progress";
  t.liveness = true;
  return t;
}

TEST(FuzzShrinkCause, ACandidateThatFailsWithoutItsFaultsIsRejected) {
  Scenario s = load(DSIM_SOURCE_DIR "/scenarios/primary-backup/happy-path.json");
  s.workload.ops_max = 64;
  s.faults = {pause(1, 100 * kNsPerMs), pause(2, 200 * kNsPerMs), pause(1, 300 * kNsPerMs)};
  const Trial failing = fake_run(s);
  ASSERT_EQ(failing.signature, "liveness:no-progress");
  const ShrinkResult shrunk = shrink_with(s, failing, *failing.signature, ShrinkOptions{200}, fake_run);
  EXPECT_EQ(shrunk.control, CauseControl::faults);
  ASSERT_EQ(shrunk.scenario.faults.size(), 1u) << "the noise goes, the cause stays";
  EXPECT_TRUE(is_cause(shrunk.scenario.faults[0]));
  EXPECT_GT(shrunk.scenario.workload.ops_max, 1) << "one operation fails without any fault: not the bug";
  EXPECT_FALSE(fake_run(fault_free(shrunk.scenario)).signature);
}

TEST(FuzzShrinkCause, AFailureThatNeedsNoFaultsShrinksOnItsSignature) {
  Scenario s = load(DSIM_SOURCE_DIR "/scenarios/primary-backup/happy-path.json");
  s.workload.ops_max = 1;  // fails with or without faults
  s.faults = {pause(1, 100 * kNsPerMs)};
  const ShrinkResult shrunk = shrink_with(s, fake_run(s), "liveness:no-progress", ShrinkOptions{50}, fake_run);
  EXPECT_EQ(shrunk.control, CauseControl::none);
  EXPECT_TRUE(shrunk.scenario.faults.empty());
}

bool has_finding(const RunResult& r, const std::string& id) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.id() == id; });
}

// 2PC blocks when its coordinator dies: a scenario that claims only safety is not failed by it
// (docs/fuzzing.md, "Inherent limits are not failures"); one that claims liveness is.
TEST(FuzzVerdict, LivenessFindingsFailOnlyALivenessClaim) {
  const Scenario safety_only = load(DSIM_SOURCE_DIR "/scenarios/commit/twopc-happy-path.json");
  ASSERT_EQ(safety_only.expect.liveness, ExpectSpec::Outcome::any);
  ASSERT_FALSE(safety_only.checks.liveness);
  Scenario claimed = safety_only;
  claimed.expect.liveness = ExpectSpec::Outcome::holds;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const RunResult r = run_scenario(fuzz_scenario(safety_only, seed));
    if (!has_finding(r, "atomic-commit:blocked")) continue;
    EXPECT_FALSE(signature(r)) << "seed " << seed << ": blocking fails a safety-only claim";
    const RunResult c = run_scenario(fuzz_scenario(claimed, seed));
    EXPECT_EQ(c.fingerprint, r.fingerprint) << "the claim does not change the run";
    EXPECT_EQ(signature(c), "atomic-commit:blocked");
    return;
  }
  FAIL() << "no seed in 1..200 blocked 2PC";
}

// Every shipped scenario that switches a known bug on.
std::vector<std::string> bug_scenarios() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(DSIM_SOURCE_DIR "/scenarios")) {
    if (e.path().extension() != ".json" || e.path().filename() == "schema.json") continue;
    auto loaded = load_scenario(e.path().string());
    if (auto* s = std::get_if<Scenario>(&loaded); s && !s->cluster.bugs.empty()) {
      out.push_back(std::filesystem::relative(e.path(), DSIM_SOURCE_DIR "/scenarios").string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ShippedBug : public testing::TestWithParam<std::string> {};

// The failure the bug scenario claims, shrunk as `dsim fuzz` shrinks it, replays on the buggy
// code, passes with the bug switched off, and (when its faults caused it) passes without them.
TEST_P(ShippedBug, ShrunkFileFailsOnTheBugAndPassesWithoutIt) {
  const Scenario shipped = load(std::string(DSIM_SOURCE_DIR "/scenarios/") + GetParam());
  const RunResult r = run_scenario(shipped);
  const auto sig = signature(r);
  ASSERT_TRUE(sig) << "the bug scenario does not fail";
  Scenario failure = shipped;
  failure.expect = expect_failure(*sig, is_liveness(r, *sig));
  const RunResult failing = run_scenario(failure);
  ASSERT_EQ(signature(failing), sig);
  // Bounded so the sweep stays cheap; every promise must hold wherever the search stops.
#if defined(__SANITIZE_ADDRESS__)
  const ShrinkOptions options{30};
#else
  const ShrinkOptions options{80};
#endif
  const ShrinkResult shrunk = shrink(failure, failing, *sig, options, false);
  EXPECT_EQ(signature(run_scenario(shrunk.scenario)), sig) << "replays on the bug";
  Scenario fixed = shrunk.scenario;
  fixed.cluster.bugs.clear();
  const auto fixed_sig = signature(run_scenario(fixed));
  EXPECT_FALSE(fixed_sig) << "with the bug switched off it fails with " << fixed_sig.value_or("") << ":\n"
                          << scenario_text(fixed);
  if (shrunk.control == CauseControl::faults) {
    EXPECT_FALSE(signature(run_scenario(fault_free(shrunk.scenario)))) << "the faults are the cause";
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedBug, testing::ValuesIn(bug_scenarios()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace dsim::fuzz
