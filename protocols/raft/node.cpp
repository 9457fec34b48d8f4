#include "protocols/raft/node.h"

#include <algorithm>
#include <cassert>

namespace dsim::raft {

namespace {
constexpr std::uint64_t kElectionTag = 1;
constexpr std::uint64_t kHeartbeatTag = 2;
constexpr const char* kHardStateKey = "hard";
// Unconfirmed heartbeat rounds a leader remembers; older ones are forgotten (which only loses
// lease extensions), so a leader cut off from its followers cannot grow without bound.
constexpr std::size_t kRoundsMax = 256;
}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::pre_candidate: return "pre-candidate";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

// ---- Start ---------------------------------------------------------------------------------------

void Node::on_start(Context& ctx) {
  self_ = ctx.self();
  cluster_size_ = ctx.cluster_size();
  assert(cluster_size_ >= 1);
  HardState hard;
  if (ctx.storage().get_value(kHardStateKey, hard)) {
    term_ = hard.term;
    voted_for_ = hard.voted_for;
  }
  const std::size_t synced_before = ctx.storage().unsynced_count();
  log_.load(ctx.storage());
  dirty_ = ctx.storage().unsynced_count() != synced_before;
  flush(ctx);
  // The commit index is volatile (Raft figure 2): it is learned again from the leader, and the
  // state machine is rebuilt by applying the log from the start.
  role_ = Role::follower;
  progress_.assign(cluster_size_, Progress{});
  votes_.assign(cluster_size_, 0);
  reset_election_deadline(ctx, random_election_timeout(ctx));
  annotate(ctx);
}

// ---- Durability ----------------------------------------------------------------------------------

void Node::persist_hard_state(Context& ctx) {
  HardState hard{term_, voted_for_};
  // The bug: the vote lives only in memory, so a node that crashes after voting can vote again in
  // the same term for someone else.
  if (options_.bugs.vote_not_persisted) hard.voted_for.reset();
  ctx.storage().put_value(kHardStateKey, hard);
  dirty_ = true;
}

void Node::flush(Context& ctx) {
  if (!dirty_) return;
  ctx.storage().sync();
  dirty_ = false;
}

void Node::reply(Context& ctx, const Request& request, Reply r) {
  flush(ctx);
  ctx.reply(request, std::move(r));
}

// ---- Timers --------------------------------------------------------------------------------------

TimeNs Node::random_election_timeout(Context& ctx) {
  return ctx.rng().between(options_.election_timeout_min_ns, options_.election_timeout_max_ns);
}

void Node::reset_election_deadline(Context& ctx, TimeNs timeout_ns) {
  election_deadline_ns_ = ctx.now() + timeout_ns;
  arm_election_timer(ctx);
}

// One election timer, re-armed lazily: hearing from the leader only moves the deadline, and a
// timer that fires early re-arms for the rest. A deadline moved earlier re-arms at once, so
// timeouts stay exactly as randomized.
void Node::arm_election_timer(Context& ctx) {
  if (election_timer_ && election_timer_due_ns_ <= election_deadline_ns_) return;
  if (election_timer_) ctx.cancel_timer(*election_timer_);
  const TimeNs after_ns = std::max<TimeNs>(0, election_deadline_ns_ - ctx.now());
  election_timer_ = ctx.set_timer(after_ns, kElectionTag);
  election_timer_due_ns_ = ctx.now() + after_ns;
}

void Node::on_timer(Context& ctx, TimerId timer, std::uint64_t tag) {
  if (tag == kElectionTag && election_timer_ == timer) {
    election_timer_.reset();
    on_election_timer(ctx);
  } else if (tag == kHeartbeatTag && heartbeat_timer_ == timer) {
    heartbeat_timer_.reset();
    on_heartbeat_timer(ctx);
  }
  annotate(ctx);
}

void Node::on_election_timer(Context& ctx) {
  if (ctx.now() < election_deadline_ns_) {
    arm_election_timer(ctx);
    return;
  }
  if (role_ == Role::leader) {
    // CheckQuorum: a leader that has not heard from a quorum in an election timeout steps down,
    // so that a partitioned leader stops serving (and stops holding followers' vote leases).
    std::uint64_t active = 1;
    for (NodeId peer = 0; peer < cluster_size_; ++peer) {
      if (peer == self_) continue;
      active += progress_[peer].recent_active ? 1 : 0;
      progress_[peer].recent_active = false;
    }
    if (options_.check_quorum && active < quorum()) {
      become_follower(ctx, term_, std::nullopt);
      return;
    }
    reset_election_deadline(ctx, options_.election_timeout_min_ns);
    return;
  }
  campaign(ctx, options_.prevote);
}

void Node::on_heartbeat_timer(Context& ctx) {
  if (role_ != Role::leader) return;
  heartbeat_timer_ = ctx.set_timer(options_.heartbeat_ns, kHeartbeatTag);
  start_round(ctx);
  for (NodeId peer = 0; peer < cluster_size_; ++peer) {
    if (peer == self_) continue;
    progress_[peer].paused = false;  // a heartbeat also retries a probe whose answer was lost
    send_append(ctx, peer, /*send_if_empty=*/true);
  }
  serve_reads(ctx);
}

// ---- Roles ---------------------------------------------------------------------------------------

void Node::drop_leader_state(Context& ctx) {
  if (heartbeat_timer_) ctx.cancel_timer(*heartbeat_timer_);
  heartbeat_timer_.reset();
  rounds_.clear();
  lease_until_ns_ = 0;
  // Reads change nothing, so "not here" is true for every read not yet answered.
  for (const PendingRead& read : reads_) reply(ctx, read.request, Reply::redirect(std::nullopt, "lost leadership"));
  reads_.clear();
}

void Node::become_follower(Context& ctx, std::uint64_t term, std::optional<NodeId> leader) {
  assert(term >= term_);
  if (term > term_) {
    term_ = term;
    voted_for_.reset();
    persist_hard_state(ctx);
  }
  if (role_ == Role::leader) drop_leader_state(ctx);
  role_ = Role::follower;
  leader_ = leader;
  reset_election_deadline(ctx, random_election_timeout(ctx));
}

// Whether this node heard from a live leader less than an election timeout ago. With
// CheckQuorum on, such a node ignores vote requests (etcd's "leader lease"): a node that was cut
// off and comes back with a higher term cannot depose a healthy leader.
bool Node::in_vote_lease(Context& ctx) const {
  if (!options_.check_quorum || !leader_) return false;
  if (role_ == Role::leader) return true;
  return heard_leader_ && ctx.now() - last_heard_leader_ns_ < options_.election_timeout_min_ns;
}

void Node::campaign(Context& ctx, bool pre_vote) {
  if (pre_vote) {
    // PreVote (thesis §9.6): ask first whether we could win, without touching the term, so a
    // node that was partitioned away does not disrupt the cluster when it returns.
    role_ = Role::pre_candidate;
  } else {
    role_ = Role::candidate;
    ++term_;
    voted_for_ = self_;
    persist_hard_state(ctx);
  }
  leader_.reset();
  votes_.assign(cluster_size_, 0);
  votes_[self_] = 1;
  reset_election_deadline(ctx, random_election_timeout(ctx));
  const RequestVote request = RequestVote::make(pre_vote ? term_ + 1 : term_, log_.last_index(), log_.last_term(), pre_vote);
  for (NodeId peer = 0; peer < cluster_size_; ++peer) {
    if (peer != self_) send(ctx, peer, request);
  }
  tally_votes(ctx);  // a one-node cluster wins at once
}

void Node::tally_votes(Context& ctx) {
  std::uint64_t granted = 0, rejected = 0;
  for (const std::int8_t v : votes_) {
    granted += v > 0 ? 1 : 0;
    rejected += v < 0 ? 1 : 0;
  }
  if (granted >= quorum()) {
    if (role_ == Role::pre_candidate) return campaign(ctx, /*pre_vote=*/false);
    if (role_ == Role::candidate) return become_leader(ctx);
  } else if (rejected >= quorum()) {
    become_follower(ctx, term_, std::nullopt);
  }
}

void Node::become_leader(Context& ctx) {
  assert(role_ == Role::candidate);
  role_ = Role::leader;
  leader_ = self_;
  progress_.assign(cluster_size_, Progress{});
  for (Progress& p : progress_) p.next = log_.last_index() + 1;
  reads_.clear();
  rounds_.clear();
  lease_until_ns_ = 0;
  // The no-op of the new term (Raft §8): committing it commits every earlier entry, and until
  // it commits the leader does not know the commit index, so reads wait for it.
  if (options_.leader_noop) {
    Entry noop;
    noop.term = term_;
    noop.index = log_.last_index() + 1;
    log_.append(ctx.storage(), std::move(noop));
    dirty_ = true;
  }
  progress_[self_].match = log_.last_index();
  progress_[self_].next = log_.last_index() + 1;
  heartbeat_timer_ = ctx.set_timer(options_.heartbeat_ns, kHeartbeatTag);
  reset_election_deadline(ctx, options_.election_timeout_min_ns);  // the CheckQuorum period
  start_round(ctx);
  broadcast_append(ctx, /*send_if_empty=*/true);
  maybe_commit(ctx);
}

// ---- Messages ------------------------------------------------------------------------------------

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  assert(from < cluster_size_ && from != self_);
  if (const auto* m = message.as<AppendEntries>()) {
    handle_append(ctx, from, *m);
  } else if (const auto* m = message.as<AppendEntriesResponse>()) {
    handle_append_response(ctx, from, *m);
  } else if (const auto* m = message.as<RequestVote>()) {
    handle_request_vote(ctx, from, *m);
  } else if (const auto* m = message.as<RequestVoteResponse>()) {
    handle_vote_response(ctx, from, *m);
  }
  flush(ctx);
  annotate(ctx);
}

