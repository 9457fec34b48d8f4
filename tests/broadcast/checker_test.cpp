// The broadcast checker's definitions on small hand-written histories.
#include <gtest/gtest.h>

#include "sim/check/broadcast.h"

namespace dsim::check {
namespace {

Operation broadcast(std::int64_t v, std::int64_t invoke_ns, OpType type = OpType::ok) {
  Operation op;
  op.f = "broadcast";
  op.value = v;
  op.type = type;
  op.invoke_ns = invoke_ns;
  op.complete_ns = invoke_ns + 1;
  return op;
}

Operation read(std::vector<std::int64_t> values, std::int64_t invoke_ns, std::optional<std::int64_t> final_node = {}) {
  Operation op;
  op.f = "read";
  if (final_node) op.value = *final_node;
  op.output = values;
  op.type = OpType::ok;
  op.invoke_ns = invoke_ns;
  op.complete_ns = invoke_ns + 10;
  return op;
}

bool has_problem(const BroadcastResult& r, const std::string& name) {
  for (const auto& p : r.problems) {
    if (p.name == name) return true;
  }
  return false;
}

TEST(BroadcastChecker, StableLatencyEndsWithTheLastReadThatLackedTheValue) {
  History h;
  h.ops = {broadcast(1, 100), read({}, 150), read({1}, 200), read({}, 300), read({1}, 400),
           read({1}, 1000, 0), read({1}, 1000, 1)};
  const auto r = check_broadcast(h, 14, {});
  EXPECT_TRUE(r.problems.empty());
  // The read invoked at 300 lacked it and completed at 310: stable 210 ns after the invoke at 100.
  EXPECT_DOUBLE_EQ(r.metrics["stable_latency_ms"]["max"].get<double>(), 210e-6);
  EXPECT_DOUBLE_EQ(r.metrics["msgs_per_op"].get<double>(), 2.0);
}

TEST(BroadcastChecker, LostWhenAFinalReadLacksAnAcknowledgedValue) {
  History h;
  h.ops = {broadcast(1, 100), broadcast(2, 100, OpType::info), read({1}, 1000, 0), read({}, 1000, 1)};
  const auto r = check_broadcast(h, 0, {});
  EXPECT_TRUE(has_problem(r, "lost"));
  EXPECT_EQ(r.metrics["lost"].get<int>(), 1);  // 2 was never acknowledged: missing it is allowed
}

TEST(BroadcastChecker, UnexpectedValuesAndMissingFinalReads) {
  History h;
  h.ops = {broadcast(1, 100), read({1, 7}, 200)};
  const auto r = check_broadcast(h, 0, {});
  EXPECT_TRUE(has_problem(r, "unexpected"));
  EXPECT_TRUE(has_problem(r, "no-final-reads"));
}

TEST(BroadcastChecker, BoundsReachedAreProblems) {
  History h;
  h.ops = {broadcast(1, 0), read({}, 5000), read({1}, 1'000'000'000, 0)};
  BroadcastBounds b;
  b.msgs_per_op_max = 5;
  b.stable_median_max_ns = 1000;
  b.stable_max_max_ns = 1000;
  const auto r = check_broadcast(h, 15, b);
  EXPECT_TRUE(has_problem(r, "msgs-per-op"));
  EXPECT_TRUE(has_problem(r, "stable-median"));
  EXPECT_TRUE(has_problem(r, "stable-max"));
  b = BroadcastBounds{};
  b.msgs_per_op_max = 6;
  EXPECT_TRUE(check_broadcast(h, 15, b).problems.empty());
}

}  // namespace
}  // namespace dsim::check
