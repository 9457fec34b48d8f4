#include "sim/check/linearizability.h"

#include <gtest/gtest.h>

#include "tests/check/support.h"

namespace dsim::check {
namespace {

using testing::cas;
using testing::op;
using testing::read;
using testing::write;

const Model& cas_register() { return *find_model("cas-register"); }

LinearizabilityResult check(const History& history, const Model& model = cas_register()) {
  return check_linearizability(history, model, CheckBudget{});
}

TEST(Linearizability, EmptyHistoryIsOk) {
  EXPECT_EQ(check(History{}).verdict, Verdict::ok);
}

TEST(Linearizability, ConcurrentWriteMayBeSeenEitherWay) {
  History history{{write(0, 1, 0, 10), read(1, 1, 2, 3), read(2, nullptr, 4, 5)}};
  // The read of nil after the read of 1 cannot be: the write has happened by then.
  EXPECT_EQ(check(history).verdict, Verdict::illegal);
  history.ops[2] = read(2, nullptr, 1, 5);  // overlapping now: nil can come first
  EXPECT_EQ(check(history).verdict, Verdict::ok);
}

TEST(Linearizability, StaleReadIsIllegalWithCounterexample) {
  const History history{{write(0, 1, 0, 1), write(0, 2, 2, 3), read(1, 1, 4, 5)}};
  const LinearizabilityResult result = check(history);
  ASSERT_EQ(result.verdict, Verdict::illegal);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].linearized, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(result.failures[0].blocked, (std::vector<std::size_t>{2}));
  EXPECT_EQ(result.failures[0].state, "2");
  const std::string text = describe(result, history);
  EXPECT_NE(text.find("illegal"), std::string::npos) << text;
  EXPECT_NE(text.find("p1 read -> 1"), std::string::npos) << text;
  const nlohmann::json j = to_json(result, history);
  EXPECT_EQ(j["verdict"], "illegal");
  EXPECT_EQ(j["failures"][0]["blocked"], nlohmann::json::array({2}));
}

TEST(Linearizability, InfoWriteMayTakeEffectLateOrNever) {
  // The unknown write can land after the first read...
  History history{{write(0, 1, 0, 0, OpType::info), read(1, nullptr, 1, 2), read(1, 1, 3, 4)}};
  EXPECT_EQ(check(history).verdict, Verdict::ok);
  // ...or never...
  history.ops[2] = read(1, nullptr, 3, 4);
  EXPECT_EQ(check(history).verdict, Verdict::ok);
  // ...but not before its invoke.
  history.ops = {read(1, 1, 0, 1), write(0, 1, 2, 0, OpType::info)};
  EXPECT_EQ(check(history).verdict, Verdict::illegal);
}

TEST(Linearizability, FailedWriteDidNotHappen) {
  const History history{{write(0, 1, 0, 1, OpType::fail), read(1, 1, 2, 3)}};
  EXPECT_EQ(check(history).verdict, Verdict::illegal);
}

TEST(Linearizability, FailedCasIsEvidence) {
  // cas 1->2 failed while the register certainly held 1: impossible.
  History history{{write(0, 1, 0, 1), cas(1, 1, 2, 2, 3, OpType::fail), read(2, 1, 4, 5)}};
  EXPECT_EQ(check(history).verdict, Verdict::illegal);
  history.ops[1] = cas(1, 3, 2, 2, 3, OpType::fail);
  EXPECT_EQ(check(history).verdict, Verdict::ok);
}

TEST(Linearizability, FailedCasWithAnErrorIsNoEvidence) {
  // The client gave up without any node comparing values: the cas just did not happen.
  History history{{write(0, 1, 0, 1), cas(1, 1, 2, 2, 3, OpType::fail), read(2, 1, 4, 5)}};
  history.ops[1].output = {{"error", "gave up after redirects"}};
  EXPECT_EQ(check(history).verdict, Verdict::ok);
}

TEST(Linearizability, RegisterModelRejectsCas) {
  const History history{{cas(0, 1, 2, 0, 1)}};
  const LinearizabilityResult result = check(history, *find_model("register"));
  EXPECT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("unknown :f \"cas\""), std::string::npos) << result.reason;
}

TEST(Linearizability, CompletionBeforeInvokeIsInvalid) {
  const History history{{write(0, 1, 5, 1)}};
  EXPECT_EQ(check(history).verdict, Verdict::unknown);
}

