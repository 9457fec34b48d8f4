// A two-phase-commit node: the coordinator when it is n0, a participant otherwise.
//
// Coordinator: a client's transfer or audit becomes a transaction; Prepare goes to every
// participant it touches (resent every retry interval); a no vote or prepare_timeout aborts;
// all yes commits. The commit point is the synced log record: it is written before any Commit
// leaves (presumed abort: aborts are not forced to disk, and a transaction the log does not
// know is answered "abort"). The client is answered at the decision; Commit is resent until
// every participant acknowledged it, also after a coordinator restart (recovery from the log).
//
// Participant: votes at once on Prepare (locks and funds; a yes is synced before it is sent),
// holds its locks while prepared, and applies the decision. A prepared participant may not
// decide alone: after decision_timeout it asks the coordinator (and, with
// cooperative_termination, the other participants) every retry interval until it learns the
// decision — across its own restarts too (recovery keeps the in-doubt transaction blocked).
// A participant that has not voted may abort unilaterally: asked by a peer about a transaction
// it never saw, it records abort and answers so (and would vote no to a late Prepare).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "protocols/commit/coordinator.h"
#include "protocols/commit/ledger.h"
#include "protocols/commit/messages.h"
#include "protocols/commit/participant.h"

namespace dsim::twopc {

using commit::Account;
using commit::TxId;

struct Options {
  commit::BankConfig bank;
  TimeNs prepare_timeout_ns = 100 * kNsPerMs;   // coordinator: votes missing this long -> abort
  TimeNs decision_timeout_ns = 100 * kNsPerMs;  // participant: in doubt this long -> ask
  TimeNs retry_ns = 20 * kNsPerMs;              // resend period (the node's tick)
  bool cooperative_termination = false;
  std::size_t active_max = 1024;                // concurrent transactions at the coordinator
  bool bug_commit_before_log = false;           // Commit sent (and the client told) before it is logged
  bool bug_skip_prepare_sync = false;           // the prepared record is not synced before voting yes
};

class Node final : public commit::CommitProcess {
 public:
  Node(const Options& options, std::shared_ptr<commit::Counters> counters)
      : options_(options), counters_(std::move(counters)), ledger_(options.bank) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

 private:
  using Txn = commit::CoordinatorTxn;

  template <class M>
  void send(Context& ctx, NodeId to, M message) {
    ++counters_->messages;
    ctx.send(to, std::move(message));
  }
  bool coordinator(Context& ctx) const { return ctx.self() == commit::kCoordinator; }

  // Coordinator.
  void start_coordinator(Context& ctx);
  void on_vote(Context& ctx, NodeId from, const commit::Vote& vote);
  void decide(Context& ctx, TxId txid, bool commit, const std::string& why);
  void log_decision(Context& ctx, TxId txid, const Txn& txn);
  void send_prepare(Context& ctx, TxId txid, const Txn& txn, NodeId to);
  void answer_client(Context& ctx, Txn& txn, bool commit, const std::string& why, TxId txid);
  void coordinator_tick(Context& ctx);
  void coordinator_decision_request(Context& ctx, NodeId from, TxId txid);
  void annotate_coordinator(Context& ctx);

  // Participant.
  void on_prepare(Context& ctx, NodeId from, const commit::Prepare& prepare);
  void on_decision(Context& ctx, NodeId from, const commit::Decision& decision);
  void participant_decision_request(Context& ctx, NodeId from, TxId txid);
  void participant_tick(Context& ctx);
  void annotate_participant(Context& ctx);
  void durable(Context& ctx, TxId txid, bool sync = true);

  Options options_;
  std::shared_ptr<commit::Counters> counters_;
  commit::Ledger ledger_;

  // Coordinator state (volatile; the log is in storage).
  commit::TxIdSource txids_;
  std::map<TxId, Txn> txns_;
  std::map<std::uint64_t, TxId> by_request_;   // client request id -> transaction (retries)

  // Participant state: when each in-doubt transaction became in doubt (local clock), last ask.
  std::map<TxId, TimeNs> doubt_since_ns_;
};

}  // namespace dsim::twopc
