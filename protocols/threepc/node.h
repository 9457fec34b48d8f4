// A three-phase-commit node (Skeen 1981): the coordinator when it is n0, a participant otherwise.
//
// Coordinator: canCommit (Prepare) -> votes; all yes: log "precommitted" (synced), send PreCommit,
// collect acks; all acked, or precommit_timeout passed (the silent participants are presumed
// crashed: the fail-stop model), log commit and send doCommit (Decision). A no vote or
// prepare_timeout aborts. Every state has a timeout.
//
// Participant: votes like a 2PC participant (uncertain = prepared), precommits on PreCommit, and
// commits on doCommit. In doubt (uncertain or precommitted) for decision_timeout without news, it
// runs the termination protocol: it waits rank x termination_timeout (rank = its index among the
// transaction's participants, so the lowest live one goes first), becomes backup coordinator,
// collects every reachable node's state for termination_timeout, and decides:
//   any committed -> commit; any aborted (or never voted) -> abort; any precommitted -> commit;
//   all uncertain -> abort,
// then sends the decision to everyone. A backup yields to a lower-ranked one it hears from. It
// needs at least one other node's state: a node that recovered in doubt must not decide alone
// (independent recovery is impossible); a lone survivor keeps asking.
// A coordinator that recovers with only a "precommitted" record behaves like a recovered
// participant: it reports itself uncertain and adopts the decision it learns.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "protocols/commit/coordinator.h"
#include "protocols/commit/ledger.h"
#include "protocols/commit/messages.h"
#include "protocols/commit/participant.h"

namespace dsim::threepc {

using commit::Account;
using commit::TxId;

struct Options {
  commit::BankConfig bank;
  TimeNs prepare_timeout_ns = 100 * kNsPerMs;      // coordinator: votes missing -> abort
  TimeNs precommit_timeout_ns = 100 * kNsPerMs;    // coordinator: acks missing -> commit anyway
  TimeNs decision_timeout_ns = 300 * kNsPerMs;     // participant: no news this long -> termination
  TimeNs termination_timeout_ns = 100 * kNsPerMs;  // backup: state collection window; rank delay unit
  TimeNs retry_ns = 20 * kNsPerMs;
  std::size_t active_max = 1024;
  bool bug_precommit_timeout_aborts = false;       // a precommitted participant that times out aborts
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
  // acked holds PreCommitAcks, then the Acks of doCommit.
  struct Txn : commit::CoordinatorTxn {
    bool recovered = false;   // rebuilt from a "precommitted" log record
    TimeNs last_sent_ns = 0;  // last PreCommit (re)send
  };
  // A participant's in-doubt transaction.
  struct Doubt {
    TimeNs quiet_since_ns = 0;          // last news from the coordinator (or a backup)
    bool recovered = false;             // in doubt across a restart of this node
    std::optional<TimeNs> terminating_since_ns;  // running termination as backup coordinator
    std::map<NodeId, commit::TxState> states;    // collected StateReplies
    // Termination's second phase (Skeen): a precommitted state was seen, so the backup precommits
    // itself, sends PreCommit to every participant, and commits once every participant that
    // reported "uncertain" has acknowledged (or, fail-stop, after termination_timeout).
    std::optional<TimeNs> precommitting_since_ns;
    std::set<NodeId> waiting;                    // uncertain responders whose PreCommitAck is needed
    std::set<NodeId> acked;
    TimeNs last_sent_ns = 0;                     // last StateRequest / PreCommit (re)send
  };

  template <class M>
  void send(Context& ctx, NodeId to, M message) {
    ++counters_->messages;
    ctx.send(to, std::move(message));
  }
  bool coordinator(Context& ctx) const { return ctx.self() == commit::kCoordinator; }

  // Coordinator.
  void start_coordinator(Context& ctx);
  void on_vote(Context& ctx, NodeId from, const commit::Vote& vote);
  void precommit(Context& ctx, TxId txid);
  void decide(Context& ctx, TxId txid, bool commit, const std::string& why);
  void send_prepare(Context& ctx, TxId txid, const Txn& txn, NodeId to);
  void answer_client(Context& ctx, Txn& txn, bool commit, const std::string& why, TxId txid);
  void coordinator_tick(Context& ctx, bool slow);
  void coordinator_state_request(Context& ctx, NodeId from, TxId txid);
  void coordinator_learns(Context& ctx, TxId txid, bool commit);
  void annotate_coordinator(Context& ctx);

  // Participant.
  void on_prepare(Context& ctx, NodeId from, const commit::Prepare& prepare);
  void on_precommit(Context& ctx, NodeId from, TxId txid);
  void apply_decision(Context& ctx, TxId txid, bool commit);
  void on_state_request(Context& ctx, NodeId from, TxId txid);
  void on_state_reply(Context& ctx, NodeId from, const commit::StateReply& reply);
  void participant_tick(Context& ctx, bool slow);
  void start_termination(Context& ctx, TxId txid, Doubt& doubt);
  void finish_termination(Context& ctx, TxId txid);
  void start_precommitting(Context& ctx, TxId txid);
  void on_precommit_ack(Context& ctx, NodeId from, TxId txid);
  void conclude(Context& ctx, TxId txid, bool commit);
  void stop_termination(Doubt& doubt, TimeNs now) {
    doubt.terminating_since_ns.reset();
    doubt.precommitting_since_ns.reset();
    doubt.waiting.clear();
    doubt.acked.clear();
    doubt.quiet_since_ns = now;
  }
  // The resend period inside the windows whose silence is read as a crash (the coordinator's
  // PreCommit acks, a backup's state collection and PreCommit round): short, so that message loss
  // is not mistaken for a crash (the fail-stop model 3PC needs an accurate failure detector).
  TimeNs fast_ns() const { return std::max<TimeNs>(options_.retry_ns / 10, 1); }
  std::size_t rank(TxId txid, NodeId node) const;
  void annotate_participant(Context& ctx);
  void durable(Context& ctx, TxId txid) {
    ctx.storage().sync();
    touch(txid);
  }

  Options options_;
  std::shared_ptr<commit::Counters> counters_;
  commit::Ledger ledger_;

  TimeNs next_slow_ns_ = 0;  // the next tick that resends at retry_ns (ticks run every fast_ns)
  commit::TxIdSource txids_;
  std::map<TxId, Txn> txns_;
  std::map<std::uint64_t, TxId> by_request_;

  std::map<TxId, Doubt> doubts_;
};

}  // namespace dsim::threepc
