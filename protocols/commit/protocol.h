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

// decided_within_ms, shared by both protocols: optional (absent: the oracle is off), 1 ms .. 1 h.
inline void validate_decided_within(ObjectReader& params) {
  if (params.has("decided_within_ms")) params.duration_ms("decided_within_ms", kNsPerMs, kNsPerMs, 3600 * kNsPerSec);
}
inline std::optional<TimeNs> decided_within(const ClusterConfig& config) {
  if (!config.params.contains("decided_within_ms")) return std::nullopt;
  return ms_param(config, "decided_within_ms", 0);
}

template <class NodeT, class OptionsT>
class CommitProtocol final : public Protocol {
 public:
  CommitProtocol(std::string name, OptionsT options, TimeNs blocking_bound_ns, std::optional<TimeNs> decided_within_ns)
      : name_(std::move(name)),
        options_(std::move(options)),
        blocking_bound_ns_(blocking_bound_ns),
        decided_within_ns_(decided_within_ns),
        counters_(std::make_shared<Counters>()) {}

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