void Node::handle_request_vote(Context& ctx, NodeId from, const RequestVote& m) {
  if (m.term > term_ && in_vote_lease(ctx)) return;  // ignored, not even answered (etcd)
  if (m.term < term_) {
    // Tell the stale candidate our term so that it steps down.
    send(ctx, from, RequestVoteResponse::make(term_, false, m.pre_vote));
    return;
  }
  const TimeNs deadline_before_ns = election_deadline_ns_;
  if (m.term > term_ && !m.pre_vote) become_follower(ctx, m.term, std::nullopt);
  // A pre-vote for a later term is granted on the log alone; a vote in this term needs that we
  // have not voted for someone else (and, for a pre-vote in this term, know of no leader).
  const bool can_vote = voted_for_ == from || (!voted_for_ && !leader_) || (m.pre_vote && m.term > term_);
  const bool log_ok = options_.bugs.vote_without_log_check || log_.is_up_to_date(m.last_log_term, m.last_log_index);
  if (can_vote && log_ok) {
    if (!m.pre_vote) {
      voted_for_ = from;
      persist_hard_state(ctx);
      reset_election_deadline(ctx, random_election_timeout(ctx));
    }
    if (!m.pre_vote && options_.bugs.keep_timer_on_vote) {
      // The bug: neither stepping to the candidate's term nor the vote restarts the timer, so a
      // voter whose timeout was near campaigns against the leader it just elected.
      election_deadline_ns_ = deadline_before_ns;
      arm_election_timer(ctx);
    }
    send(ctx, from, RequestVoteResponse::make(m.term, true, m.pre_vote));  // send() syncs the vote first
  } else {
    send(ctx, from, RequestVoteResponse::make(term_, false, m.pre_vote));
  }
}

