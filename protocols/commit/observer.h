// The atomic-commit observer, shared by 2PC and 3PC. It reads only durable storage (every
// participant's transaction records and balances, the coordinator's log), so it judges what the
// nodes promised, not what they happen to hold in memory.
//
// After every event (safety; the run stops at the first):
//   agreement     no two nodes (coordinator included) decide differently for one transaction;
//   validity      a transaction commits only if every participant voted yes;
//   conservation  the total balance is the initial total whenever no transaction is partly
//                 committed (committed at some participant, not yet at all of them).
// At the end:
//   agreement     a transaction committed somewhere is committed, or still in doubt, everywhere;
//   lost-update   every transfer a client saw succeed is committed at all its participants, and
//                 every balance is the initial balance plus the committed deltas;
//   conservation  every audit a client saw succeed read the initial total;
//   blocked       (liveness) a participant held a transaction in doubt — locks held — longer than
//                 the bound while it was up; reported with how long.
//   liveness:transaction-undecided  (with decided_within_ns) a node up at the end holds a
//                 transaction in doubt at the end, or a participant up at the end left doubt only
//                 after max(calm, the transaction's first record) + decided_within_ns; judged
//                 for the transactions whose bound falls before the end (docs/protocols/commit.md).
// Metrics for the run summary: transactions committed / aborted / blocked (and for how long),
// messages per transaction, mean and p99 commit latency.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "protocols/commit/ledger.h"
#include "sim/node/observer.h"

namespace dsim::commit {

struct ObserverOptions {
  BankConfig bank;
  std::string protocol;              // "twopc" / "threepc", for the summary
  TimeNs blocked_after_ns = 0;       // in doubt longer than this (while up) counts as blocked
  TimeNs blocking_bound_ns = 0;      // in doubt longer than this is a liveness finding
  std::optional<TimeNs> decided_within_ns;  // every transaction decided this long after calm (or its begin)
};

class CommitObserver final : public Observer {
 public:
  CommitObserver(ObserverOptions options, std::shared_ptr<const Counters> counters);

  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override;
  void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) override;

 private:
  struct NodeCache {
    bool loaded = false;
    const Process* process = nullptr;
    std::uint64_t generation = 0;
    std::map<TxId, TxState> states;            // participant records, or the coordinator's log
    std::map<Account, std::int64_t> balances;  // participants only
  };
  // Time a participant held one transaction in doubt (its locks held), counted while it was up.
  struct Doubt {
    TimeNs held_ns = 0;
    std::optional<TimeNs> open_since_ns;       // set while in doubt and up
    bool resolved = false;
    TimeNs left_ns = 0;                        // when it last left doubt (decided, or the record lost)
  };

  // What the end-of-run checks count, for the metrics.
  struct ClientTally {
    std::vector<double> latencies_ms;  // of the operations that succeeded
    std::uint64_t transfers_ok = 0, transfers_fail = 0, transfers_info = 0, audits_ok = 0, audits_not_ok = 0;
  };
  struct OutcomeTally {
    std::uint64_t committed = 0, aborted = 0, undecided = 0;
  };
  struct BlockedTally {
    std::uint64_t blocked = 0;  // (participant, transaction) pairs in doubt past blocked_after_ns
    TimeNs max_ns = 0, total_ns = 0, held_max_ns = 0;
  };

  void refresh(const ClusterView& view, NodeId node);
  void rescan(const ClusterView& view, NodeId node, NodeCache& cache);
  void reread(const ClusterView& view, NodeId node, NodeCache& cache, const std::vector<TxId>& txids);
  TxState read_record(const Storage& storage, NodeId node, TxId txid);
  void note_record(NodeId node, const TxRecord& record);
  void read_balances(const Storage& storage, NodeId node, NodeCache& cache);
  void changed(const ClusterView& view, NodeId node, TxId txid, TxState before);
  void on_change(NodeId node, TxId txid, TxState before, TxState after, TimeNs now_ns);
  void set_up(NodeId node, bool up, TimeNs now_ns);
  std::optional<Finding> check_decision(NodeId node, TxId txid, TimeNs now_ns);
  void update_partial(TxId txid);
  TxState state_at(NodeId node, TxId txid) const;
  std::int64_t total_balance() const;
  void check_decided(TimeNs calm_ns, TimeNs end_ns, Report& report) const;
  void check_agreement_at_end(Report& report) const;
  void check_balances(Report& report) const;
  std::string lost_transfer(TxId txid) const;
  ClientTally check_clients(const check::History& history, Report& report) const;
  OutcomeTally tally_outcomes() const;
  BlockedTally check_blocking(TimeNs now_ns, Report& report) const;
  void write_metrics(ClientTally clients, const OutcomeTally& outcomes, const BlockedTally& blocked, Report& report) const;

  ObserverOptions options_;
  std::shared_ptr<const Counters> counters_;
  std::vector<NodeCache> nodes_;
  std::vector<bool> up_;
  std::map<TxId, std::vector<NodeId>> participants_;
  std::map<TxId, std::set<NodeId>> voted_yes_;
  std::map<TxId, std::map<Account, std::int64_t>> deltas_;  // committed writes, from the records
  std::set<TxId> partial_;
  std::set<TxId> reported_;        // transactions already reported by after_event
  std::map<std::pair<NodeId, TxId>, Doubt> doubts_;
  std::map<TxId, TimeNs> first_seen_ns_;  // when some node (the coordinator included) first recorded it
  std::vector<Finding> pending_;   // findings produced by a rescan, returned one per event
};

}  // namespace dsim::commit
