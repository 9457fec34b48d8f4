#include "sim/check/linearizability.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "sim/check/partition.h"
#include "sim/check/search.h"
#include "sim/check/unobserved_guard.h"

namespace dsim::check {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::illegal: return "illegal";
    case Verdict::unknown: return "unknown";
  }
  assert(false && "unreachable: Verdict has three values");
  return "unknown";
}

namespace {

// Replays a partial linearization and finds the operations that real time allows next: those
// invoked no later than the first completion among the rest, except open-ended ones that would
// change nothing (they need not come at all). Blocked are those the model rejects or that doom
// the rest (they leave a value no remaining read can see).
PartitionFailure explain(const Partition& partition, const Model& model, ValueTable& values,
                         const std::vector<std::int32_t>& prefix) {
  PartitionFailure failure;
  failure.split = partition.split;
  failure.key = partition.key;
  std::vector<Word> state(static_cast<std::size_t>(partition.state_words));
  model.init(state, values);
  std::vector<bool> placed(partition.ops.size(), false);
  UnobservedGuard guard(partition, model);
  for (std::int32_t op : prefix) {
    const auto i = static_cast<std::size_t>(op);
    [[maybe_unused]] const bool legal = model.step(state, partition.ops[i], values);
    assert(legal && "the search only keeps steps the model accepts");
    placed[i] = true;
    guard.add(op, -1);
    failure.linearized.push_back(partition.history_index[i]);
  }
  std::int64_t first_return = Operation::kNever;
  for (std::size_t i = 0; i < partition.ops.size(); i++) {
    if (!placed[i]) first_return = std::min(first_return, partition.complete_ns[i]);
  }
  std::vector<Word> next(state.size());
  for (std::size_t i = 0; i < partition.ops.size(); i++) {
    if (placed[i] || partition.invoke_ns[i] > first_return) continue;
    next = state;
    const bool accepted = model.step(next, partition.ops[i], values);
    const bool open_ended = partition.complete_ns[i] == Operation::kNever;
    if (accepted && open_ended && next == state) continue;
    if (!accepted || guard.dooms(static_cast<std::int32_t>(i), next)) {
      failure.blocked.push_back(partition.history_index[i]);
    }
  }
  // Again, concretely, for the person.
  values.set_observe_everything(true);
  std::vector<Word> concrete(state.size());
  model.init(concrete, values);
  for (std::int32_t op : prefix) model.step(concrete, partition.ops[static_cast<std::size_t>(op)], values);
  failure.state = model.describe_state(concrete, values, partition.slot_keys);
  values.set_observe_everything(false);
  return failure;
}

// The search ended without extending its deepest explored prefix, so there every operation
// real time allows next is blocked (an accepted one would have gone deeper). The prefix with a
// doomed step at its end is preferred when it explains as well: the read that then fails is
// what a person looks for. With several keys in one state, something else may still fit
// there, so it is only a candidate.
PartitionFailure explain(const Partition& partition, const Model& model, ValueTable& values,
                         const SearchOutcome& outcome) {
  if (outcome.deepest_doomed.size() > outcome.deepest.size()) {
    PartitionFailure failure = explain(partition, model, values, outcome.deepest_doomed);
    if (!failure.blocked.empty()) return failure;
  }
  PartitionFailure failure = explain(partition, model, values, outcome.deepest);
  assert(!failure.blocked.empty());
  return failure;
}

}  // namespace

LinearizabilityResult check_linearizability(const History& history, const Model& model,
                                            const CheckBudget& budget, bool split_by_key) {
  LinearizabilityResult result;
  if (auto error = validate_history(history, model)) {
    result.verdict = Verdict::unknown;
    result.invalid_history = true;
    result.reason = "invalid history: " + *error;
    return result;
  }
  std::optional<std::chrono::steady_clock::time_point> deadline = budget.deadline;
  if (!deadline && budget.wall_seconds_max) {
    deadline = std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(*budget.wall_seconds_max));
  }
  ValueTable values;
  const std::vector<Partition> partitions = make_partitions(history, model, split_by_key, values);
  if (deadline && std::chrono::steady_clock::now() > *deadline) {
    result.verdict = Verdict::unknown;
    result.reason = "the wall-clock budget ran out before the search began";
    return result;
  }
  for (const Partition& partition : partitions) {
    const SearchLimits limits{.steps_max = budget.steps_max - result.steps,
                              .memo_bytes_max = budget.memo_bytes_max,
                              .deadline = deadline};
    SearchOutcome outcome = search(partition, model, values, limits);
    result.partitions++;
    result.steps += outcome.steps;
    result.memo_bytes_peak = std::max(result.memo_bytes_peak, outcome.memo_bytes_peak);
    if (outcome.status == SearchOutcome::Status::illegal) {
      result.failures.push_back(explain(partition, model, values, outcome));
      if (static_cast<std::int64_t>(result.failures.size()) >= budget.failures_max) break;
    } else if (outcome.status == SearchOutcome::Status::out_of_budget) {
      result.reason = outcome.reason;
      break;
    }
  }
  if (!result.failures.empty()) {
    // One illegal key is enough: no budget can turn that into a linearizable history.
    result.verdict = Verdict::illegal;
  } else {
    result.verdict = result.reason.empty() ? Verdict::ok : Verdict::unknown;
  }
  return result;
}

}  // namespace dsim::check
