#include "protocols/commit/protocol.h"
#include "protocols/twopc/node.h"
#include "protocols/twopc/twopc.h"

namespace dsim::twopc {

void register_twopc(ProtocolRegistry& registry) {
  ProtocolInfo info{
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
        commit::validate_observer_params(params);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Options o;
        o.bank = commit::bank_config(config);
        o.prepare_timeout_ns = commit::ms_param(config, "prepare_timeout_ms", o.prepare_timeout_ns);
        o.decision_timeout_ns = commit::ms_param(config, "decision_timeout_ms", o.decision_timeout_ns);
        o.retry_ns = commit::ms_param(config, "retry_ms", o.retry_ns);
        o.cooperative_termination = config.params.value("cooperative_termination", false);
        o.bug_commit_before_log = config.bugs.count("commit-before-log") > 0;
        o.bug_skip_prepare_sync = config.bugs.count("skip-prepare-sync") > 0;
        return std::make_unique<commit::CommitProtocol<Node, Options>>("twopc", o, config);
      }};
  // Transfers and audits over the bank; the observer checks atomic commit and money, and reports
  // transactions blocked beyond blocking_bound_ms as liveness findings. A coordinator needs at
  // least one participant.
  info.workloads = {{"bank", {}}};
  info.nodes_min = 2;
  info.metrics = commit::commit_metrics();
  info.observer_checks_liveness = true;
  registry.add(std::move(info));
}

}  // namespace dsim::twopc
