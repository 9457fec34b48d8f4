#include "protocols/threepc/node.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace dsim::threepc {

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
    for (TxId txid : ledger_.doubtful()) {
      Doubt d;
      d.quiet_since_ns = ctx.now() - options_.decision_timeout_ns;  // ask at once
      d.recovered = true;
      doubts_.emplace(txid, d);
    }
    ctx.annotate("role", "participant");
    annotate_participant(ctx);
  }
  next_slow_ns_ = ctx.now() + options_.retry_ns;
  ctx.set_timer(fast_ns(), kTickTag);
}

void Node::on_timer(Context& ctx, TimerId, std::uint64_t tag) {
  begin_event();
  assert(tag == kTickTag);
  (void)tag;
  const bool slow = ctx.now() >= next_slow_ns_;
  if (slow) next_slow_ns_ = ctx.now() + options_.retry_ns;
  if (coordinator(ctx)) {
    coordinator_tick(ctx, slow);
  } else {
    participant_tick(ctx, slow);
  }
  ctx.set_timer(fast_ns(), kTickTag);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  begin_event();
  if (coordinator(ctx)) {
    if (auto* m = message.as<commit::Vote>()) {
      on_vote(ctx, from, *m);
    } else if (auto* m = message.as<commit::PreCommitAck>()) {
      auto it = txns_.find(m->txid);
      if (it == txns_.end() || it->second.state != TxState::precommitted || it->second.recovered) return;
      it->second.acked.insert(from);
      if (it->second.acked.size() == it->second.participants.size()) decide(ctx, m->txid, true, "");
    } else if (auto* m = message.as<commit::Ack>()) {
      auto it = txns_.find(m->txid);
      if (it == txns_.end() || it->second.state != TxState::committed) return;
      it->second.acked.insert(from);
      if (it->second.acked.size() == it->second.participants.size()) {
        ctx.storage().put_value(commit::clog_key(m->txid),
                                CoordRecord{m->txid, TxState::committed, it->second.participants, true});
        touch(m->txid);
        txns_.erase(it);
        annotate_coordinator(ctx);
      }
    } else if (auto* m = message.as<commit::StateRequest>()) {
      coordinator_state_request(ctx, from, m->txid);
    } else if (auto* m = message.as<commit::StateReply>()) {
      if (commit::decided(m->state)) coordinator_learns(ctx, m->txid, m->state == TxState::committed);
    } else if (auto* m = message.as<commit::Decision>()) {
      coordinator_learns(ctx, m->txid, m->commit);
    }
    return;
  }
  if (auto* m = message.as<commit::Prepare>()) {
    on_prepare(ctx, from, *m);
  } else if (auto* m = message.as<commit::PreCommit>()) {
    on_precommit(ctx, from, m->txid);
  } else if (auto* m = message.as<commit::PreCommitAck>()) {
    on_precommit_ack(ctx, from, m->txid);
  } else if (auto* m = message.as<commit::Decision>()) {
    apply_decision(ctx, m->txid, m->commit);
  } else if (auto* m = message.as<commit::StateRequest>()) {
    on_state_request(ctx, from, m->txid);
  } else if (auto* m = message.as<commit::StateReply>()) {
    on_state_reply(ctx, from, *m);
  }
}

// ---- Coordinator -------------------------------------------------------------------------------

