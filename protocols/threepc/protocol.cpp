#include "protocols/commit/observer.h"
#include "protocols/threepc/node.h"
#include "protocols/threepc/threepc.h"

namespace dsim::threepc {

namespace {

TimeNs ms_param(const ClusterConfig& config, const char* key, TimeNs fallback_ns) {
  if (!config.params.contains(key)) return fallback_ns;
  return ms_value_to_ns(config.params[key]).value();
}

class ThreePhaseCommit final : public Protocol {
 public:
  ThreePhaseCommit(Options options, TimeNs blocking_bound_ns)
      : options_(options), blocking_bound_ns_(blocking_bound_ns), counters_(std::make_shared<commit::Counters>()) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_, counters_); }
  std::unique_ptr<Observer> make_observer() const override {
    commit::ObserverOptions o;
    o.bank = options_.bank;
    o.protocol = "threepc";
    o.blocked_after_ns = options_.decision_timeout_ns;
    o.blocking_bound_ns = blocking_bound_ns_;
    return std::make_unique<commit::CommitObserver>(o, counters_);
  }

 private:
  Options options_;
  TimeNs blocking_bound_ns_;
  std::shared_ptr<commit::Counters> counters_;
};

}  // namespace

void register_threepc(ProtocolRegistry& registry) {
  registry.add(ProtocolInfo{
      "threepc",
      "three-phase commit with the termination protocol, over a bank sharded across participants; n0 coordinates",
      {{"precommit-timeout-aborts",
        "a participant that times out in the precommitted state aborts instead of running termination"}},
      [](ObjectReader& params, std::uint32_t nodes) {
        commit::validate_bank_params(params, nodes);
        params.duration_ms("prepare_timeout_ms", 100 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("precommit_timeout_ms", 100 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("decision_timeout_ms", 300 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("termination_timeout_ms", 100 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("retry_ms", 20 * kNsPerMs, kNsPerMs / 10, 10 * kNsPerSec);
        params.duration_ms("blocking_bound_ms", 2 * kNsPerSec, kNsPerMs, 3600 * kNsPerSec);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Options o;
        o.bank = commit::bank_config(config);
        o.prepare_timeout_ns = ms_param(config, "prepare_timeout_ms", o.prepare_timeout_ns);
        o.precommit_timeout_ns = ms_param(config, "precommit_timeout_ms", o.precommit_timeout_ns);
        o.decision_timeout_ns = ms_param(config, "decision_timeout_ms", o.decision_timeout_ns);
        o.termination_timeout_ns = ms_param(config, "termination_timeout_ms", o.termination_timeout_ns);
        o.retry_ns = ms_param(config, "retry_ms", o.retry_ns);
        o.bug_precommit_timeout_aborts = config.bugs.count("precommit-timeout-aborts") > 0;
        return std::make_unique<ThreePhaseCommit>(o, ms_param(config, "blocking_bound_ms", 2 * kNsPerSec));
      }});
}

}  // namespace dsim::threepc