void Node::handle_vote_response(Context& ctx, NodeId from, const RequestVoteResponse& m) {
  if (m.term > term_ && !(m.pre_vote && m.granted)) {
    if (ignores_higher_term_reply()) return;
    become_follower(ctx, m.term, std::nullopt);
    return;
  }
  if (m.pre_vote) {
    if (role_ != Role::pre_candidate) return;
    if (m.granted ? m.term != term_ + 1 : m.term < term_) return;  // an old round's answer
  } else {
    if (role_ != Role::candidate || m.term != term_) return;
  }
  votes_[from] = m.granted ? 1 : -1;
  tally_votes(ctx);
}

void Node::handle_append(Context& ctx, NodeId from, const AppendEntries& m) {
  if (m.term < term_) {
    if (!options_.bugs.accept_stale_append) {
      // Our term tells the deposed leader to step down.
      send(ctx, from, AppendEntriesResponse::reject(term_, m.prev_index, 0, 0, m.seq));
      return;
    }
    // The bug: the follower never compares terms, so it takes a deposed leader's entries as if
    // it still led, and answers in the leader's term, so the deposed leader never learns.
  } else {
    if (m.term > term_ || role_ != Role::follower) {
      if (role_ == Role::leader && m.term == term_) return;  // two leaders in one term: impossible
      become_follower(ctx, m.term, from);
    }
    leader_ = from;
    heard_leader_ = true;
    last_heard_leader_ns_ = ctx.now();
    reset_election_deadline(ctx, random_election_timeout(ctx));
  }
  const std::uint64_t reply_term = m.term < term_ ? m.term : term_;  // only the bug lets m.term < term_ here
  if (m.prev_index < commit_) {
    // Everything up to our commit index matches any leader's log (log matching + leader
    // completeness); tell the leader where we are.
    send(ctx, from, AppendEntriesResponse::accept(reply_term, commit_, m.seq));
    return;
  }
  if (m.prev_index > log_.last_index() || log_.term_at(m.prev_index) != m.prev_term) {
    // The consistency check failed. Fast backtracking (etcd): offer the largest index that could
    // still match, so the leader skips a whole term of conflicting entries per round trip.
    const std::uint64_t hint = log_.find_conflict_by_term(std::min(m.prev_index, log_.last_index()), m.prev_term);
    send(ctx, from, AppendEntriesResponse::reject(reply_term, m.prev_index, hint, log_.term_at(hint), m.seq));
    return;
  }
  // Append, truncating at the first conflict only: entries we already hold may be followed by
  // entries of this leader that a reordered, older message did not carry.
  for (const Entry& e : m.entries) {
    assert(e.index >= 1);
    if (e.index <= log_.last_index()) {
      if (log_.term_at(e.index) == e.term) continue;
      if (options_.bugs.no_truncate_on_conflict) {
        log_.overwrite(ctx.storage(), e);  // the bug: the stale tail after it survives
        dirty_ = true;
        continue;
      }
      log_.truncate_from(ctx.storage(), e.index);
    }
    if (e.index != log_.last_index() + 1) break;  // defensive: never leave a gap
    log_.append(ctx.storage(), e);
    dirty_ = true;
  }
  const std::uint64_t last_new = m.prev_index + m.entries.size();
  flush(ctx);  // the entries are durable before the leader may count them
  // Only up to the last entry this message vouches for: beyond it our log may still differ.
  const std::uint64_t commit = std::min(m.commit, std::min(last_new, log_.last_index()));
  if (commit > commit_) advance_commit(ctx, commit);
  send(ctx, from, AppendEntriesResponse::accept(reply_term, last_new, m.seq));
}

