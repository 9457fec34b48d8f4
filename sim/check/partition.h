// Compiles a history into the partitions the search works on.
//
// With a keyed model and splitting on, each key is checked on its own (P-compositionality: a
// history is linearizable iff every per-key sub-history is). Operations that constrain nothing
// are dropped here: failed ones (unless the model keeps them as evidence) and unknown read-only
// ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/check/history.h"
#include "sim/check/model.h"
#include "sim/check/value_table.h"

namespace dsim::check {

struct Partition {
  bool split = false;                               // one key of a split history
  std::optional<std::string> key;                   // that key, when split
  std::vector<std::optional<std::string>> slot_keys;  // the key of each state slot
  std::int32_t state_words = 0;
  std::vector<std::size_t> history_index;           // per op: its index in History::ops
  std::vector<ModelOp> ops;
  std::vector<std::int64_t> invoke_ns;
  std::vector<std::int64_t> complete_ns;            // Operation::kNever for info
};

// Partitions in key order (operations without a key first). `history` must have passed
// `validate_history`.
std::vector<Partition> make_partitions(const History& history, const Model& model,
                                       bool split_by_key, ValueTable& values);

// Why the history cannot be checked against `model` (an op the model does not know, a
// completion before its invoke), or nothing.
std::optional<std::string> validate_history(const History& history, const Model& model);

// Whether the op is dropped before the search because it cannot constrain any linearization.
bool is_dropped(const Operation& op, const Model& model);

}  // namespace dsim::check
