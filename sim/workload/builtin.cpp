// The built-in workload generators: registers (read / write / cas) and a key-value store
// (get / put / append). Values written are unique per client and operation where the model
// benefits (appends), small where collisions make histories interesting (register writes).
#include <fmt/format.h>

#include "sim/workload/bank.h"
#include "sim/workload/generator.h"
#include "sim/workload/set.h"
#include "sim/workload/visibility.h"

namespace dsim {

namespace {

struct Mix {
  double read = 0.5;
  double write = 0.4;
  double cas = 0.1;
};

std::optional<std::string> pick_key(std::int64_t keys, Rng& rng) {
  if (keys <= 1) return std::nullopt;
  return fmt::format("k{}", rng.below(static_cast<std::uint64_t>(keys)));
}

class RegisterGenerator final : public Generator {
 public:
  explicit RegisterGenerator(const nlohmann::json& params)
      : keys_(params.value("keys", 1)),
        values_(params.value("values", 5)),
        read_(params.value("read", 0.5)),
        write_(params.value("write", 0.4)) {}

  OpTemplate next(std::uint32_t, Rng& rng) override {
    OpTemplate op;
    op.key = pick_key(keys_, rng);
    const double u = rng.unit();
    const auto value = [&] { return static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(values_))); };
    if (u < read_) {
      op.f = "read";
    } else if (u < read_ + write_) {
      op.f = "write";
      op.value = value();
    } else {
      op.f = "cas";
      const auto expected = value();
      op.value = nlohmann::json::array({expected, value()});
    }
    return op;
  }

 private:
  std::int64_t keys_;
  std::int64_t values_;
  double read_;
  double write_;
};

class KvGenerator final : public Generator {
 public:
  explicit KvGenerator(const nlohmann::json& params)
      : keys_(params.value("keys", 3)), read_(params.value("read", 0.5)), put_(params.value("write", 0.2)) {}

  OpTemplate next(std::uint32_t client, Rng& rng) override {
    OpTemplate op;
    op.key = fmt::format("k{}", rng.below(static_cast<std::uint64_t>(keys_)));
    const double u = rng.unit();
    // Unique values make a non-linearizable history easy to pinpoint.
    const std::string value = fmt::format("c{}.{} ", client, counter_++);
    if (u < read_) {
      op.f = "get";
    } else if (u < read_ + put_) {
      op.f = "put";
      op.value = value;
    } else {
      op.f = "append";
      op.value = value;
    }
    return op;
  }

 private:
  std::int64_t keys_;
  double read_;
  double put_;
  std::uint64_t counter_ = 0;
};

void validate_mix(ObjectReader& w, double write_default) {
  const double read = w.number("read", 0.5, 0.0, 1.0);
  const double write = w.number("write", write_default, 0.0, 1.0);
  if (read + write > 1.0 + 1e-9) {
    w.diag().error(w.path("write"), fmt::format("expected read + write <= 1, found {} + {}", read, write));
  }
}

}  // namespace

void register_all_workloads(WorkloadRegistry& registry) {
  register_bank_workload(registry);
  register_set_workload(registry);
  register_visibility_workload(registry);
  registry.add(WorkloadInfo{
      "none", "no clients",
      [](ObjectReader&) {},
      [](const nlohmann::json&) -> std::unique_ptr<Generator> { return nullptr; }});
  registry.add(WorkloadInfo{
      "register",
      "read / write / cas on registers; keys: number of registers (1), values: distinct values (5), "
      "read, write: fractions (0.5, 0.4; the rest is cas)",
      [](ObjectReader& w) {
        w.integer("keys", 1, 1, 1000);
        w.integer("values", 5, 1, 1'000'000);
        validate_mix(w, 0.4);
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> {
        return std::make_unique<RegisterGenerator>(params);
      }});
  registry.add(WorkloadInfo{
      "kv",
      "get / put / append on string keys; keys: number of keys (3), read, write: fractions of get "
      "and put (0.5, 0.2; the rest is append)",
      [](ObjectReader& w) {
        w.integer("keys", 3, 1, 1000);
        validate_mix(w, 0.2);
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> { return std::make_unique<KvGenerator>(params); }});
}

}  // namespace dsim
