// The Protocol object of an atomic-commit protocol: one node type (the coordinator at n0, a
// participant elsewhere) and the shared atomic-commit observer. 2PC and 3PC differ only in their
// Node and Options types, and in the name the observer reports.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "protocols/commit/observer.h"
#include "sim/node/protocol.h"
#include "sim/scenario/json_reader.h"

namespace dsim::commit {

// A "<name>_ms" parameter already checked by the protocol's validator, or `fallback_ns`.
inline TimeNs ms_param(const ClusterConfig& config, const char* key, TimeNs fallback_ns) {
  if (!config.params.contains(key)) return fallback_ns;
  return ms_value_to_ns(config.params[key]).value();
}

// The observer's parameters, the same for both protocols: blocking_bound_ms (default 2 s) and
// decided_within_ms (optional; absent, the oracle is off), each 1 ms .. 1 h.
inline constexpr TimeNs kBlockingBoundDefaultNs = 2 * kNsPerSec;
inline void validate_observer_params(ObjectReader& params) {
  params.duration_ms("blocking_bound_ms", kBlockingBoundDefaultNs, kNsPerMs, 3600 * kNsPerSec);
  if (params.has("decided_within_ms")) params.duration_ms("decided_within_ms", kNsPerMs, kNsPerMs, 3600 * kNsPerSec);
}

// The metrics of the shared observer (CommitObserver::write_metrics), the same for both.
inline std::vector<MetricInfo> commit_metrics() {
  return {
      {"commit_transactions.committed", "transactions committed"},
      {"commit_transactions.aborted", "transactions aborted"},
      {"commit_transactions.undecided", "transactions still undecided at the end"},
      {"commit_blocked.participant_transactions", "participant-transactions blocked past the decision timeout"},
      {"commit_blocked.max_ms", "the longest a participant waited for a decision it could not make, ms"},
      {"commit_blocked.total_ms", "all such waiting, summed, ms"},
      {"commit_blocked.threshold_ms", "the decision timeout after which waiting counts as blocked, ms"},
      {"commit_blocked.locks_held_max_ms", "the longest a participant held a transaction's locks, ms"},
      {"commit_messages.total", "protocol messages"},
      {"commit_messages.per_transaction", "protocol messages per decided transaction"},
      {"commit_latency_ms.mean", "mean latency of the client operations that succeeded, ms"},
      {"commit_latency_ms.p99", "its 99th percentile, ms"},
      {"commit_clients.transfers.ok", "transfers acknowledged committed"},
      {"commit_clients.transfers.fail", "transfers acknowledged aborted"},
      {"commit_clients.transfers.info", "transfers with an unknown outcome"},
      {"commit_clients.audits.ok", "audits that read the initial total"},
      {"commit_clients.audits.not_ok", "audits that did not"},
  };
}

template <class NodeT, class OptionsT>
class CommitProtocol final : public Protocol {
 public:
  // `config` has passed validate_observer_params: the observer's parameters are read from it.
  CommitProtocol(std::string name, OptionsT options, const ClusterConfig& config)
      : name_(std::move(name)),
        options_(std::move(options)),
        blocking_bound_ns_(ms_param(config, "blocking_bound_ms", kBlockingBoundDefaultNs)),
        counters_(std::make_shared<Counters>()) {
    if (config.params.contains("decided_within_ms")) decided_within_ns_ = ms_param(config, "decided_within_ms", 0);
  }

  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<NodeT>(options_, counters_); }

  std::unique_ptr<Observer> make_observer() const override {
    ObserverOptions o;
    o.bank = options_.bank;
    o.protocol = name_;
    o.blocked_after_ns = options_.decision_timeout_ns;
    o.blocking_bound_ns = blocking_bound_ns_;
    o.decided_within_ns = decided_within_ns_;
    return std::make_unique<CommitObserver>(o, counters_);
  }

 private:
  std::string name_;
  OptionsT options_;
  TimeNs blocking_bound_ns_;
  std::optional<TimeNs> decided_within_ns_;  // the transaction-undecided oracle; nullopt: off
  std::shared_ptr<Counters> counters_;  // shared by the nodes and the observer of one run
};

}  // namespace dsim::commit
