#include "sim/workload/set.h"

#include <fmt/format.h>

namespace dsim {

namespace {

class SetGenerator final : public Generator {
 public:
  explicit SetGenerator(const nlohmann::json& params)
      : keys_(params.value("keys", std::int64_t{1})),
        read_(params.value("read", 0.0)),
        every_node_(params.value("final_reads", std::string("every-node")) == "every-node"),
        final_after_ns_(ms_value_to_ns(params.value("final_after_ms", nlohmann::json(1000))).value_or(0)) {}

  void setup(const GeneratorSetup& setup) override { nodes_ = setup.nodes; }

  OpTemplate next(std::uint32_t, Rng& rng) override {
    OpTemplate op;
    op.key = key_name(rng.below(static_cast<std::uint64_t>(keys_)));
    if (rng.chance(read_)) {
      op.f = "read";
      return op;
    }
    op.f = "add";
    op.value = next_element_++;  // unique over all clients: one generator serves them all
    return op;
  }

  std::optional<TimeNs> final_after_ns() const override { return final_after_ns_; }

  std::vector<OpTemplate> final_ops() override {
    std::vector<OpTemplate> ops;
    for (std::int64_t k = 0; k < keys_; ++k) {
      const std::uint32_t readers = every_node_ ? nodes_ : 1;
      for (std::uint32_t node = 0; node < readers; ++node) {
        OpTemplate op;
        op.f = "read";
        op.key = key_name(static_cast<std::uint64_t>(k));
        if (every_node_) op.node = node;
        ops.push_back(std::move(op));
      }
    }
    return ops;
  }

 private:
  static std::string key_name(std::uint64_t k) { return fmt::format("s{}", k); }

  std::int64_t keys_;
  double read_;
  bool every_node_;
  TimeNs final_after_ns_;
  std::uint32_t nodes_ = 0;
  std::int64_t next_element_ = 0;
};

}  // namespace

void register_set_workload(WorkloadRegistry& registry) {
  registry.add(WorkloadInfo{
      "set",
      "unique-element adds to sets, then final reads after calm (lost writes); keys: sets (1), "
      "read: fraction of reads during the run (0), final_reads: \"every-node\" or \"one\", "
      "final_after_ms: pause after stop and calm before the final reads (1000)",
      [](ObjectReader& w) {
        w.integer("keys", 1, 1, 1000);
        w.number("read", 0.0, 0.0, 1.0);
        w.choice("final_reads", "every-node", {"every-node", "one"});
        w.duration_ms("final_after_ms", 1000 * kNsPerMs, 0, 3600 * kNsPerSec);
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> { return std::make_unique<SetGenerator>(params); }});
}

}  // namespace dsim
