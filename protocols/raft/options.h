// The parameters of a Raft cluster (cluster.params) and its known-bug switches (cluster.bugs).
// One reader serves both validation (with precise errors) and construction, so they cannot
// disagree about names or defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/core/time.h"
#include "sim/scenario/json_reader.h"

namespace dsim::raft {

enum class ReadMode { log, read_index, lease };

struct Bugs {
  bool commit_old_term = false;          // figure 8: count replicas of an earlier term's entry
  bool vote_without_log_check = false;   // grant votes to candidates with stale logs
  bool vote_not_persisted = false;       // the vote lives only in memory
  bool unconfirmed_leader_read = false;  // a leader answers reads without confirming leadership
  bool no_truncate_on_conflict = false;  // overwrite a conflicting entry but keep the stale tail
  bool accept_stale_append = false;      // accept AppendEntries from a leader of an older term
  // Liveness-only bugs, there to test the leader-stability oracle (leader_stable_within_ms):
  bool ignore_higher_term_reply = false;  // a leader or candidate ignores a reply of a higher term
  bool keep_timer_on_vote = false;        // granting a vote does not reset the election timer
};

struct Options {
  TimeNs election_timeout_min_ns = 150 * kNsPerMs;
  TimeNs election_timeout_max_ns = 300 * kNsPerMs;
  TimeNs heartbeat_ns = 50 * kNsPerMs;
  bool prevote = true;
  bool check_quorum = true;
  ReadMode read_mode = ReadMode::log;
  TimeNs lease_ns = 100 * kNsPerMs;
  std::uint32_t max_append_entries = 64;    // entries per AppendEntries
  std::uint32_t max_inflight_msgs = 16;     // full AppendEntries in flight per follower
  std::uint32_t max_pending_requests = 1024;  // client requests a node holds awaiting commit
  // A new leader appends an empty entry of its term (Raft §8), which commits every earlier entry
  // at once. Without it (the basic algorithm of §5) earlier entries wait for the next client
  // write; a ReadIndex or lease read that finds no entry of the leader's term appends one.
  bool leader_noop = true;
  // The leader-stability oracle (protocols/raft/leadership.h): a leader that keeps its office to
  // the end must be in office by calm + this. Not part of the protocol: it changes no run.
  std::optional<TimeNs> leader_stable_within_ns;
  Bugs bugs;
};

// Reads (and checks) every parameter; calls params.finish(). Problems go to params.diag().
Options read_options(ObjectReader& params);

// The known-bug switches by name, for ProtocolInfo and for tests.
struct BugInfo {
  const char* name;
  const char* summary;
  bool Bugs::*flag;
};
inline constexpr BugInfo kBugs[] = {
    {"commit-old-term",
     "a leader commits an entry of an earlier term by counting its replicas (Raft paper, figure 8)",
     &Bugs::commit_old_term},
    {"vote-without-log-check", "votes are granted without checking the candidate's log is up to date",
     &Bugs::vote_without_log_check},
    {"vote-not-persisted", "the vote is not made durable before the vote is answered, so a restart forgets it",
     &Bugs::vote_not_persisted},
    {"unconfirmed-leader-read",
     "a leader answers reads from its own state without confirming it is still the leader",
     &Bugs::unconfirmed_leader_read},
    {"no-truncate-on-conflict",
     "a follower overwrites a conflicting entry but keeps the stale entries after it",
     &Bugs::no_truncate_on_conflict},
    {"accept-stale-append", "a follower accepts AppendEntries from a leader of an older term",
     &Bugs::accept_stale_append},
    // The two below break no safety property; they exist to test the leader-stability oracle.
    {"ignore-higher-term-reply",
     "a leader or candidate does not step down on a reply (to AppendEntries or RequestVote) carrying a higher "
     "term (exists to test leader_stable_within_ms)",
     &Bugs::ignore_higher_term_reply},
    {"keep-timer-on-vote",
     "granting a vote does not reset the election timer (nor does the step to the candidate's term that comes "
     "with it) (exists to test leader_stable_within_ms)",
     &Bugs::keep_timer_on_vote},
};

Bugs read_bugs(const std::set<std::string>& names);

}  // namespace dsim::raft
