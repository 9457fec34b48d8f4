#include "protocols/commit/observer.h"
#include "protocols/twopc/node.h"
#include "protocols/twopc/twopc.h"

namespace dsim::twopc {

namespace {

TimeNs ms_param(const ClusterConfig& config, const char* key, TimeNs fallback_ns) {
  if (!config.params.contains(key)) return fallback_ns;
  return ms_value_to_ns(config.params[key]).value();
}

class TwoPhaseCommit final : public Protocol {
 public:
  TwoPhaseCommit(Options options, TimeNs blocking_bound_ns)
      : options_(options), blocking_bound_ns_(blocking_bound_ns), counters_(std::make_shared<commit::Counters>()) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_, counters_); }
  std::unique_ptr<Observer> make_observer() const override {
    commit::ObserverOptions o;
    o.bank = options_.bank;
    o.protocol = "twopc";
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

void register_twopc(ProtocolRegistry& registry) {
  registry.add(ProtocolInfo{
      "twopc",
      "two-phase commit (presumed abort, strict 2PL) over a bank sharded across participants; n0 coordinates",
      {{"commit-before-log", "the coordinator sends Commit (and answers the client) before its decision is logged"},
       {"skip-prepare-sync", "a participant votes yes before its prepared record is synced (and forgets it on restart)"}},
      [](ObjectReader& params, std::uint32_t nodes) {
        commit::validate_bank_params(params, nodes);
        params.duration_ms("prepare_timeout_ms", 100 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("decision_timeout_ms", 100 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.duration_ms("retry_ms", 20 * kNsPerMs, kNsPerMs / 10, 10 * kNsPerSec);
        params.boolean("cooperative_termination", false);
        params.duration_ms("blocking_bound_ms", 2 * kNsPerSec, kNsPerMs, 3600 * kNsPerSec);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Options o;
        o.bank = commit::bank_config(config);
        o.prepare_timeout_ns = ms_param(config, "prepare_timeout_ms", o.prepare_timeout_ns);
        o.decision_timeout_ns = ms_param(config, "decision_timeout_ms", o.decision_timeout_ns);
        o.retry_ns = ms_param(config, "retry_ms", o.retry_ns);
        o.cooperative_termination = config.params.value("cooperative_termination", false);
        o.bug_commit_before_log = config.bugs.count("commit-before-log") > 0;
        o.bug_skip_prepare_sync = config.bugs.count("skip-prepare-sync") > 0;
        return std::make_unique<TwoPhaseCommit>(o, ms_param(config, "blocking_bound_ms", 2 * kNsPerSec));
      }});
}

}  // namespace dsim::twopc
