// The kv model: get, put and append over string keys, one string register per key. A key never
// written reads as "" (and a get may report that as nil), as in Porcupine's kv tests.
#include <cassert>

#include <fmt/format.h>

#include "sim/check/builtin_models.h"

namespace dsim::check {

namespace {

enum Function : std::int32_t { kGet, kPut, kAppend };

class KvModel final : public Model {
 public:
  std::string_view name() const override { return "kv"; }

  std::optional<std::string> validate(const Operation& op) const override {
    if (op.f != "get" && op.f != "put" && op.f != "append") {
      return fmt::format("unknown :f \"{}\" for model kv (expected get, put or append)", echo_text(op.f));
    }
    if (!op.key) return fmt::format("kv {} without a :key", echo_text(op.f));
    if (op.f != "get" && !op.value.is_string()) {
      return fmt::format("{} needs a string :value, found {}", echo_text(op.f), echo(op.value));
    }
    if (op.f == "get" && op.type == OpType::ok && !op.output.is_string() &&
        !op.output.is_null()) {
      return fmt::format("get must return a string or nil, found {}", echo(op.output));
    }
    return std::nullopt;
  }

  bool is_keyed() const override { return true; }
  bool is_read_only(const Operation& op) const override { return op.f == "get"; }
  std::int32_t state_words(std::int32_t key_count) const override { return key_count; }

  void init(std::span<Word> state, ValueTable& values) const override {
    const Word empty = values.intern("");
    for (Word& word : state) word = empty;
  }

  ModelOp compile(const Operation& op, ValueTable& values) const override {
    ModelOp compiled;
    if (op.f == "get") {
      compiled.f = kGet;
      compiled.out = values.intern(op.output.is_string() ? op.output.get<std::string>() : "");
      if (op.type == OpType::ok) values.observe(compiled.out);
    } else {
      compiled.f = op.f == "put" ? kPut : kAppend;
      compiled.arg0 = values.intern(op.value.get<std::string>());
    }
    return compiled;
  }

  bool step(std::span<Word> state, const ModelOp& op, ValueTable& values) const override {
    Word& value = state[static_cast<std::size_t>(op.slot)];
    switch (op.f) {
      case kGet:
        assert(op.type == OpType::ok);  // unknown gets are dropped, failed ones too
        return value == op.out;
      case kPut:
        value = values.is_prefix_of_observed(values.text(op.arg0)) ? op.arg0 : kUnobserved;
        return true;
      case kAppend:
        if (value != kUnobserved) value = append(value, op.arg0, values);
        return true;
      default:
        assert(false && "unreachable: compile makes only get, put and append");
        return false;
    }
  }

  // Appending only extends a string, so once no get returns a string starting with the state,
  // no get ever will until a put: all such states behave alike (see ValueTable).
  static Word append(Word value, Word suffix, ValueTable& values) {
    if (Word known = values.derived(kAppend, value, suffix); known != ValueTable::kNone) return known;
    std::string text = values.text(value) + values.text(suffix);
    const Word result = values.is_prefix_of_observed(text) ? values.intern(text) : kUnobserved;
    values.set_derived(kAppend, value, suffix, result);
    return result;
  }

  bool fails_when_unobserved(const ModelOp& op) const override { return op.f == kGet; }
  bool may_leave_unobserved(const ModelOp& op) const override { return op.f == kPut; }

  std::string describe_state(std::span<const Word> state, const ValueTable& values,
                             std::span<const std::optional<std::string>> slot_keys) const override {
    return describe_per_key(state, slot_keys, [&](Word id) {
      return id == kUnobserved ? std::string("<a string no get returns a prefix of>")
                               : show_value(nlohmann::json(values.text(id)));
    });
  }
};

}  // namespace

const Model& kv_model() {
  static const KvModel model;
  return model;
}

}  // namespace dsim::check
