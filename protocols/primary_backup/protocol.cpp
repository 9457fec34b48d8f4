#include <fmt/format.h>

#include "protocols/primary_backup/node.h"
#include "protocols/primary_backup/primary_backup.h"

namespace dsim::primary_backup {

namespace {

// Replica agreement: no two nodes hold different writes under one version. A primary that
// acknowledged without syncing and then lost its unsynced writes reuses a version: caught here.
class AgreementObserver final : public Observer {
 public:
  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override {
    const auto* mine = static_cast<const Node*>(view.process(node));
    if (!mine || mine->entries().empty()) return std::nullopt;
    const Entry& latest = mine->entries().rbegin()->second;
    for (NodeId other = 0; other < view.size(); ++other) {
      const auto* theirs = static_cast<const Node*>(view.process(other));
      if (!theirs || other == node) continue;
      auto it = theirs->entries().find(latest.version);
      if (it != theirs->entries().end() && (it->second.key != latest.key || it->second.value != latest.value)) {
        return Finding{Finding::Kind::safety, "invariant", "replica-agreement",
                       fmt::format("version {} is {}={} on node {} but {}={} on node {}", latest.version,
                                   latest.key, latest.value.dump(), node, it->second.key, it->second.value.dump(),
                                   other),
                       0, {{"version", latest.version}, {"nodes", {node, other}}}};
      }
    }
    return std::nullopt;
  }
};

class PrimaryBackup final : public Protocol {
 public:
  explicit PrimaryBackup(Options options) : options_(options) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_); }
  std::unique_ptr<Observer> make_observer() const override { return std::make_unique<AgreementObserver>(); }

 private:
  Options options_;
};

}  // namespace

void register_primary_backup(ProtocolRegistry& registry) {
  ProtocolInfo info{
      "primary-backup",
      "a fixed primary (n0) replicates each write to every backup before answering",
      {{"read-from-backup", "backups answer reads from their own copy (stale and dirty reads)"},
       {"skip-sync", "writes are acknowledged before they are synced to disk"},
       {"abort-on-recovery", "test-only: a node restarted with stored entries aborts the process (a crash:SIGABRT)"},
       {"retransmit-without-delay", "test-only: the retransmit timer is armed with 0 ms (a livelock:message-storm)"}},
      [](ObjectReader& params, std::uint32_t) {
        params.duration_ms("retransmit_ms", 50 * kNsPerMs, kNsPerMs, 60 * kNsPerSec);
        params.integer("queue_max", 64, 1, 100'000);
        params.duration_ms("sync_ms", 0, 0, 60 * kNsPerSec);
        params.finish();
      },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Options o;
        o.retransmit_ns = ms_value_to_ns(config.params.value("retransmit_ms", nlohmann::json(50))).value();
        o.queue_max = config.params.value("queue_max", 64);
        o.sync_ns = ms_value_to_ns(config.params.value("sync_ms", nlohmann::json(0))).value();
        o.bug_read_from_backup = config.bugs.count("read-from-backup") > 0;
        o.bug_skip_sync = config.bugs.count("skip-sync") > 0;
        o.bug_abort_on_recovery = config.bugs.count("abort-on-recovery") > 0;
        o.bug_retransmit_without_delay = config.bugs.count("retransmit-without-delay") > 0;
        return std::make_unique<PrimaryBackup>(o);
      }};
  // Reads and writes of registers (cas too: the primary orders every operation).
  info.workloads = {{"register", {"cas-register", "register"}}, {"set", {}}, {"visibility", {"register"}}};
  info.nodes_min = 1;
  info.observer_checks_liveness = false;
  registry.add(std::move(info));
}

}  // namespace dsim::primary_backup