void Node::handle_append_response(Context& ctx, NodeId from, const AppendEntriesResponse& m) {
  if (m.term > term_) {
    if (ignores_higher_term_reply()) return;
    become_follower(ctx, m.term, std::nullopt);
    return;
  }
  if (role_ != Role::leader || m.term < term_) return;
  Progress& p = progress_[from];
  p.recent_active = true;
  p.acked_seq = std::max(p.acked_seq, m.seq);
  if (!m.success) {
    std::uint64_t next_probe = m.hint_index;
    if (m.hint_term > 0) next_probe = log_.find_conflict_by_term(m.hint_index, m.hint_term);
    // etcd's Progress.MaybeDecrTo: ignore rejections of messages sent before the current probe.
    bool decreased = false;
    if (p.state == Progress::State::replicate) {
      if (m.index > p.match) {
        p.state = Progress::State::probe;
        p.next = p.match + 1;
        decreased = true;
      }
    } else if (p.next - 1 == m.index) {
      p.next = std::max(std::min(m.index, next_probe + 1), p.match + 1);
      decreased = true;
    }
    if (decreased) {
      p.paused = false;
      send_append(ctx, from, /*send_if_empty=*/true);
    }
  } else {
    const bool was_paused = p.paused;
    bool updated = false;
    if (m.index > p.match) {
      p.match = m.index;
      updated = true;
    }
    p.next = std::max(p.next, m.index + 1);
    p.paused = false;
    if (updated && p.state == Progress::State::probe) {
      p.state = Progress::State::replicate;
      p.next = p.match + 1;
    }
    // A new commit index reaches followers with the next AppendEntries or heartbeat rather than
    // an extra broadcast (etcd broadcasts): clients hear from the leader, and a follower's commit
    // index matters only once it leads, when it learns it again anyway. Halves the messages.
    if (updated) maybe_commit(ctx);
    if (updated || was_paused) {
      // Keep the pipe full: bounded by the in-flight window and the log's end.
      for (std::uint32_t i = 0; i < options_.max_inflight_msgs && send_append(ctx, from, false); ++i) {
      }
    }
  }
  serve_reads(ctx);
}

// ---- Leader --------------------------------------------------------------------------------------

