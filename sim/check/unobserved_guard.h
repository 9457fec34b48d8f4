// Exact pruning around unobserved states (see ValueTable and Model::fails_when_unobserved).
//
// Per state slot it counts the operations not yet linearized that must fail while the slot is
// unobserved (definite reads), and those that could make it observed again (writes). A step
// that leaves its slot unobserved while a read must still come and no write is left dooms the
// search below it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/check/model.h"
#include "sim/check/partition.h"

namespace dsim::check {

class UnobservedGuard {
 public:
  // Counts every operation of the partition as not yet linearized.
  UnobservedGuard(const Partition& partition, const Model& model);

  // Linearizing op (sign -1) or restoring it (+1) changes what is left.
  void add(std::int32_t op, int sign);

  // Whether linearizing `op`, giving `state`, leaves no way to finish (op not yet subtracted).
  bool dooms(std::int32_t op, std::span<const Word> state) const;

 private:
  const Partition& partition_;
  std::vector<std::int64_t> observers_left_;  // by slot
  std::vector<std::int64_t> rescuers_left_;
  std::vector<std::int64_t> observer_;  // 0 or 1, by op
  std::vector<std::int64_t> rescuer_;
};

}  // namespace dsim::check