TEST(Linearizability, KvSplitsPerKeyAndReportsEachBadKey) {
  const Model& kv = *find_model("kv");
  const History history{{
      op(0, "append", "a", nullptr, OpType::ok, 0, 1, "x"),
      op(1, "get", nullptr, "b", OpType::ok, 2, 3, "x"),  // bad: x holds "a"
      op(0, "put", "c", nullptr, OpType::ok, 4, 5, "y"),
      op(1, "get", nullptr, "c", OpType::ok, 6, 7, "y"),
      op(1, "get", nullptr, nullptr, OpType::ok, 8, 9, "z"),  // a never-written key reads as ""
  }};
  for (bool split : {true, false}) {
    const LinearizabilityResult result = check_linearizability(history, kv, CheckBudget{}, split);
    ASSERT_EQ(result.verdict, Verdict::illegal);
    ASSERT_EQ(result.failures.size(), 1u);
    EXPECT_EQ(result.failures[0].split, split);
    if (split) {
      EXPECT_EQ(result.failures[0].key, "x");
    }
    EXPECT_EQ(result.failures[0].blocked, (std::vector<std::size_t>{1}));
  }
}

TEST(Linearizability, FailuresMaxBoundsHowManyBadKeysAreExplained) {
  const Model& kv = *find_model("kv");
  const History history{{
      op(0, "append", "a", nullptr, OpType::ok, 0, 1, "x"),
      op(1, "get", nullptr, "b", OpType::ok, 2, 3, "x"),  // bad
      op(0, "append", "c", nullptr, OpType::ok, 4, 5, "y"),
      op(1, "get", nullptr, "d", OpType::ok, 6, 7, "y"),  // bad too
  }};
  EXPECT_EQ(check_linearizability(history, kv, CheckBudget{}).failures.size(), 1u);
  CheckBudget all;
  all.failures_max = 10;
  const LinearizabilityResult result = check_linearizability(history, kv, all);
  EXPECT_EQ(result.verdict, Verdict::illegal);
  ASSERT_EQ(result.failures.size(), 2u);
  EXPECT_EQ(result.failures[0].key, "x");
  EXPECT_EQ(result.failures[1].key, "y");
}

TEST(Linearizability, StepBudgetGivesUnknown) {
  History history;
  // Many concurrent writes and a read nobody could have seen: the search must try them all.
  for (int p = 0; p < 12; p++) history.ops.push_back(write(p, p, 0, 100));
  history.ops.push_back(read(99, 42, 101, 102));
  CheckBudget budget;
  budget.steps_max = 1000;
  const LinearizabilityResult result = check_linearizability(history, cas_register(), budget);
  EXPECT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("steps"), std::string::npos);
  EXPECT_LE(result.steps, 1000);
}

TEST(Linearizability, MemoBudgetGivesUnknown) {
  History history;
  for (int p = 0; p < 16; p++) history.ops.push_back(read(p, nullptr, 0, 100));
  for (int p = 0; p < 16; p++) history.ops.push_back(write(p, p, 101, 200));
  history.ops.push_back(read(99, 42, 201, 202));
  CheckBudget budget;
  budget.memo_bytes_max = 64 << 10;
  const LinearizabilityResult result = check_linearizability(history, cas_register(), budget);
  EXPECT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("memo"), std::string::npos) << result.reason;
  EXPECT_LE(result.memo_bytes_peak, 64 << 10);
}

TEST(Linearizability, WallClockBudgetGivesUnknown) {
  History history;
  for (int p = 0; p < 40; p++) history.ops.push_back(write(p, p, 0, 100));
  history.ops.push_back(read(99, 42, 101, 102));
  CheckBudget budget;
  budget.wall_seconds_max = 0.0;
  const LinearizabilityResult result = check_linearizability(history, cas_register(), budget);
  EXPECT_EQ(result.verdict, Verdict::unknown);
  EXPECT_NE(result.reason.find("wall"), std::string::npos) << result.reason;
}

TEST(Linearizability, VerdictIsDeterministic) {
  History history;
  for (int p = 0; p < 8; p++) history.ops.push_back(write(p, p % 3, p, 50 + p));
  history.ops.push_back(read(9, 2, 60, 61));
  history.ops.push_back(read(9, 1, 62, 63));
  const LinearizabilityResult a = check(history);
  const LinearizabilityResult b = check(history);
  EXPECT_EQ(to_json(a, history), to_json(b, history));
}

}  // namespace
}  // namespace dsim::check
