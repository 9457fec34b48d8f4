// The messages of Raft, and the log entry they carry. Field names follow the Raft paper (figure
// 2) where it has one; `seq` is the ReadIndex / lease round a heartbeat belongs to (etcd's
// heartbeat context).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/net/message.h"

namespace dsim::raft {

// One log entry. A leader's no-op (appended when it takes office, so that it can commit the
// entries of earlier terms) has an empty `f`. Client commands carry the client session
// (client, request_id) so that a retried request takes effect once.
struct Entry {
  std::uint64_t term = 0;
  std::uint64_t index = 0;
  std::uint32_t client = 0;
  std::uint64_t request_id = 0;
  std::string f;                  // "" (no-op), read, write, cas, get, put, append
  std::optional<std::string> key;
  nlohmann::json value;
  DSIM_FIELDS(term, index, client, request_id, f, key, value)

  bool is_noop() const { return f.empty(); }
};

// RequestVote, also used for PreVote (pre_vote = true: `term` is the term the sender would
// campaign in; nobody changes term or records a vote for it).
struct RequestVote : MessageOf<RequestVote> {
  static constexpr std::string_view kType = "RequestVote";
  std::uint64_t term = 0;
  std::uint64_t last_log_index = 0;
  std::uint64_t last_log_term = 0;
  bool pre_vote = false;
  DSIM_FIELDS(term, last_log_index, last_log_term, pre_vote)

  static RequestVote make(std::uint64_t term, std::uint64_t last_log_index, std::uint64_t last_log_term,
                          bool pre_vote) {
    RequestVote m;
    m.term = term;
    m.last_log_index = last_log_index;
    m.last_log_term = last_log_term;
    m.pre_vote = pre_vote;
    return m;
  }
};

struct RequestVoteResponse : MessageOf<RequestVoteResponse> {
  static constexpr std::string_view kType = "RequestVoteResponse";
  std::uint64_t term = 0;  // a granted pre-vote echoes the requested term
  bool granted = false;
  bool pre_vote = false;
  DSIM_FIELDS(term, granted, pre_vote)

  static RequestVoteResponse make(std::uint64_t term, bool granted, bool pre_vote) {
    RequestVoteResponse m;
    m.term = term;
    m.granted = granted;
    m.pre_vote = pre_vote;
    return m;
  }
};

struct AppendEntries : MessageOf<AppendEntries> {
  static constexpr std::string_view kType = "AppendEntries";
  std::uint64_t term = 0;
  std::uint64_t prev_index = 0;
  std::uint64_t prev_term = 0;
  std::vector<Entry> entries;
  std::uint64_t commit = 0;  // the leader's commit index
  std::uint64_t seq = 0;     // the leader's heartbeat round, echoed back (ReadIndex, lease)
  DSIM_FIELDS(term, prev_index, prev_term, entries, commit, seq)
};

struct AppendEntriesResponse : MessageOf<AppendEntriesResponse> {
  static constexpr std::string_view kType = "AppendEntriesResponse";
  std::uint64_t term = 0;
  bool success = false;
  // Success: the index up to which the follower's log now matches the leader's.
  // Rejection: the prev_index that was rejected.
  std::uint64_t index = 0;
  // Rejection only (etcd's fast backtracking): the follower's largest index <= min(prev_index,
  // last index) whose term is <= prev_term, and that entry's term.
  std::uint64_t hint_index = 0;
  std::uint64_t hint_term = 0;
  std::uint64_t seq = 0;
  DSIM_FIELDS(term, success, index, hint_index, hint_term, seq)

  static AppendEntriesResponse accept(std::uint64_t term, std::uint64_t index, std::uint64_t seq) {
    AppendEntriesResponse m;
    m.term = term;
    m.success = true;
    m.index = index;
    m.seq = seq;
    return m;
  }
  static AppendEntriesResponse reject(std::uint64_t term, std::uint64_t index, std::uint64_t hint_index,
                                      std::uint64_t hint_term, std::uint64_t seq) {
    AppendEntriesResponse m;
    m.term = term;
    m.index = index;
    m.hint_index = hint_index;
    m.hint_term = hint_term;
    m.seq = seq;
    return m;
  }
};

}  // namespace dsim::raft
