#include "sim/workload/visibility.h"

#include <fmt/format.h>

namespace dsim {

namespace {

const nlohmann::json kDefaultDelaysMs = nlohmann::json::array({0, 0.5, 1, 2, 5});
constexpr std::size_t kDelaysMax = 64;
constexpr std::int64_t kProbesMax = 1'000'000;
constexpr TimeNs kDelayMaxNs = 3600 * kNsPerSec;

class VisibilityGenerator final : public Generator {
 public:
  explicit VisibilityGenerator(const nlohmann::json& params)
      : delays_ns_(visibility_delays_ns(params)),
        probes_total_(static_cast<std::uint64_t>(params.value("probes", std::int64_t{100})) * delays_ns_.size()) {}

  void setup(const GeneratorSetup& setup) override {
    nodes_ = setup.nodes;
    probes_.resize(setup.clients);
  }

  OpTemplate next(std::uint32_t client, Rng& rng) override {
    Probe& p = probes_.at(client);
    OpTemplate op;
    if (p.read_pending) {
      p.read_pending = false;
      op.key = fmt::format("v{}", p.index);
      op.f = "read";
      op.node = nodes_ > 1 ? static_cast<NodeId>((p.write_node + 1 + rng.below(nodes_ - 1)) % nodes_) : 0;
      return op;
    }
    p.index = started_++;
    p.delay_ns = delays_ns_[p.index % delays_ns_.size()];
    p.write_node = static_cast<NodeId>(rng.below(nodes_));
    op.key = fmt::format("v{}", p.index);
    op.f = "write";
    op.value = static_cast<std::int64_t>(p.index + 1);
    op.node = p.write_node;
    return op;
  }

  std::optional<TimeNs> completed(std::uint32_t client, const check::Operation& op) override {
    Probe& p = probes_.at(client);
    if (op.f != "write" || op.type != check::OpType::ok) return std::nullopt;
    p.read_pending = true;
    return p.delay_ns;
  }

  bool exhausted(std::uint32_t client) const override {
    return !probes_.at(client).read_pending && started_ >= probes_total_;
  }

 private:
  struct Probe {
    std::uint64_t index = 0;
    TimeNs delay_ns = 0;
    NodeId write_node = 0;
    bool read_pending = false;
  };
  std::vector<TimeNs> delays_ns_;
  std::uint64_t probes_total_;
  std::uint32_t nodes_ = 0;
  std::vector<Probe> probes_;  // per client
  std::uint64_t started_ = 0;
};

void validate_visibility(ObjectReader& w) {
  w.integer("probes", 100, 1, kProbesMax);
  const nlohmann::json* t = w.raw("t_ms");
  if (!t) return;
  const std::string what = fmt::format("an array of 1 to {} increasing delays in ms (>= 0)", kDelaysMax);
  if (!t->is_array() || t->empty() || t->size() > kDelaysMax) return w.diag().expected(w.path("t_ms"), what, *t);
  std::optional<TimeNs> before;
  for (std::size_t i = 0; i < t->size(); ++i) {
    const auto ns = ms_value_to_ns((*t)[i]);
    if (!ns || *ns < 0 || *ns > kDelayMaxNs || (before && *ns <= *before)) {
      w.diag().expected(json_path(w.path("t_ms"), i), what, (*t)[i]);
      return;
    }
    before = ns;
  }
}

}  // namespace

std::vector<TimeNs> visibility_delays_ns(const nlohmann::json& params) {
  std::vector<TimeNs> delays;
  for (const auto& t : params.value("t_ms", kDefaultDelaysMs)) delays.push_back(ms_value_to_ns(t).value_or(0));
  return delays;
}

void register_visibility_workload(WorkloadRegistry& registry) {
  registry.add(WorkloadInfo{
      "visibility",
      "t-visibility probes: write a fresh key, read it through another node t ms after the ack; "
      "t_ms: increasing delays ([0, 0.5, 1, 2, 5]), probes: per delay (100)",
      validate_visibility,
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> {
        return std::make_unique<VisibilityGenerator>(params);
      }});
}

}  // namespace dsim
