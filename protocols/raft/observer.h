// Raft's safety invariants (Raft paper, figure 3), checked after every event with the
// simulator's view of every node at once:
//   one-leader-per-term   at most one leader is elected in a term (election safety);
//   log-matching          two logs holding an entry with the same index and term are identical
//                         up to it (checked with per-entry prefix hashes);
//   leader-completeness   a leader holds every entry committed in an earlier term;
//   state-machine-safety  no two nodes apply different commands at one index;
//   commit-monotonic      a node's commit index never decreases (within one incarnation: the
//                         commit index is volatile) and never passes its log's end.
// Each check looks only at what changed since it last looked, so the cost per event is
// proportional to the event's effect, not to the log length.
//
// With `leader_stable_within_ms` set it also judges leader stability after calm at the end
// (liveness: leader-not-elected, leader-unstable; protocols/raft/leadership.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "protocols/raft/leadership.h"
#include "sim/node/observer.h"

namespace dsim::raft {

class Node;

class RaftObserver final : public Observer {
 public:
  // `leader_stable_within_ns`: the bound of the leader-stability oracle; nullopt turns it off.
  explicit RaftObserver(std::optional<TimeNs> leader_stable_within_ns = std::nullopt)
      : leader_stable_within_ns_(leader_stable_within_ns) {}

  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override;
  void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) override;

 private:
  struct Track {
    const void* incarnation = nullptr;  // the Process object last seen: a new one is a restart
    std::uint64_t log_checked = 0;      // entries 1..log_checked are in entries_
    std::uint64_t log_rewrites = 0;
    std::uint64_t applied_checked = 0;
    std::uint64_t commit_seen = 0;
    std::uint64_t leader_term_checked = 0;
    std::uint8_t last_role = 0;
    std::uint64_t last_term = 0;
  };
  struct EntryKey {
    std::uint64_t index = 0;
    std::uint64_t term = 0;
    bool operator==(const EntryKey&) const = default;
  };
  struct EntryKeyHash {
    std::size_t operator()(const EntryKey& k) const;
  };
  struct Record {
    std::uint64_t term = 0;
    std::uint64_t digest = 0;
    NodeId node = 0;
    std::uint64_t commit_term = 0;  // committed_: the term in which it was first seen committed
  };

  std::optional<Finding> check_node(const ClusterView& view, NodeId id, const Node& node, Track& track);
  std::optional<Finding> check_log_matching(NodeId id, const Node& node, Track& track);
  std::optional<Finding> check_leader_complete(NodeId id, const Node& node, std::uint64_t from_index);

  std::optional<TimeNs> leader_stable_within_ns_;
  std::optional<LeaderWatch> leadership_;  // made at the first event, when the cluster size is known
  std::vector<Track> tracks_;
  std::map<std::uint64_t, NodeId> leaders_;  // term -> the leader elected in it
  // Prefix hash of every (index, term) any log has held. Lookups only, never iterated.
  std::unordered_map<EntryKey, std::uint64_t, EntryKeyHash> prefixes_;
  std::vector<Record> committed_;  // index - 1 -> the committed entry
  std::vector<Record> applied_;    // index - 1 -> the entry applied there
  std::set<std::uint64_t> candidate_terms_;
  std::uint64_t pre_candidacies_ = 0;
  std::uint64_t restarts_seen_ = 0;
};

}  // namespace dsim::raft
