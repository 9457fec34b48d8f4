#include "protocols/twopc/node.h"

#include <cassert>

#include <fmt/format.h>

namespace dsim::twopc {

using commit::CoordRecord;
using commit::TxRecord;
using commit::TxState;

namespace {
constexpr std::uint64_t kTickTag = 1;
constexpr std::uint64_t kSequenceBits = 32;  // txid = epoch << 32 | sequence: unique across restarts
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
  std::uint64_t epoch = 0;
  storage.get_value(commit::kEpochKey, epoch);
  epoch_ = epoch + 1;
  storage.put_value(commit::kEpochKey, epoch_);
  storage.sync();  // a txid must never be reused, even after a crash that loses unsynced writes
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
    txn.started_ns = ctx.now();
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
  if (auto it = by_request_.find(request.id); it != by_request_.end()) {
    // A retry of a request whose transaction is still running: it is answered at the decision.
    if (txns_.count(it->second)) {
      txns_[it->second].request = request;
      return;
    }
  }
  std::string why;
  auto plan = commit::plan_request(options_.bank, request, why);
  if (!plan) {
    ctx.reply(request, Reply::fail(why));
    return;
  }
  if (txns_.size() >= options_.active_max) {
    ctx.reply(request, Reply::fail("too many transactions in progress"));
    return;
  }
  ++sequence_;
  assert(sequence_ < (std::uint64_t{1} << kSequenceBits));
  const TxId txid = (epoch_ << kSequenceBits) | sequence_;
  Txn txn;
  txn.request = request;
  txn.plan = std::move(*plan);
  for (const auto& [p, ops] : txn.plan.ops) txn.participants.push_back(p);
  txn.started_ns = ctx.now();
  auto& stored = txns_.emplace(txid, std::move(txn)).first->second;
  by_request_[request.id] = txid;
  for (NodeId p : stored.participants) send_prepare(ctx, txid, stored, p);
  annotate_coordinator(ctx);
}

void Node::send_prepare(Context& ctx, TxId txid, const Txn& txn, NodeId to) {
  commit::Prepare prepare;
  prepare.txid = txid;
  prepare.ops = txn.plan.ops.at(to);
  prepare.participants = txn.participants;
  send(ctx, to, std::move(prepare));
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
  if (!commit) {
    ctx.reply(txn.request, Reply::fail(fmt::format("transaction {} aborted: {}", txid, why)));
    return;
  }
  nlohmann::json out = {{"txid", txid}};
  if (txn.plan.audit) {
    std::int64_t total = 0;
    nlohmann::json balances = nlohmann::json::object();
    for (const auto& [a, b] : txn.reads) {
      total += b;
      balances[std::to_string(a)] = b;
    }
    out["total"] = total;
    out["balances"] = balances;
  }
  ctx.reply(txn.request, Reply::ok(out));
}

void Node::coordinator_tick(Context& ctx) {
  const TimeNs now = ctx.now();
  std::vector<TxId> expired;
  for (auto& [txid, txn] : txns_) {
    if (txn.state == TxState::none) {
      if (now - txn.started_ns >= options_.prepare_timeout_ns) {
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

void Node::annotate_coordinator(Context& ctx) {
  nlohmann::json txns = nlohmann::json::object();
  for (const auto& [txid, txn] : txns_) {
    txns[std::to_string(txid)] = txn.state == TxState::none ? "collecting" : commit::state_name(txn.state);
  }
  ctx.annotate("txns", txns);
}

// ---- Participant -------------------------------------------------------------------------------

void Node::durable(Context& ctx, TxId txid, bool sync) {
  if (sync) ctx.storage().sync();
  touch(txid);
}

void Node::on_prepare(Context& ctx, NodeId from, const commit::Prepare& prepare) {
  commit::Vote vote;
  vote.txid = prepare.txid;
  if (const TxRecord* r = ledger_.find(prepare.txid)) {
    // A duplicate or resent Prepare: repeat the vote already given.
    vote.yes = r->voted_yes && r->state != TxState::aborted;
    if (vote.yes) vote.reads = ledger_.reads(*r);
    if (!vote.yes) vote.why = "aborted here";
    send(ctx, from, std::move(vote));
    return;
  }
  const commit::VoteResult result = ledger_.prepare(ctx.storage(), prepare.txid, prepare.ops, prepare.participants);
  // BUG (skip-prepare-sync): the yes vote leaves while the prepared record is only in the page
  // cache; a power loss then forgets the promise and the locks.
  durable(ctx, prepare.txid, !(result.yes && options_.bug_skip_prepare_sync));
  if (result.yes) doubt_since_ns_[prepare.txid] = ctx.now();
  vote.yes = result.yes;
  vote.reads = result.reads;
  vote.why = result.why;
  send(ctx, from, std::move(vote));
  annotate_participant(ctx);
}

void Node::on_decision(Context& ctx, NodeId from, const commit::Decision& decision) {
  const TxState state = ledger_.state(decision.txid);
  if (commit::in_doubt(state)) {
    if (decision.commit) {
      ledger_.commit(ctx.storage(), decision.txid);
    } else {
      ledger_.abort(ctx.storage(), decision.txid);
    }
    durable(ctx, decision.txid);
    doubt_since_ns_.erase(decision.txid);
    annotate_participant(ctx);
  } else if (state == TxState::none && !decision.commit) {
    ledger_.abort(ctx.storage(), decision.txid);  // a late Prepare must now get no
    durable(ctx, decision.txid);
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
