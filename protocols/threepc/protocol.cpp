#include "protocols/commit/protocol.h"
#include "protocols/threepc/node.h"
#include "protocols/threepc/threepc.h"

namespace dsim::threepc {

void register_threepc(ProtocolRegistry& registry) {
  ProtocolInfo info{
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
        commit::validate_observer_params(params);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Options o;
        o.bank = commit::bank_config(config);
        o.prepare_timeout_ns = commit::ms_param(config, "prepare_timeout_ms", o.prepare_timeout_ns);
        o.precommit_timeout_ns = commit::ms_param(config, "precommit_timeout_ms", o.precommit_timeout_ns);
        o.decision_timeout_ns = commit::ms_param(config, "decision_timeout_ms", o.decision_timeout_ns);
        o.termination_timeout_ns = commit::ms_param(config, "termination_timeout_ms", o.termination_timeout_ns);
        o.retry_ns = commit::ms_param(config, "retry_ms", o.retry_ns);
        o.bug_precommit_timeout_aborts = config.bugs.count("precommit-timeout-aborts") > 0;
        return std::make_unique<commit::CommitProtocol<Node, Options>>("threepc", o, config);
      }};
  // As twopc: the bank, checked by the observer (blocked transactions are liveness findings).
  info.workloads = {{"bank", {}}};
  info.nodes_min = 2;
  info.metrics = commit::commit_metrics();
  info.observer_checks_liveness = true;
  registry.add(std::move(info));
}

}  // namespace dsim::threepc
