#include "sim/check/partition.h"

#include <cassert>
#include <map>

#include <fmt/format.h>

namespace dsim::check {

bool is_dropped(const Operation& op, const Model& model) {
  switch (op.type) {
    case OpType::ok: return false;
    case OpType::fail: return !model.is_evidence_when_failed(op);
    case OpType::info: return model.is_read_only(op);
  }
  assert(false && "unreachable: OpType has three values");
  return false;
}

std::optional<std::string> validate_history(const History& history, const Model& model) {
  for (std::size_t i = 0; i < history.ops.size(); i++) {
    const Operation& op = history.ops[i];
    if (auto error = model.validate(op)) return fmt::format("operation {}: {}", i, *error);
    if (op.complete_ns < op.invoke_ns) {
      return fmt::format("operation {}: completes at {} before its invoke at {}", i,
                         op.complete_ns, op.invoke_ns);
    }
    if (op.type != OpType::info && op.complete_ns == Operation::kNever) {
      return fmt::format("operation {}: {} but never completed", i, op_type_name(op.type));
    }
  }
  return std::nullopt;
}

namespace {

using Key = std::optional<std::string>;

void add_op(Partition& partition, const History& history, std::size_t index, const Model& model,
            ValueTable& values, std::int32_t slot) {
  const Operation& op = history.ops[index];
  ModelOp compiled = model.compile(op, values);
  compiled.type = op.type;
  compiled.slot = slot;
  partition.history_index.push_back(index);
  partition.ops.push_back(compiled);
  partition.invoke_ns.push_back(op.invoke_ns);
  // An unknown op has an open end even when the history says when the client gave up.
  partition.complete_ns.push_back(op.type == OpType::info ? Operation::kNever : op.complete_ns);
}

}  // namespace

std::vector<Partition> make_partitions(const History& history, const Model& model,
                                       bool split_by_key, ValueTable& values) {
  // std::map: partitions and slots come out in key order, whatever the history's order.
  std::map<Key, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < history.ops.size(); i++) {
    if (is_dropped(history.ops[i], model)) continue;
    by_key[model.is_keyed() ? history.ops[i].key : Key()].push_back(i);
  }
  std::vector<Partition> partitions;
  if (model.is_keyed() && split_by_key) {
    for (const auto& [key, indices] : by_key) {
      Partition& partition = partitions.emplace_back();
      partition.split = true;
      partition.key = key;
      partition.slot_keys = {key};
      partition.state_words = model.state_words(1);
      for (std::size_t index : indices) add_op(partition, history, index, model, values, 0);
    }
    return partitions;
  }
  Partition& partition = partitions.emplace_back();
  std::map<std::size_t, std::int32_t> slot_of;  // history index -> slot, for history order
  for (const auto& [key, indices] : by_key) {
    const auto slot = static_cast<std::int32_t>(partition.slot_keys.size());
    partition.slot_keys.push_back(key);
    for (std::size_t index : indices) slot_of[index] = slot;
  }
  if (partition.slot_keys.empty()) partition.slot_keys.emplace_back();
  partition.state_words = model.state_words(static_cast<std::int32_t>(partition.slot_keys.size()));
  for (const auto& [index, slot] : slot_of) add_op(partition, history, index, model, values, slot);
  return partitions;
}

}  // namespace dsim::check