void Node::start_coordinator(Context& ctx) {
  Storage& storage = ctx.storage();
  txids_.start(storage);
  ++generation_;
  storage.scan_prefix(commit::kClogPrefix, [&](const std::string&, const std::string& bytes) {
    CoordRecord r;
    if (!fields::decode(bytes, r) || r.done) return;
    if (r.state != TxState::committed && r.state != TxState::precommitted) return;
    Txn txn;
    txn.participants = r.participants;
    txn.state = r.state;
    // Precommitted at the crash: PreCommit may have reached nobody and the participants may have
    // aborted by termination since. Do not decide; learn.
    txn.recovered = r.state == TxState::precommitted;
    txn.answered = true;
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
  if (it == txns_.end() || it->second.state != TxState::none) return;
  Txn& txn = it->second;
  if (!vote.yes) {
    decide(ctx, vote.txid, false, fmt::format("n{} voted no: {}", from, vote.why));
    return;
  }
  txn.yes.insert(from);
  for (const auto& [a, b] : vote.reads) txn.reads[a] = b;
  if (txn.yes.size() == txn.participants.size()) precommit(ctx, vote.txid);
}

void Node::precommit(Context& ctx, TxId txid) {
  Txn& txn = txns_.at(txid);
  txn.state = TxState::precommitted;
  txn.phase_started_ns = ctx.now();
  txn.acked.clear();
  // Logged before PreCommit leaves: a recovered coordinator must know it may have precommitted.
  ctx.storage().put_value(commit::clog_key(txid), CoordRecord{txid, TxState::precommitted, txn.participants, false});
  ctx.storage().sync();
  touch(txid);
  for (NodeId p : txn.participants) send(ctx, p, commit::make_for<commit::PreCommit>(txid));
  txn.last_sent_ns = ctx.now();
  annotate_coordinator(ctx);
}

void Node::decide(Context& ctx, TxId txid, bool commit, const std::string& why) {
  Txn& txn = txns_.at(txid);
  txn.state = commit ? TxState::committed : TxState::aborted;
  txn.phase_started_ns = ctx.now();
  txn.acked.clear();
  ctx.storage().put_value(commit::clog_key(txid), CoordRecord{txid, txn.state, txn.participants, false});
  ctx.storage().sync();
  touch(txid);
  for (NodeId p : txn.participants) send(ctx, p, commit::make_decision(txid, commit));
  answer_client(ctx, txn, commit, why, txid);
  if (!commit) txns_.erase(txid);
  annotate_coordinator(ctx);
}

void Node::answer_client(Context& ctx, Txn& txn, bool commit, const std::string& why, TxId txid) {
  if (txn.answered) return;
  txn.answered = true;
  ctx.reply(txn.request, commit::decision_reply(txid, commit, why, txn.plan, txn.reads));
}

void Node::coordinator_learns(Context& ctx, TxId txid, bool commit) {
  auto it = txns_.find(txid);
  if (it == txns_.end()) {
    CoordRecord r;
    if (ctx.storage().get_value(commit::clog_key(txid), r)) return;  // decided (or done) already
    // Unknown here (its log never reached precommit): record what the backup decided.
    ctx.storage().put_value(commit::clog_key(txid), CoordRecord{txid, commit ? TxState::committed : TxState::aborted,
                                                                {}, true});
    ctx.storage().sync();
    touch(txid);
    return;
  }
  Txn& txn = it->second;
  if (commit::decided(txn.state)) return;  // our own decision stands; a conflict is the observer's to report
  decide(ctx, txid, commit, "decided by a backup coordinator (termination protocol)");
  if (commit) {
    // The backup informs the participants; we stop resending.
    txns_.erase(txid);
    annotate_coordinator(ctx);
  }
}

void Node::coordinator_tick(Context& ctx, bool slow) {
  const TimeNs now = ctx.now();
  std::vector<std::pair<TxId, bool>> decisions;
  for (auto& [txid, txn] : txns_) {
    const TimeNs waited = now - txn.phase_started_ns;
    switch (txn.state) {
      case TxState::none:
        if (waited >= options_.prepare_timeout_ns) {
          decisions.emplace_back(txid, false);
        } else if (slow) {
          for (NodeId p : txn.participants) {
            if (!txn.yes.count(p)) send_prepare(ctx, txid, txn, p);
          }
        }
        break;
      case TxState::precommitted:
        if (txn.recovered) {
          if (slow) {
            for (NodeId p : txn.participants) send(ctx, p, commit::make_for<commit::StateRequest>(txid));
          }
        } else if (waited >= options_.precommit_timeout_ns && !txn.acked.empty()) {
          // Fail-stop: a participant that has not acknowledged PreCommit by now has crashed, and
          // will learn the decision when it recovers. (Under a partition this is the split.)
          // At least one participant must be known precommitted: it is what makes a later
          // termination round see "precommitted" and commit too.
          decisions.emplace_back(txid, true);
        } else if (waited >= options_.precommit_timeout_ns ? slow : now - txn.last_sent_ns >= fast_ns()) {
          // Inside the window resend fast, so that loss is not taken for a crash. With no ack at
          // all, keep trying at the slow pace: the participants' termination (which sees this
          // node precommitted) or a participant's abort news settles it.
          for (NodeId p : txn.participants) {
            if (!txn.acked.count(p)) send(ctx, p, commit::make_for<commit::PreCommit>(txid));
          }
          txn.last_sent_ns = now;
        }
        break;
      case TxState::committed:
        if (!slow) break;
        for (NodeId p : txn.participants) {
          if (!txn.acked.count(p)) send(ctx, p, commit::make_decision(txid, true));
        }
        break;
      default:
        break;
    }
  }
  for (const auto& [txid, commit] : decisions) {
    decide(ctx, txid, commit, commit ? "" : "votes missing at prepare timeout");
  }
}

void Node::coordinator_state_request(Context& ctx, NodeId from, TxId txid) {
  TxState state = TxState::aborted;  // unknown: the log never reached precommit, so nobody committed
  if (auto it = txns_.find(txid); it != txns_.end()) {
    Txn& txn = it->second;
    if (txn.state == TxState::none) {
      // Still collecting votes while a participant already runs termination: abort now.
      decide(ctx, txid, false, "a participant started termination before the votes were in");
      state = TxState::aborted;
    } else if (txn.recovered) {
      state = TxState::prepared;  // uncertain: it cannot vouch that PreCommit reached anyone
    } else {
      state = txn.state;
    }
  } else {
    CoordRecord r;
    if (ctx.storage().get_value(commit::clog_key(txid), r)) state = r.state;
  }
  send(ctx, from, commit::make_state_reply(txid, state, false));
}

void Node::annotate_coordinator(Context& ctx) { ctx.annotate("txns", commit::txns_annotation(txns_)); }

// ---- Participant -------------------------------------------------------------------------------

void Node::on_prepare(Context& ctx, NodeId from, const commit::Prepare& prepare) {
  commit::PrepareOutcome outcome = commit::vote_on(ledger_, ctx.storage(), prepare);
  if (!outcome.fresh) {
    send(ctx, from, std::move(outcome.vote));  // a duplicate or resent Prepare: the same vote again
    return;
  }
  durable(ctx, prepare.txid);
  if (outcome.vote.yes) {
    Doubt d;
    d.quiet_since_ns = ctx.now();
    doubts_[prepare.txid] = d;
  }
  send(ctx, from, std::move(outcome.vote));
  annotate_participant(ctx);
}

void Node::on_precommit(Context& ctx, NodeId from, TxId txid) {
  const TxState state = ledger_.state(txid);
  if (state == TxState::prepared) {
    ledger_.precommit(ctx.storage(), txid);
    durable(ctx, txid);
    annotate_participant(ctx);
  } else if (state == TxState::aborted) {
    // No ack (the sender must not count this one); tell it the outcome instead, so that a
    // coordinator (or backup) left waiting for acks learns the abort.
    send(ctx, from, commit::make_decision(txid, false));
    return;
  } else if (state != TxState::precommitted && state != TxState::committed) {
    return;  // unknown: no ack
  }
  if (auto it = doubts_.find(txid); it != doubts_.end()) it->second.quiet_since_ns = ctx.now();
  send(ctx, from, commit::make_for<commit::PreCommitAck>(txid));
}

void Node::apply_decision(Context& ctx, TxId txid, bool commit) {
  const commit::Applied applied = commit::apply_decision(ledger_, ctx.storage(), txid, commit);
  if (applied != commit::Applied::nothing) durable(ctx, txid);
  if (applied == commit::Applied::decided) {
    doubts_.erase(txid);
    annotate_participant(ctx);
  }
  // Aborted here but told commit (or the reverse): a split, which the observer reports; a
  // node never overwrites a decision.
  if (commit && ledger_.state(txid) == TxState::committed) {
    send(ctx, commit::kCoordinator, commit::make_for<commit::Ack>(txid));
  }
}

std::size_t Node::rank(TxId txid, NodeId node) const {
  const TxRecord* r = ledger_.find(txid);
  if (!r) return 0;
  auto it = std::find(r->participants.begin(), r->participants.end(), node);
  return static_cast<std::size_t>(it - r->participants.begin());
}

void Node::on_state_request(Context& ctx, NodeId from, TxId txid) {
  TxState state = ledger_.state(txid);
  if (state == TxState::none) {
    // Never voted: abort unilaterally (a late canCommit then gets no).
    ledger_.abort(ctx.storage(), txid);
    durable(ctx, txid);
    state = TxState::aborted;
  }
  bool terminating = false;
  if (auto it = doubts_.find(txid); it != doubts_.end() && it->second.terminating_since_ns) {
    if (rank(txid, from) < rank(txid, ctx.self())) {
      // A lower-ranked backup is running: yield to it, and give it time to finish. (Yielding
      // during our PreCommit round is safe: we are precommitted, so it will see that and commit.)
      stop_termination(it->second, ctx.now());
    } else {
      terminating = true;
    }
  }
  send(ctx, from, commit::make_state_reply(txid, state, terminating));
}

void Node::on_state_reply(Context& ctx, NodeId from, const commit::StateReply& reply) {
  auto it = doubts_.find(reply.txid);
  if (it == doubts_.end()) return;
  Doubt& d = it->second;
  if (commit::decided(reply.state)) {
    // Someone knows the outcome: that settles it, backup or not.
    if (d.terminating_since_ns) {
      conclude(ctx, reply.txid, reply.state == TxState::committed);
    } else {
      apply_decision(ctx, reply.txid, reply.state == TxState::committed);
    }
    return;
  }
  if (!d.terminating_since_ns || d.precommitting_since_ns) return;  // not collecting
  if (reply.terminating && from != commit::kCoordinator && rank(reply.txid, from) < rank(reply.txid, ctx.self())) {
    stop_termination(d, ctx.now());
    return;
  }
  d.states[from] = reply.state;
  const TxRecord* r = ledger_.find(reply.txid);
  assert(r);
  if (d.states.size() == r->participants.size()) finish_termination(ctx, reply.txid);  // all others + n0
}

void Node::start_termination(Context& ctx, TxId txid, Doubt& doubt) {
  stop_termination(doubt, ctx.now());
  doubt.terminating_since_ns = ctx.now();
  doubt.last_sent_ns = ctx.now();
  doubt.states.clear();
  const TxRecord* r = ledger_.find(txid);
  assert(r);
  send(ctx, commit::kCoordinator, commit::make_for<commit::StateRequest>(txid));
  for (NodeId p : r->participants) {
    if (p != ctx.self()) send(ctx, p, commit::make_for<commit::StateRequest>(txid));
  }
}

void Node::finish_termination(Context& ctx, TxId txid) {
  Doubt& d = doubts_.at(txid);
  const TxState own = ledger_.state(txid);
  assert(commit::in_doubt(own));
  bool any_committed = false, any_aborted = false, any_precommitted = own == TxState::precommitted;
  for (const auto& [node, s] : d.states) {
    any_committed |= s == TxState::committed;
    any_aborted |= s == TxState::aborted;
    any_precommitted |= s == TxState::precommitted;
  }
  if (any_committed || any_aborted) {
    conclude(ctx, txid, any_committed);
    return;
  }
  if (d.states.empty() && d.recovered) {
    // Recovered in doubt and nobody answers: independent recovery is impossible. Wait.
    stop_termination(d, ctx.now());
    return;
  }
  if (any_precommitted) {
    // Not a commit yet: first make every uncertain participant precommitted (Skeen's
    // termination). Otherwise, should this backup crash with its Decision lost, a later round
    // could see only uncertain states and abort what this one committed.
    start_precommitting(ctx, txid);
    return;
  }
  conclude(ctx, txid, false);  // every reachable state uncertain: nobody can have committed
}

void Node::start_precommitting(Context& ctx, TxId txid) {
  Doubt& d = doubts_.at(txid);
  if (ledger_.state(txid) == TxState::prepared) {
    ledger_.precommit(ctx.storage(), txid);  // synced before any PreCommit leaves
    durable(ctx, txid);
    annotate_participant(ctx);
  }
  d.precommitting_since_ns = ctx.now();
  d.last_sent_ns = ctx.now();
  d.waiting.clear();
  d.acked.clear();
  for (const auto& [node, s] : d.states) {
    if (node != commit::kCoordinator && node != ctx.self() && s == TxState::prepared) d.waiting.insert(node);
  }
  if (d.waiting.empty()) {
    conclude(ctx, txid, true);
    return;
  }
  const std::vector<NodeId> participants = ledger_.find(txid)->participants;
  for (NodeId p : participants) {
    if (p != ctx.self()) send(ctx, p, commit::make_for<commit::PreCommit>(txid));
  }
}

void Node::on_precommit_ack(Context& ctx, NodeId from, TxId txid) {
  auto it = doubts_.find(txid);
  if (it == doubts_.end() || !it->second.precommitting_since_ns) return;
  Doubt& d = it->second;
  d.acked.insert(from);
  for (NodeId p : d.waiting) {
    if (!d.acked.count(p)) return;
  }
  conclude(ctx, txid, true);
}

void Node::conclude(Context& ctx, TxId txid, bool commit) {
  const TxRecord* r = ledger_.find(txid);
  assert(r);
  const std::vector<NodeId> participants = r->participants;
  apply_decision(ctx, txid, commit);
  send(ctx, commit::kCoordinator, commit::make_decision(txid, commit));
  for (NodeId p : participants) {
    if (p != ctx.self()) send(ctx, p, commit::make_decision(txid, commit));
  }
}

void Node::participant_tick(Context& ctx, bool slow) {
  (void)slow;
  const TimeNs now = ctx.now();
  std::vector<TxId> finished, precommitted, aborted_by_bug;
  for (auto& [txid, d] : doubts_) {
    const TxRecord* r = ledger_.find(txid);
    if (d.precommitting_since_ns) {
      if (now - *d.precommitting_since_ns >= options_.termination_timeout_ns) {
        precommitted.push_back(txid);  // fail-stop: the silent ones crashed
      } else if (now - d.last_sent_ns >= fast_ns()) {
        for (NodeId p : d.waiting) {
          if (!d.acked.count(p)) send(ctx, p, commit::make_for<commit::PreCommit>(txid));
        }
        d.last_sent_ns = now;
      }
      continue;
    }
    if (d.terminating_since_ns) {
      if (now - *d.terminating_since_ns >= options_.termination_timeout_ns) {
        finished.push_back(txid);
      } else if (now - d.last_sent_ns >= fast_ns()) {
        // Resend to whoever has not answered (loss), fast: silence here is read as a crash.
        if (!d.states.count(commit::kCoordinator)) send(ctx, commit::kCoordinator, commit::make_for<commit::StateRequest>(txid));
        for (NodeId p : r->participants) {
          if (p != ctx.self() && !d.states.count(p)) send(ctx, p, commit::make_for<commit::StateRequest>(txid));
        }
        d.last_sent_ns = now;
      }
      continue;
    }
    // Ranked delays order the backups of a live cluster; a node that recovered in doubt asks at once.
    const TimeNs wait = options_.decision_timeout_ns +
                        (d.recovered ? 0 : static_cast<TimeNs>(rank(txid, ctx.self())) * options_.termination_timeout_ns);
    if (now - d.quiet_since_ns < wait) continue;
    if (options_.bug_precommit_timeout_aborts && ledger_.state(txid) == TxState::precommitted) {
      aborted_by_bug.push_back(txid);  // BUG: gives up on a transaction that may have committed
      continue;
    }
    start_termination(ctx, txid, d);
  }
  for (TxId txid : finished) {
    if (doubts_.count(txid)) finish_termination(ctx, txid);
  }
  for (TxId txid : precommitted) {
    if (doubts_.count(txid)) conclude(ctx, txid, true);
  }
  for (TxId txid : aborted_by_bug) {
    if (doubts_.count(txid)) apply_decision(ctx, txid, false);
  }
}

void Node::annotate_participant(Context& ctx) { ctx.annotate("ledger", ledger_.annotation()); }

}  // namespace dsim::threepc
