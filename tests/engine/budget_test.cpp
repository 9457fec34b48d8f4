// A run never passes unchecked: spending its event or memory budget, or a history in which no
// operation succeeded, makes it inconclusive; and a clock stepped without bound saturates.
#include <gtest/gtest.h>

#include "sim/node/clock.h"
#include "tests/engine/test_world.h"

namespace dsim {
namespace {

using testing::small_scenario;

const Finding* finding(const RunResult& r, const std::string& id) {
  for (const Finding& f : r.findings) {
    if (f.id() == id) return &f;
  }
  return nullptr;
}

TEST(Budget, SpendingTheEventBudgetIsInconclusive) {
  Scenario s = small_scenario(3, 3);
  s.run.events_max = 100;
  const RunResult r = run_scenario(s);
  EXPECT_EQ(r.stats.stop_reason, "event budget");
  const Finding* f = finding(r, "inconclusive:event-budget");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->detail.find("run.events_max 100"), std::string::npos) << f->detail;
  EXPECT_FALSE(r.expectation_held) << "a cut run must not pass as \"holds\"";
  // The liveness check cannot be judged on a cut run: no invented no-progress finding.
  s.checks.liveness = true;
  for (const Finding& lf : run_scenario(s).findings) EXPECT_NE(lf.kind, Finding::Kind::liveness) << lf.id();
}

TEST(Budget, SpendingTheMemoryBudgetIsInconclusive) {
  Scenario s = small_scenario(3, 3);
  s.workload.clients = 50;
  s.run.memory_bytes_max = 1 << 20;  // 1 MiB of history and trace
  RunOptions traced;
  traced.trace = true;
  const RunResult r = run_scenario(s, traced);
  EXPECT_EQ(r.stats.stop_reason, "memory budget");
  ASSERT_NE(finding(r, "inconclusive:memory-budget"), nullptr);
  EXPECT_FALSE(r.expectation_held);
  EXPECT_LT(r.stats.end_ns, s.run.duration_ns);
  // The same run with the default budget goes to its end.
  s.run.memory_bytes_max = RunSpec{}.memory_bytes_max;
  EXPECT_EQ(run_scenario(s, traced).stats.stop_reason, "end of run");
}

// The trace is bounded apart from the run: a run near its memory budget ends the same way
// whether or not it is traced (it used to count the trace, so a traced re-run of a failure
// stopped earlier than the run it re-ran), and a trace past its budget says where it was cut.
TEST(Budget, TracingNeitherSpendsNorShapesTheRun) {
  Scenario s = small_scenario(3, 3);
  s.workload.clients = 3;
  s.run.memory_bytes_max = 1 << 20;
  RunOptions traced;
  traced.trace = true;
  const RunResult plain = run_scenario(s);
  const RunResult watched = run_scenario(s, traced);
  EXPECT_EQ(plain.stats.stop_reason, "end of run") << "the history alone fits the budget";
  EXPECT_EQ(watched.stats.stop_reason, plain.stats.stop_reason);
  EXPECT_EQ(watched.fingerprint, plain.fingerprint);
  EXPECT_EQ(watched.history.ops.size(), plain.history.ops.size());
  ASSERT_TRUE(watched.trace.cut) << "the trace of this run is larger than 1 MiB";
  ASSERT_FALSE(watched.trace.events.empty());
  EXPECT_LE(watched.trace.events.back().t_ns, watched.trace.cut_ns);
  EXPECT_LT(watched.trace.cut_ns, watched.stats.end_ns);
  // With the default budget nothing is cut.
  s.run.memory_bytes_max = RunSpec{}.memory_bytes_max;
  EXPECT_FALSE(run_scenario(s, traced).trace.cut);
}

TEST(Budget, NoSuccessfulOperationIsNotAPass) {
  // Every client operation times out: the primary is paused for the whole run.
  Scenario s = small_scenario(3, 3);
  FaultAction pause;
  pause.kind = FaultAction::Kind::pause;
  pause.label = "pause";
  pause.nodes = {0};
  s.faults.push_back(pause);
  const RunResult r = run_scenario(s);
  ASSERT_FALSE(r.history.ops.empty());
  for (const auto& op : r.history.ops) ASSERT_NE(op.type, check::OpType::ok);
  EXPECT_NE(finding(r, "inconclusive:no-successful-operation"), nullptr);
  EXPECT_FALSE(r.expectation_held);
  // Without a safety claim there is nothing to call unproven.
  s.expect.safety = ExpectSpec::Outcome::any;
  EXPECT_TRUE(run_scenario(s).expectation_held);
}

TEST(Budget, DefaultsStopAZeroLatencyLivelockQuickly) {
  const RunSpec defaults;
  EXPECT_EQ(defaults.events_max, 10'000'000u);
  EXPECT_EQ(defaults.memory_bytes_max, 2ull << 30);
}

TEST(LocalClockBounds, ManyLargeStepsSaturateInsteadOfOverflowing) {
  constexpr TimeNs kWeekNs = 7 * 24 * 3600 * kNsPerSec;
  for (const std::int64_t drift_ppm : {0, 500'000, -500'000}) {
    for (const TimeNs sign : {1, -1}) {
      LocalClock clock(0, drift_ppm);
      TimeNs now_ns = 0;
      for (int i = 0; i < 16'000; ++i) clock.step(now_ns += kNsPerMs, sign * kWeekNs);
      EXPECT_EQ(clock.offset_at(now_ns), sign * LocalClock::kOffsetLimitNs) << drift_ppm;
      // Time still runs, and stepping back recovers at once.
      EXPECT_GT(clock.local_at(now_ns + kNsPerSec), clock.local_at(now_ns));
      clock.step(now_ns, -sign * LocalClock::kOffsetLimitNs);
      EXPECT_EQ(clock.offset_at(now_ns), 0);
    }
  }
}

}  // namespace
}  // namespace dsim