bool Node::send_append(Context& ctx, NodeId peer, bool send_if_empty) {
  assert(role_ == Role::leader && peer != self_);
  Progress& p = progress_[peer];
  if (p.state == Progress::State::probe && p.paused) return false;
  const std::uint64_t window = static_cast<std::uint64_t>(options_.max_inflight_msgs) * options_.max_append_entries;
  const bool window_full = p.state == Progress::State::replicate && p.next - 1 - p.match >= window;
  AppendEntries m;
  m.term = term_;
  m.prev_index = p.next - 1;
  m.prev_term = log_.term_at(m.prev_index);
  if (!window_full) m.entries = log_.slice(p.next, options_.max_append_entries);
  if (m.entries.empty() && !send_if_empty) return false;
  m.commit = commit_;
  m.seq = seq_;
  if (p.state == Progress::State::replicate && !m.entries.empty()) p.next = m.entries.back().index + 1;
  if (p.state == Progress::State::probe) p.paused = true;
  send(ctx, peer, std::move(m));
  return true;
}

void Node::broadcast_append(Context& ctx, bool send_if_empty) {
  for (NodeId peer = 0; peer < cluster_size_; ++peer) {
    if (peer != self_) send_append(ctx, peer, send_if_empty);
  }
}

void Node::start_round(Context& ctx) {
  ++seq_;
  rounds_.push_back(Round{seq_, ctx.now()});
  if (rounds_.size() > kRoundsMax) rounds_.pop_front();
}

void Node::propose(Context& ctx, Entry entry) {
  assert(role_ == Role::leader);
  entry.term = term_;
  entry.index = log_.last_index() + 1;
  log_.append(ctx.storage(), std::move(entry));
  dirty_ = true;
  flush(ctx);  // the leader counts itself only once the entry is durable
  progress_[self_].match = log_.last_index();
  progress_[self_].next = log_.last_index() + 1;
  maybe_commit(ctx);  // a one-node cluster commits at once
  broadcast_append(ctx, /*send_if_empty=*/false);
}

std::uint64_t Node::quorum_largest(std::vector<std::uint64_t>& values) const {
  assert(values.size() == cluster_size_);
  // Insertion sort, largest first: clusters are a handful of nodes, where it beats the setup
  // of std::sort or nth_element.
  for (std::size_t i = 1; i < values.size(); ++i) {
    const std::uint64_t v = values[i];
    std::size_t j = i;
    for (; j > 0 && values[j - 1] < v; --j) values[j] = values[j - 1];
    values[j] = v;
  }
  return values[quorum() - 1];
}

bool Node::maybe_commit(Context& ctx) {
  // The quorum-th largest match index is stored on a majority.
  std::vector<std::uint64_t>& matches = scratch_;
  matches.clear();
  for (const Progress& p : progress_) matches.push_back(p.match);
  const std::uint64_t index = quorum_largest(matches);
  if (index <= commit_) return false;
  // Raft §5.4.2: only an entry of the current term is committed by counting replicas; earlier
  // ones follow it. The bug counts replicas of an earlier term's entry too (figure 8).
  if (log_.term_at(index) != term_ && !options_.bugs.commit_old_term) return false;
  advance_commit(ctx, index);
  return true;
}

// Reads answered after the leader confirmed, with a heartbeat round started after the read
// arrived, that it still led (ReadIndex, thesis §6.4), or from its lease.
void Node::serve_reads(Context& ctx) {
  if (role_ != Role::leader) return;
  // The latest round a quorum (counting ourselves) has answered.
  std::vector<std::uint64_t>& acked = scratch_;
  acked.clear();
  for (NodeId peer = 0; peer < cluster_size_; ++peer) acked.push_back(peer == self_ ? seq_ : progress_[peer].acked_seq);
  const std::uint64_t confirmed = quorum_largest(acked);
  // A confirmed round extends the lease from the moment it was sent: every follower that
  // answered heard from us after that moment, and refuses votes for an election timeout.
  while (!rounds_.empty() && rounds_.front().seq <= confirmed) {
    lease_until_ns_ = std::max(lease_until_ns_, rounds_.front().sent_ns + options_.lease_ns);
    rounds_.pop_front();
  }
  if (!committed_in_current_term()) return;  // the commit index is not known yet
  while (!reads_.empty()) {
    PendingRead& read = reads_.front();
    if (read.seq > confirmed) break;
    if (read.read_index == 0) read.read_index = commit_;
    if (applied_ < read.read_index) break;
    reply(ctx, read.request, state_machine_.read(read.request.f, read.request.key.value_or("")).to_reply());
    reads_.pop_front();
  }
}

