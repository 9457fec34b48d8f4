// Properties of the linearizability checker, against a brute-force reference (reference.h).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "sim/check/linearizability.h"
#include "tests/check/reference.h"

namespace dsim::check {
namespace {

using testing::counts;
using testing::ReferenceState;
using testing::reference_step;

// A random operation with its completion, interval and outcome all drawn independently, so
// that small histories are often not linearizable.
Operation random_operation(bool kv, std::int64_t process) {
  Operation op;
  op.process = process;
  const int value_max = 2;
  const int kind = *rc::gen::inRange(0, 3);
  auto value = [&] { return nlohmann::json(*rc::gen::inRange(0, value_max + 1)); };
  if (kv) {
    op.key = std::string(1, static_cast<char>('a' + *rc::gen::inRange(0, 2)));
    op.f = kind == 0 ? "get" : kind == 1 ? "put" : "append";
    const std::string letter(1, static_cast<char>('x' + *rc::gen::inRange(0, 2)));
    if (op.f == "get") {
      const int length = *rc::gen::inRange(0, 3);
      std::string seen;
      for (int i = 0; i < length; i++) seen += static_cast<char>('x' + *rc::gen::inRange(0, 2));
      op.output = seen;
    } else {
      op.value = letter;
    }
  } else {
    op.f = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
    if (op.f == "read") op.output = *rc::gen::inRange(0, 4) == 0 ? nlohmann::json() : value();
    if (op.f == "write") op.value = value();
    if (op.f == "cas") op.value = nlohmann::json::array({value(), value()});
  }
  const int type = *rc::gen::inRange(0, 6);
  op.type = type < 4 ? OpType::ok : type == 4 ? OpType::fail : OpType::info;
  if (op.type != OpType::ok) op.output = nullptr;
  op.invoke_ns = *rc::gen::inRange(0, 20);
  op.complete_ns = op.type == OpType::info ? Operation::kNever
                                           : op.invoke_ns + *rc::gen::inRange(0, 8);
  return op;
}

History random_history(bool kv, int ops_max) {
  History history;
  const int count = *rc::gen::inRange(0, ops_max + 1);
  for (int i = 0; i < count; i++) history.ops.push_back(random_operation(kv, i));
  return history;
}

// Executes random operations one at a time on the reference model, then widens each one's
// interval around its moment of effect by random amounts.
History sequential_history(bool kv) {
  History history;
  ReferenceState state;
  const int count = *rc::gen::inRange(0, 40);
  for (int i = 0; i < count; i++) {
    Operation op = random_operation(kv, i);
    const std::int64_t moment = 10 * i;
    if (op.f == "read" || op.f == "get") {
      op.type = OpType::ok;  // an unknown read would be dropped: keep it observable
      const std::string key = op.key.value_or("");
      if (!state.contains(key)) state[key] = kv ? nlohmann::json("") : nlohmann::json(nullptr);
      op.output = state[key];
    }
    if (op.f == "cas") {
      ReferenceState probe = state;
      op.type = OpType::ok;
      if (!reference_step(probe, op)) op.type = OpType::fail;  // a true failure is evidence
    }
    if (op.type != OpType::fail) {
      // Took effect, though for an info one the client never heard.
      if (op.type == OpType::info && op.f != "read" && op.f != "get") op.type = OpType::ok;
      if (*rc::gen::inRange(0, 8) == 0 && op.f != "read" && op.f != "get") op.type = OpType::info;
      RC_ASSERT(reference_step(state, op));
    }
    op.invoke_ns = moment - *rc::gen::inRange(0, 30);
    op.complete_ns =
        op.type == OpType::info ? Operation::kNever : moment + *rc::gen::inRange(0, 30);
    history.ops.push_back(op);
  }
  return history;
}

const Model& model_for(bool kv) { return *find_model(kv ? "kv" : "cas-register"); }

Verdict check(const History& history, bool kv, bool split = true) {
  return check_linearizability(history, model_for(kv), CheckBudget{}, split).verdict;
}

RC_GTEST_PROP(LinearizabilityProperties, StretchedSequentialExecutionIsOk, (bool kv)) {
  const History history = sequential_history(kv);
  RC_LOG() << to_json(history).dump() << "\n";
  RC_ASSERT(check(history, kv) == Verdict::ok);
}

RC_GTEST_PROP(LinearizabilityProperties, AgreesWithBruteForce, (bool kv)) {
  const History history = random_history(kv, 8);
  RC_LOG() << to_json(history).dump() << "\n";
  const bool expected = testing::reference_linearizable(history);
  RC_CLASSIFY(expected, "linearizable");
  RC_ASSERT(check(history, kv) == (expected ? Verdict::ok : Verdict::illegal));
}

RC_GTEST_PROP(LinearizabilityProperties, SplittingByKeyKeepsTheVerdict, ()) {
  const History history = random_history(true, 14);
  RC_LOG() << to_json(history).dump() << "\n";
  const Verdict split = check(history, true, true);
  RC_CLASSIFY(split == Verdict::ok, "linearizable");
  RC_ASSERT(split == check(history, true, false));
}

// The counterexample respects real time and the model accepts it; each blocked operation is
// one real time allows next, and no linearization continues the prefix with it.
void expect_valid_counterexample(const History& history, const PartitionFailure& failure) {
  // Other keys' operations are another partition's business: count them as placed.
  std::vector<bool> placed(history.ops.size(), false);
  for (std::size_t j = 0; j < history.ops.size(); j++) {
    placed[j] = failure.split && history.ops[j].key != failure.key;
  }
  ReferenceState state;
  for (std::size_t i : failure.linearized) {
    RC_ASSERT(i < history.ops.size());
    RC_ASSERT(!placed[i]);
    RC_ASSERT(counts(history.ops[i]));
    if (failure.split) RC_ASSERT(history.ops[i].key == failure.key);
    RC_ASSERT(testing::may_come_next(history, placed, i));
    RC_ASSERT(reference_step(state, history.ops[i]));
    placed[i] = true;
  }
  RC_ASSERT(!failure.blocked.empty());
  for (std::size_t i : failure.blocked) {
    RC_ASSERT(!placed[i]);
    RC_ASSERT(testing::may_come_next(history, placed, i));
    ReferenceState next = state;
    if (!reference_step(next, history.ops[i])) continue;
    placed[i] = true;
    RC_ASSERT(!testing::reference_search(history, placed, next));
    placed[i] = false;
  }
}

RC_GTEST_PROP(LinearizabilityProperties, CounterexampleIsAValidPartialLinearization, (bool kv)) {
  // A sequential execution with one read's result changed is nearly always illegal.
  History history = sequential_history(kv);
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < history.ops.size(); i++) {
    if (history.ops[i].f == "read" || history.ops[i].f == "get") reads.push_back(i);
  }
  RC_PRE(!reads.empty());
  Operation& corrupted = history.ops[*rc::gen::elementOf(reads)];
  corrupted.output = kv ? nlohmann::json(corrupted.output.get<std::string>() + "x")
                        : nlohmann::json(*rc::gen::inRange(0, 3));
  RC_LOG() << to_json(history).dump() << "\n";
  const LinearizabilityResult result =
      check_linearizability(history, model_for(kv), CheckBudget{});
  RC_PRE(result.verdict == Verdict::illegal);
  RC_ASSERT(!result.failures.empty());
  for (const PartitionFailure& failure : result.failures) {
    expect_valid_counterexample(history, failure);
  }
}

}  // namespace
}  // namespace dsim::check
