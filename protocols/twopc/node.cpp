#include "protocols/twopc/node.h"

#include <cassert>

#include <fmt/format.h>

namespace dsim::twopc {

using commit::CoordRecord;
using commit::TxRecord;
using commit::TxState;

namespace {
constexpr std::uint64_t kTickTag = 1;
}  // namespace

void Node::on_start(Context& ctx) {
  begin_event();
  if (coordinator(ctx)) {
    start_coordinator(ctx);
  } else {
    ledger_.load(ctx.storage());
    // Recovery: an in-doubt transaction stays blocked (locks rebuilt by load) until the
    // decision is learned; ask at once, the coordinator may have decided long ago.
    for (TxId txid : ledger_.doubtful()) doubt_since_ns_[txid] = ctx.now() - options_.decision_timeout_ns;
    ctx.annotate("role", "participant");
    annotate_participant(ctx);
  }
  ctx.set_timer(options_.retry_ns, kTickTag);
}

void Node::on_timer(Context& ctx, TimerId, std::uint64_t tag) {
  begin_event();
  assert(tag == kTickTag);
  (void)tag;
  if (coordinator(ctx)) {
    coordinator_tick(ctx);
  } else {
    participant_tick(ctx);
  }
  ctx.set_timer(options_.retry_ns, kTickTag);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  begin_event();
  if (coordinator(ctx)) {
    if (auto* m = message.as<commit::Vote>()) {
      on_vote(ctx, from, *m);
    } else if (auto* m = message.as<commit::Ack>()) {
      auto it = txns_.find(m->txid);
      if (it == txns_.end() || it->second.state != TxState::committed) return;
      it->second.acked.insert(from);
      if (it->second.acked.size() == it->second.participants.size()) {
        // Every participant applied the commit: the log record may say so, lazily (losing this
        // write only means resending Commit after a restart, which participants acknowledge).
        CoordRecord r{m->txid, TxState::committed, it->second.participants, true};
        ctx.storage().put_value(commit::clog_key(m->txid), r);
        if (options_.bug_commit_before_log) ctx.storage().sync();  // the (late) commit point
        touch(m->txid);
        txns_.erase(it);
        annotate_coordinator(ctx);
      }
    } else if (auto* m = message.as<commit::DecisionRequest>()) {
      coordinator_decision_request(ctx, from, m->txid);
    }
    return;
  }
  if (auto* m = message.as<commit::Prepare>()) {
    on_prepare(ctx, from, *m);
  } else if (auto* m = message.as<commit::Decision>()) {
    on_decision(ctx, from, *m);
  } else if (auto* m = message.as<commit::DecisionRequest>()) {
    participant_decision_request(ctx, from, m->txid);
  }
}

// ---- Coordinator -------------------------------------------------------------------------------

void Node::start_coordinator(Context& ctx) {
  Storage& storage = ctx.storage();
  txids_.start(storage);
  ++generation_;
  // Recovery from the log: committed transactions not known to be applied everywhere get their
  // Commit resent; anything else the log does not record as committed is (presumed) aborted.
  storage.scan_prefix(commit::kClogPrefix, [&](const std::string&, const std::string& bytes) {
    CoordRecord r;
    if (!fields::decode(bytes, r) || r.state != TxState::committed || r.done) return;
    Txn txn;
    txn.participants = r.participants;
    txn.state = TxState::committed;
    txn.answered = true;  // the client's request died with the old incarnation
    txn.phase_started_ns = ctx.now();
    txns_.emplace(r.txid, std::move(txn));
  });
  ctx.annotate("role", "coordinator");
  annotate_coordinator(ctx);
}

void Node::on_request(Context& ctx, const Request& request) {
  begin_event();
  if (!coordinator(ctx)) {
    ctx.reply(request, Reply::redirect(commit::kCoordinator, "n0 coordinates transactions"));
    return;
  }
  ++counters_->requests;
  const std::optional<TxId> txid =
      commit::admit(ctx, request, options_.bank, options_.active_max, txids_, txns_, by_request_);
  if (!txid) return;
  const Txn& txn = txns_.at(*txid);
  for (NodeId p : txn.participants) send_prepare(ctx, *txid, txn, p);
  annotate_coordinator(ctx);
}

void Node::send_prepare(Context& ctx, TxId txid, const Txn& txn, NodeId to) {
  send(ctx, to, commit::prepare_for(txid, txn, to));
}

void Node::on_vote(Context& ctx, NodeId from, const commit::Vote& vote) {
  auto it = txns_.find(vote.txid);
  if (it == txns_.end() || it->second.state != TxState::none) return;  // decided already
  Txn& txn = it->second;
  if (!vote.yes) {
    decide(ctx, vote.txid, false, fmt::format("n{} voted no: {}", from, vote.why));
    return;
  }
  txn.yes.insert(from);
  for (const auto& [a, b] : vote.reads) txn.reads[a] = b;
  if (txn.yes.size() == txn.participants.size()) decide(ctx, vote.txid, true, "");
}

void Node::log_decision(Context& ctx, TxId txid, const Txn& txn) {
  ctx.storage().put_value(commit::clog_key(txid), CoordRecord{txid, txn.state, txn.participants, false});
  touch(txid);
}

void Node::decide(Context& ctx, TxId txid, bool commit, const std::string& why) {
  Txn& txn = txns_.at(txid);
  assert(txn.state == TxState::none);
  txn.state = commit ? TxState::committed : TxState::aborted;
  if (commit) {
    if (options_.bug_commit_before_log) {
      // BUG: the decision leaves before it is on disk; the record is written only when the
      // transaction completes (every participant acknowledged). A coordinator crash before that
      // forgets a commit that some participants already applied: the others, asking the
      // restarted coordinator, are told "abort" (presumed abort).
    } else {
      log_decision(ctx, txid, txn);
      ctx.storage().sync();  // the commit point
    }
  } else {
    // Presumed abort: not forced; a lost abort record reads as abort anyway.
    log_decision(ctx, txid, txn);
  }
  for (NodeId p : txn.participants) send(ctx, p, commit::make_decision(txid, commit));
  answer_client(ctx, txn, commit, why, txid);
  if (!commit) txns_.erase(txid);  // presumed abort: nobody needs to acknowledge
  annotate_coordinator(ctx);
}

void Node::answer_client(Context& ctx, Txn& txn, bool commit, const std::string& why, TxId txid) {
  if (txn.answered) return;
  txn.answered = true;
  ctx.reply(txn.request, commit::decision_reply(txid, commit, why, txn.plan, txn.reads));
}

void Node::coordinator_tick(Context& ctx) {
  const TimeNs now = ctx.now();
  std::vector<TxId> expired;
  for (auto& [txid, txn] : txns_) {
    if (txn.state == TxState::none) {
      if (now - txn.phase_started_ns >= options_.prepare_timeout_ns) {
        expired.push_back(txid);
      } else {
        for (NodeId p : txn.participants) {
          if (!txn.yes.count(p)) send_prepare(ctx, txid, txn, p);
        }
      }
    } else if (txn.state == TxState::committed) {
      for (NodeId p : txn.participants) {
        if (!txn.acked.count(p)) send(ctx, p, commit::make_decision(txid, true));
      }
    }
  }
  for (TxId txid : expired) decide(ctx, txid, false, "votes missing at prepare timeout");
}

void Node::coordinator_decision_request(Context& ctx, NodeId from, TxId txid) {
  if (auto it = txns_.find(txid); it != txns_.end()) {
    if (it->second.state == TxState::none) return;  // still collecting votes: the decision will come
    send(ctx, from, commit::make_decision(txid, it->second.state == TxState::committed));
    return;
  }
  CoordRecord r;
  const bool committed = ctx.storage().get_value(commit::clog_key(txid), r) && r.state == TxState::committed;
  send(ctx, from, commit::make_decision(txid, committed));  // presumed abort
}

void Node::annotate_coordinator(Context& ctx) { ctx.annotate("txns", commit::txns_annotation(txns_)); }

// ---- Participant -------------------------------------------------------------------------------

void Node::durable(Context& ctx, TxId txid, bool sync) {
  if (sync) ctx.storage().sync();
  touch(txid);
}

void Node::on_prepare(Context& ctx, NodeId from, const commit::Prepare& prepare) {
  commit::PrepareOutcome outcome = commit::vote_on(ledger_, ctx.storage(), prepare);
  if (!outcome.fresh) {
    send(ctx, from, std::move(outcome.vote));  // a duplicate or resent Prepare: the same vote again
    return;
  }
  const bool yes = outcome.vote.yes;
  // BUG (skip-prepare-sync): the yes vote leaves while the prepared record is only in the page
  // cache; a power loss then forgets the promise and the locks.
  durable(ctx, prepare.txid, !(yes && options_.bug_skip_prepare_sync));
  if (yes) doubt_since_ns_[prepare.txid] = ctx.now();
  send(ctx, from, std::move(outcome.vote));
  annotate_participant(ctx);
}

void Node::on_decision(Context& ctx, NodeId from, const commit::Decision& decision) {
  const commit::Applied applied = commit::apply_decision(ledger_, ctx.storage(), decision.txid, decision.commit);
  if (applied != commit::Applied::nothing) durable(ctx, decision.txid);
  if (applied == commit::Applied::decided) {
    doubt_since_ns_.erase(decision.txid);
    annotate_participant(ctx);
  }
  // A Commit for a transaction this node has no record of can only follow a lost prepared
  // record (the skip-prepare-sync bug): there is nothing to apply. Acknowledge anyway so the
  // coordinator stops resending; the observer reports the damage.
  if (decision.commit && from == commit::kCoordinator) send(ctx, from, commit::make_for<commit::Ack>(decision.txid));
}

void Node::participant_decision_request(Context& ctx, NodeId from, TxId txid) {
  const TxState state = ledger_.state(txid);
  if (commit::decided(state)) {
    send(ctx, from, commit::make_decision(txid, state == TxState::committed));
  } else if (state == TxState::none) {
    // Never voted: free to abort unilaterally, which also answers the peer.
    ledger_.abort(ctx.storage(), txid);
    durable(ctx, txid);
    send(ctx, from, commit::make_decision(txid, false));
  }
  // In doubt ourselves: we cannot help.
}

void Node::participant_tick(Context& ctx) {
  const TimeNs now = ctx.now();
  for (const auto& [txid, since] : doubt_since_ns_) {
    if (now - since < options_.decision_timeout_ns) continue;
    send(ctx, commit::kCoordinator, commit::make_for<commit::DecisionRequest>(txid));
    if (!options_.cooperative_termination) continue;
    const TxRecord* r = ledger_.find(txid);
    assert(r);
    for (NodeId p : r->participants) {
      if (p != ctx.self()) send(ctx, p, commit::make_for<commit::DecisionRequest>(txid));
    }
  }
}

void Node::annotate_participant(Context& ctx) { ctx.annotate("ledger", ledger_.annotation()); }

}  // namespace dsim::twopc
