#include "sim/workload/broadcast.h"

namespace dsim {

namespace {

class BroadcastGenerator final : public Generator {
 public:
  explicit BroadcastGenerator(const nlohmann::json& params) : read_(params.value("read", 0.5)) {}

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

  std::vector<OpTemplate> final_ops(std::uint32_t nodes) override {
    std::vector<OpTemplate> ops;
    for (std::uint32_t n = 0; n < nodes; ++n) ops.push_back(OpTemplate{"read", std::nullopt, n, n});
    return ops;
  }

 private:
  double read_;
  std::uint64_t next_value_ = 0;
};

}  // namespace

void register_broadcast_workload(WorkloadRegistry& registry) {
  registry.add(WorkloadInfo{
      "broadcast",
      "Maelstrom's broadcast: clients broadcast unique integers and read every value a node has seen; "
      "read: fraction of reads (0.5); needs final_ms: when every node gets its final read (after calm)",
      [](ObjectReader& w) {
        w.number("read", 0.5, 0.0, 1.0);
        if (!w.has("final_ms")) {
          w.diag().error(w.path("final_ms"),
                         "expected final_ms (when each node gets its final read, after calm and after stop_ms), "
                         "found nothing");
        }
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> {
        return std::make_unique<BroadcastGenerator>(params);
      }});
}

}  // namespace dsim
