// One Raft node: a pure state machine driven by the Process handlers, in the shape of etcd/raft.
// All I/O goes through the Context; durable state (term, vote, log) is synced before anything
// that depends on it leaves the node.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "protocols/raft/log.h"
#include "protocols/raft/messages.h"
#include "protocols/raft/options.h"
#include "protocols/raft/state_machine.h"
#include "sim/node/process.h"

namespace dsim::raft {

enum class Role : std::uint8_t { follower, pre_candidate, candidate, leader };
const char* role_name(Role role);

// The durable part of a node besides its log (etcd's HardState).
struct HardState {
  std::uint64_t term = 0;
  std::optional<NodeId> voted_for;
  DSIM_FIELDS(term, voted_for)
};

// What a leader knows of one follower (etcd's Progress, without snapshots).
struct Progress {
  enum class State : std::uint8_t {
    probe,      // unsure where the logs match: one AppendEntries at a time, backtracking
    replicate,  // matching: stream entries optimistically, within the in-flight window
  };
  State state = State::probe;
  std::uint64_t match = 0;  // highest index known to be replicated there
  std::uint64_t next = 1;   // next index to send
  bool paused = false;      // probe: an AppendEntries is out, wait for its answer or a heartbeat
  bool recent_active = false;  // heard from since the last CheckQuorum round
  std::uint64_t acked_seq = 0;  // highest heartbeat round it answered in this term
};

class Node final : public Process {
 public:
  explicit Node(const Options& options) : options_(options) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

  // ---- For the observer (read-only) ----
  Role role() const { return role_; }
  std::uint64_t term() const { return term_; }
  std::uint64_t commit() const { return commit_; }
  std::uint64_t applied() const { return applied_; }
  std::optional<NodeId> leader() const { return leader_; }
  const RaftLog& log() const { return log_; }
  const StateMachine& state_machine() const { return state_machine_; }

 private:
  // ---- Messages ----
  void handle_request_vote(Context& ctx, NodeId from, const RequestVote& m);
  void handle_vote_response(Context& ctx, NodeId from, const RequestVoteResponse& m);
  void handle_append(Context& ctx, NodeId from, const AppendEntries& m);
  void handle_append_response(Context& ctx, NodeId from, const AppendEntriesResponse& m);

  // ---- Roles ----
  void become_follower(Context& ctx, std::uint64_t term, std::optional<NodeId> leader);
  void campaign(Context& ctx, bool pre_vote);
  void become_leader(Context& ctx);
  void tally_votes(Context& ctx);
  bool in_vote_lease(Context& ctx) const;

  // ---- Timers ----
  void reset_election_deadline(Context& ctx, TimeNs timeout_ns);
  TimeNs random_election_timeout(Context& ctx);
  void arm_election_timer(Context& ctx);
  void on_election_timer(Context& ctx);
  void on_heartbeat_timer(Context& ctx);

  // ---- Durability ----
  void persist_hard_state(Context& ctx);
  // Syncs pending writes; called before anything leaves the node.
  void flush(Context& ctx);
  template <class M>
  void send(Context& ctx, NodeId to, M message) {
    flush(ctx);
    ctx.send(to, std::move(message));
  }
  void reply(Context& ctx, const Request& request, Reply reply);

  // ---- Leader ----
  void propose(Context& ctx, Entry entry);
  bool send_append(Context& ctx, NodeId peer, bool send_if_empty);
  void broadcast_append(Context& ctx, bool send_if_empty);
  void start_round(Context& ctx);  // a heartbeat round: leadership confirmation for reads
  bool maybe_commit(Context& ctx);
  // The bug ignore-higher-term-reply: a leader or (pre-)candidate drops a reply of a higher term
  // instead of stepping down, so it goes on in its stale term.
  bool ignores_higher_term_reply() const { return options_.bugs.ignore_higher_term_reply && role_ != Role::follower; }
  bool committed_in_current_term() const { return log_.term_at(commit_) == term_; }
  std::uint64_t quorum() const { return cluster_size_ / 2 + 1; }
  // The quorum-th largest of one value per node: what a majority has reached. Reorders `values`.
  std::uint64_t quorum_largest(std::vector<std::uint64_t>& values) const;
  void serve_reads(Context& ctx);
  void drop_leader_state(Context& ctx);

  // ---- Applying ----
  void advance_commit(Context& ctx, std::uint64_t commit);

  void annotate(Context& ctx);

  Options options_;
  NodeId self_ = 0;
  std::uint32_t cluster_size_ = 1;
  bool dirty_ = false;  // storage writes not yet synced

  // Durable.
  std::uint64_t term_ = 0;
  std::optional<NodeId> voted_for_;
  RaftLog log_;

  // Volatile.
  Role role_ = Role::follower;
  std::optional<NodeId> leader_;
  std::uint64_t commit_ = 0;
  std::uint64_t applied_ = 0;
  StateMachine state_machine_;
  TimeNs last_heard_leader_ns_ = 0;  // local time of the last AppendEntries from the leader
  bool heard_leader_ = false;

  // Elections. votes_[i]: 0 no answer, 1 granted, -1 rejected.
  std::vector<std::int8_t> votes_;
  TimeNs election_deadline_ns_ = 0;  // local time
  std::optional<TimerId> election_timer_;
  TimeNs election_timer_due_ns_ = 0;

  // Leader.
  std::vector<Progress> progress_;
  std::optional<TimerId> heartbeat_timer_;
  std::uint64_t seq_ = 0;  // the latest heartbeat round
  struct Round {
    std::uint64_t seq = 0;
    TimeNs sent_ns = 0;  // local time the round was sent: the lease starts there
  };
  std::deque<Round> rounds_;  // unconfirmed rounds, oldest first
  TimeNs lease_until_ns_ = 0;  // local time; reads may be served locally before it (lease mode)
  struct PendingRead {
    Request request;
    std::uint64_t seq = 0;         // the round that confirms leadership for it
    std::uint64_t read_index = 0;  // set once confirmed: serve when applied reaches it
  };
  std::deque<PendingRead> reads_;

  std::vector<std::uint64_t> scratch_;  // quorum_largest's input, kept to avoid an allocation per call

  // Client requests waiting for the entry proposed for them at an index to be applied.
  std::map<std::uint64_t, std::vector<Request>> waiting_;
  std::size_t waiting_count_ = 0;

  // What the trace last heard (annotations are sent only on change).
  struct Shown {
    Role role = Role::follower;
    std::uint64_t term = ~0ull, commit = ~0ull, last = ~0ull;
    std::optional<NodeId> leader;
    bool any = false;
  } shown_;
};

}  // namespace dsim::raft
