// The register and cas-register models: one register per key holding any JSON value, nil at
// first. Values are interned by their compact JSON text, so 3 and 3 are one value.
#include <cassert>

#include <fmt/format.h>

#include "sim/check/builtin_models.h"

namespace dsim::check {

namespace {

enum Function : std::int32_t { kRead, kWrite, kCas };

class RegisterModel final : public Model {
 public:
  explicit RegisterModel(bool with_cas) : with_cas_(with_cas) {}

  std::string_view name() const override { return with_cas_ ? "cas-register" : "register"; }

  std::optional<std::string> validate(const Operation& op) const override {
    if (op.f == "read" || op.f == "write") return std::nullopt;
    if (op.f == "cas" && with_cas_) {
      if (op.value.is_array() && op.value.size() == 2) return std::nullopt;
      return fmt::format("cas needs [expected new], found {}", echo(op.value));
    }
    return fmt::format("unknown :f \"{}\" for model {} (expected {})", echo_text(op.f), name(),
                       with_cas_ ? "read, write or cas" : "read or write");
  }

  bool is_keyed() const override { return true; }
  bool is_read_only(const Operation& op) const override { return op.f == "read"; }
  // A failed cas says its expected value did not match — unless the failure carries an error
  // (the client gave up, say): then it only says the cas did not happen.
  bool is_evidence_when_failed(const Operation& op) const override {
    return op.f == "cas" && !(op.output.is_object() && op.output.contains("error"));
  }
  std::int32_t state_words(std::int32_t key_count) const override { return key_count; }

  void init(std::span<Word> state, ValueTable& values) const override {
    const Word nil = values.intern("null");
    for (Word& word : state) word = nil;
  }

  ModelOp compile(const Operation& op, ValueTable& values) const override {
    ModelOp compiled;
    if (op.f == "read") {
      compiled.f = kRead;
      compiled.out = values.intern(show_value(op.output));
      if (op.type == OpType::ok) values.observe(compiled.out);
    } else if (op.f == "write") {
      compiled.f = kWrite;
      compiled.arg0 = values.intern(show_value(op.value));
    } else {
      assert(op.f == "cas" && with_cas_);
      compiled.f = kCas;
      compiled.arg0 = values.intern(show_value(op.value[0]));
      compiled.arg1 = values.intern(show_value(op.value[1]));
      values.observe(compiled.arg0);  // a cas compares with it, whatever its outcome
    }
    return compiled;
  }

  bool step(std::span<Word> state, const ModelOp& op, ValueTable& values) const override {
    Word& value = state[static_cast<std::size_t>(op.slot)];
    switch (op.f) {
      case kRead:
        assert(op.type == OpType::ok);  // unknown reads are dropped, failed ones too
        return value == op.out;
      case kWrite:
        value = canonical(op.arg0, values);
        return true;
      case kCas:
        if (op.type == OpType::fail) return value != op.arg0;
        if (value == op.arg0) {
          value = canonical(op.arg1, values);
          return true;
        }
        // An unknown cas whose expected value differs simply had no effect.
        return op.type == OpType::info;
      default:
        assert(false && "unreachable: compile makes only read, write and cas");
        return false;
    }
  }

  // An ok read or cas compares with an observed value, which an unobserved one never equals.
  bool fails_when_unobserved(const ModelOp& op) const override {
    return op.type == OpType::ok && (op.f == kRead || op.f == kCas);
  }
  bool may_leave_unobserved(const ModelOp& op) const override { return op.f == kWrite; }

  std::string describe_state(std::span<const Word> state, const ValueTable& values,
                             std::span<const std::optional<std::string>> slot_keys) const override {
    return describe_per_key(state, slot_keys, [&](Word id) {
      return id == kUnobserved ? std::string("<a value no read or cas observes>") : values.text(id);
    });
  }

 private:
  // No read returns an unobserved value and no cas expects it: all of them behave alike.
  static Word canonical(Word value, const ValueTable& values) {
    return values.is_observed(value) ? value : kUnobserved;
  }

  bool with_cas_;
};

}  // namespace

const Model& register_model() {
  static const RegisterModel model(false);
  return model;
}

const Model& cas_register_model() {
  static const RegisterModel model(true);
  return model;
}

}  // namespace dsim::check
