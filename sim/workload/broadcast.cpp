#include "sim/workload/broadcast.h"

namespace dsim {

namespace {

class BroadcastGenerator final : public Generator {
 public:
  explicit BroadcastGenerator(const nlohmann::json& params)
      : read_(params.value("read", 0.5)),
        final_after_ns_(ms_value_to_ns(params.value("final_after_ms", nlohmann::json(1000))).value_or(0)) {}

  void setup(const GeneratorSetup& setup) override { nodes_ = setup.nodes; }

  OpTemplate next(std::uint32_t, Rng& rng) override {
    OpTemplate op;
    if (rng.unit() < read_) {
      op.f = "read";
      return op;
    }
    op.f = "broadcast";
    // One generator serves every client, so a counter makes values unique over the run.
    op.value = static_cast<std::int64_t>(next_value_++);
    return op;
  }

  // One read pinned to each node: what each ended with, answered by that node alone.
  std::optional<TimeNs> final_after_ns() const override { return final_after_ns_; }
  std::vector<OpTemplate> final_ops() override {
    std::vector<OpTemplate> ops;
    for (std::uint32_t n = 0; n < nodes_; ++n) ops.push_back(OpTemplate{"read", std::nullopt, n, n, /*pinned=*/true});
    return ops;
  }

 private:
  double read_;
  TimeNs final_after_ns_;
  std::uint32_t nodes_ = 0;
  std::uint64_t next_value_ = 0;
};

}  // namespace

void register_broadcast_workload(WorkloadRegistry& registry) {
  registry.add(WorkloadInfo{
      "broadcast",
      "Maelstrom's broadcast: clients broadcast unique integers and read every value a node has seen; "
      "read: fraction of reads (0.5); final_after_ms: pause after stop and calm before one final read "
      "of every node (1000)",
      [](ObjectReader& w) {
        w.number("read", 0.5, 0.0, 1.0);
        w.duration_ms("final_after_ms", 1000 * kNsPerMs, 0, 3600 * kNsPerSec);
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> {
        return std::make_unique<BroadcastGenerator>(params);
      }});
}

}  // namespace dsim
