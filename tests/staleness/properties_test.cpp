// Properties of the weak-consistency checkers on random histories.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "sim/check/lost_writes.h"
#include "sim/check/staleness.h"
#include "tests/check/support.h"

namespace dsim::check {
namespace {

using testing::op;

// A sequential register history over a few keys: one operation at a time, each read returning
// the key's latest value. Every write value is unique.
History sequential_registers() {
  History h;
  std::map<std::string, nlohmann::json> state;
  const int n = *rc::gen::inRange(1, 60);
  std::int64_t now = 0;
  for (int i = 0; i < n; ++i) {
    const std::string key(1, static_cast<char>('a' + *rc::gen::inRange(0, 3)));
    const std::int64_t t0 = now + *rc::gen::inRange(0, 3);
    const std::int64_t t1 = t0 + *rc::gen::inRange(0, 5);
    now = t1 + 1;
    if (*rc::gen::arbitrary<bool>()) {
      h.ops.push_back(op(0, "write", i, nullptr, OpType::ok, t0, t1, key));
      state[key] = i;
    } else {
      auto it = state.find(key);
      h.ops.push_back(op(1, "read", nullptr, it == state.end() ? nlohmann::json() : it->second, OpType::ok, t0, t1, key));
    }
  }
  return h;
}

RC_GTEST_PROP(WeakChecks, SequentialHistoriesAreNeverStale, ()) {
  const History h = sequential_registers();
  const StalenessResult s = check_staleness(h);
  RC_ASSERT(s.k_max == 0u);
  RC_ASSERT(s.unexplained == 0u);
  for (const auto& b : check_t_visibility(h, {0, 2, 10}).buckets) RC_ASSERT(b.visible == b.reads);
}

// Adds with random outcomes, then one final read holding every acknowledged add and some of the
// others: nothing is lost; dropping any acknowledged element from it is reported as lost.
RC_GTEST_PROP(WeakChecks, DroppingAnAcknowledgedAddIsAlwaysReported, ()) {
  History h;
  const int n = *rc::gen::inRange(1, 40);
  std::vector<int> acked;
  nlohmann::json final_read = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    const int outcome = *rc::gen::inRange(0, 3);
    const OpType type = outcome == 0 ? OpType::ok : outcome == 1 ? OpType::info : OpType::fail;
    const std::int64_t t0 = *rc::gen::inRange(0, 100);
    h.ops.push_back(op(i % 4, "add", i, nullptr, type, t0, t0 + *rc::gen::inRange(0, 20), "s"));
    if (type == OpType::ok) acked.push_back(i);
    if (type == OpType::ok || (type == OpType::info && *rc::gen::arbitrary<bool>())) final_read.push_back(i);
  }
  h.ops.push_back(op(9, "read", nullptr, final_read, OpType::ok, 200, 210, "s"));
  const LostWritesResult clean = check_lost_writes(h);
  RC_ASSERT(clean.lost == 0u);
  RC_ASSERT(clean.unexpected == 0u);
  RC_ASSERT(clean.acknowledged == acked.size());
  RC_PRE(!acked.empty());
  const int dropped = *rc::gen::elementOf(acked);
  nlohmann::json without = nlohmann::json::array();
  for (const auto& e : final_read) {
    if (e != dropped) without.push_back(e);
  }
  h.ops.back().output = without;
  const LostWritesResult r = check_lost_writes(h);
  RC_ASSERT(r.lost == 1u);
  RC_ASSERT(r.lost_examples.at(0)["element"] == dropped);
}

}  // namespace
}  // namespace dsim::check
