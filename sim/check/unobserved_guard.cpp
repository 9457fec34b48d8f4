#include "sim/check/unobserved_guard.h"

namespace dsim::check {

UnobservedGuard::UnobservedGuard(const Partition& partition, const Model& model)
    : partition_(partition) {
  const auto words = static_cast<std::size_t>(partition.state_words);
  observers_left_.assign(words, 0);
  rescuers_left_.assign(words, 0);
  for (std::size_t i = 0; i < partition.ops.size(); i++) {
    const ModelOp& op = partition.ops[i];
    // An open-ended read is not there (dropped); an open-ended op need never come.
    observer_.push_back(partition.complete_ns[i] != Operation::kNever &&
                        model.fails_when_unobserved(op));
    rescuer_.push_back(model.may_leave_unobserved(op));
    add(static_cast<std::int32_t>(i), 1);
  }
}

void UnobservedGuard::add(std::int32_t op, int sign) {
  const auto i = static_cast<std::size_t>(op);
  const auto slot = static_cast<std::size_t>(partition_.ops[i].slot);
  if (slot >= observers_left_.size()) return;  // a model whose slots are not state words
  observers_left_[slot] += sign * observer_[i];
  rescuers_left_[slot] += sign * rescuer_[i];
}

bool UnobservedGuard::dooms(std::int32_t op, std::span<const Word> state) const {
  const auto i = static_cast<std::size_t>(op);
  const auto slot = static_cast<std::size_t>(partition_.ops[i].slot);
  if (slot >= observers_left_.size() || state[slot] != kUnobserved) return false;
  return observers_left_[slot] - observer_[i] > 0 && rescuers_left_[slot] - rescuer_[i] == 0;
}

}  // namespace dsim::check
