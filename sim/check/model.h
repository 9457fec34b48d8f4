// A sequential specification that histories are checked against.
//
// The checker compiles each operation once (`compile`) into a ModelOp whose values are interned
// words, then searches by calling `step` on states that are short arrays of words. Keeping
// states as words is what lets the memo hash them strongly and compare them exactly.
//
// A keyed model is one independent object per key (a register per key, a kv store): its state
// has one word per key (`slot`), and a history can be checked one key at a time
// (P-compositionality), which is exponentially cheaper than checking all keys together.
//
// Protocol-specific models implement this interface; the built-in ones are found by name.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/history.h"
#include "sim/check/value_table.h"

namespace dsim::check {

// An operation as the search sees it.
struct ModelOp {
  std::int32_t f = 0;      // the model's own code for the operation's function
  OpType type = OpType::ok;
  std::int32_t slot = 0;   // the state word of the operation's key (0 when not keyed)
  Word arg0 = 0;           // interned invoke arguments, as the model defines them
  Word arg1 = 0;
  Word out = 0;            // interned output of an ok completion
};

class Model {
 public:
  virtual ~Model() = default;

  virtual std::string_view name() const = 0;

  // Whether the model understands `op`: a known function, arguments and output of the right
  // shape. Returns what is wrong, for a bad-input message.
  virtual std::optional<std::string> validate(const Operation& op) const = 0;

  // One independent object per key: the state has one word per key, histories split per key.
  virtual bool is_keyed() const = 0;

  // A read-only operation cannot change the state, so one whose outcome is unknown constrains
  // nothing and is dropped before the search.
  virtual bool is_read_only(const Operation& op) const = 0;

  // A failed operation did not take effect and is normally dropped. A model may keep it as
  // evidence about the state during its interval (a failed cas: the expected value differed).
  virtual bool is_evidence_when_failed(const Operation&) const { return false; }

  // Words of state for a history touching `key_count` keys (keyed models: one per key).
  virtual std::int32_t state_words(std::int32_t key_count) const = 0;
  virtual void init(std::span<Word> state, ValueTable& values) const = 0;

  // `op` has passed `validate`. The checker fills in `slot` and `type`.
  virtual ModelOp compile(const Operation& op, ValueTable& values) const = 0;

  // Applies `op` to `state` in place. Returns false when `op` with its observed outcome cannot
  // happen in `state`; `state` is then garbage and the caller discards it.
  virtual bool step(std::span<Word> state, const ModelOp& op, ValueTable& values) const = 0;

  // Exact pruning around kUnobserved (see ValueTable): an op that fails whenever its slot is
  // unobserved (a read), and one that may turn an unobserved slot into an observed one (a
  // write). When a slot becomes unobserved while an op of the first kind must still come and
  // none of the second kind is left, the search backtracks at once. The defaults never prune.
  virtual bool fails_when_unobserved(const ModelOp&) const { return false; }
  virtual bool may_leave_unobserved(const ModelOp&) const { return true; }

  // The state for a person: `3`, or `{"a": "x1", "b": ""}` for a keyed model.
  virtual std::string describe_state(std::span<const Word> state, const ValueTable& values,
                                     std::span<const std::optional<std::string>> slot_keys) const = 0;
};

// The built-in models: "register", "cas-register", "kv". Null for an unknown name.
const Model* find_model(std::string_view name);
std::vector<std::string> model_names();

}  // namespace dsim::check