// ---- Applying ------------------------------------------------------------------------------------

void Node::advance_commit(Context& ctx, std::uint64_t commit) {
  assert(commit > commit_ && commit <= log_.last_index());
  commit_ = commit;
  // Apply in log order. Bounded by the commit index, which is bounded by the log.
  while (applied_ < commit_) {
    ++applied_;
    const Entry& entry = log_.at(applied_);
    const Outcome outcome = state_machine_.apply(entry);
    auto it = waiting_.find(applied_);
    if (it == waiting_.end()) continue;
    for (const Request& request : it->second) {
      if (!entry.is_noop() && entry.client == request.client && entry.request_id == request.id) {
        reply(ctx, request, outcome.to_reply());
      } else {
        // Another entry won this index, so the one proposed for this attempt is gone for good
        // (no leader will ever commit it): this attempt did not take effect.
        reply(ctx, request, Reply::redirect(leader_ == self_ ? std::nullopt : leader_, "entry overwritten"));
      }
    }
    waiting_count_ -= it->second.size();
    waiting_.erase(it);
  }
  serve_reads(ctx);
}

// ---- Clients -------------------------------------------------------------------------------------

void Node::on_request(Context& ctx, const Request& request) {
  const std::string problem = check_arguments(request.f, request.value);
  if (!problem.empty()) return reply(ctx, request, Reply::fail(problem));
  const bool is_read = is_read_operation(request.f);
  if (options_.bugs.unconfirmed_leader_read && is_read && role_ == Role::leader) {
    // The bug: a deposed leader that has not noticed yet answers from stale state.
    return reply(ctx, request, state_machine_.read(request.f, request.key.value_or("")).to_reply());
  }
  if (role_ != Role::leader) return reply(ctx, request, Reply::redirect(leader_));
  if (is_read && options_.read_mode != ReadMode::log) {
    if (options_.read_mode == ReadMode::lease && ctx.now() < lease_until_ns_ && committed_in_current_term() &&
        applied_ == commit_) {
      // Safe only while clocks run at the same rate: the lease is measured on our clock, the
      // followers' vote leases on theirs.
      return reply(ctx, request, state_machine_.read(request.f, request.key.value_or("")).to_reply());
    }
    if (reads_.size() >= options_.max_pending_requests) return reply(ctx, request, Reply::fail("busy"));
    if (!options_.leader_noop && log_.last_term() != term_) {
      // Without the automatic no-op, a read is what needs an entry of this term committed: make
      // one now rather than wait for a client write that may never come.
      propose(ctx, Entry{});
    }
    start_round(ctx);
    reads_.push_back(PendingRead{request, seq_, 0});
    for (NodeId peer = 0; peer < cluster_size_; ++peer) {
      if (peer == self_) continue;
      progress_[peer].paused = false;
      send_append(ctx, peer, /*send_if_empty=*/true);
    }
    serve_reads(ctx);
    annotate(ctx);
    return;
  }
  if (waiting_count_ >= options_.max_pending_requests) return reply(ctx, request, Reply::fail("busy"));
  Entry entry;
  entry.client = request.client;
  entry.request_id = request.id;
  entry.f = request.f;
  entry.key = request.key;
  entry.value = request.value;
  const std::uint64_t index = log_.last_index() + 1;
  waiting_[index].push_back(request);
  ++waiting_count_;
  propose(ctx, std::move(entry));
  annotate(ctx);
}

// ---- Trace ---------------------------------------------------------------------------------------

void Node::annotate(Context& ctx) {
  const bool all = !shown_.any;
  shown_.any = true;
  if (all || shown_.role != role_) ctx.annotate("role", role_name(role_));
  if (all || shown_.term != term_) ctx.annotate("term", term_);
  if (all || shown_.commit != commit_) ctx.annotate("commit", commit_);
  if (all || shown_.last != log_.last_index()) ctx.annotate("last_index", log_.last_index());
  if (all || shown_.leader != leader_) {
    ctx.annotate("leader", leader_ ? nlohmann::json(*leader_) : nlohmann::json(nullptr));
  }
  shown_.role = role_;
  shown_.term = term_;
  shown_.commit = commit_;
  shown_.last = log_.last_index();
  shown_.leader = leader_;
}

}  // namespace dsim::raft
