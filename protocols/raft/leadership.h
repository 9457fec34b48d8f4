// Leader stability after calm, a liveness oracle (cluster param `leader_stable_within_ms`).
//
// The leadership of a moment is the leader of the highest term any up node holds, or nobody
// (no node leads that term yet). A cluster is stable from t when a leader exists at t and the
// leadership does not change from t to the end of the run. The claim: there is such a t in
// [calm, calm + within]. It fails as
//   leader-not-elected  no node led the highest term at any moment of [calm, calm + within];
//   leader-unstable     someone did, but its leadership ended (a higher term, a step-down, a
//                       crash) and no leadership that lasts to the end began by calm + within.
// A run that ends before calm + within is not judged (checks.liveness reports it too short).
//
// The observer calls note() after every event with the node's state; that is O(1) and allocates
// nothing except when the leadership changes (a change record, bounded by kChangesMax). calm
// is known only at the end, so the changes are kept and judged then.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/node/observer.h"

namespace dsim::raft {

class LeaderWatch {
 public:
  static constexpr std::size_t kChangesMax = 1u << 16;

  LeaderWatch(std::uint32_t nodes, TimeNs within_ns);

  // The state of `node` after an event: up (a live process), leading, and its term.
  void note(NodeId node, bool up, bool leader, std::uint64_t term, TimeNs now_ns);
  // The verdict, once, at the end of the run.
  std::optional<Finding> judge(TimeNs calm_ns, TimeNs end_ns) const;

  std::size_t changes() const { return changes_.size() + changes_dropped_; }
  // When a leader first led; nullopt if none ever did.
  std::optional<TimeNs> first_led_ns() const { return first_led_ns_; }
  // How long, up to `end_ns`, nobody led the highest term (from the start of the run).
  TimeNs leaderless_ns(TimeNs end_ns) const { return leaderless_ns_ + (leader_ ? 0 : end_ns - last_.at_ns); }

 private:
  // Why a leadership ended.
  enum class Cause : std::uint8_t { none, higher_term, stepped_down, crashed };
  struct NodeState {
    bool up = true;
    bool leader = false;
    std::uint64_t term = 0;
  };
  struct Change {
    TimeNs at_ns = 0;
    std::optional<NodeId> leader;  // who leads the highest term from at_ns (nullopt: nobody)
    std::uint64_t term = 0;        // the highest term from at_ns
    Cause cause = Cause::none;     // why the previous leadership ended, if one did
    NodeId by = 0;                 // the node whose event made the change
  };

  void recompute_max();
  void record(TimeNs now_ns, std::optional<NodeId> leader, Cause cause, NodeId by);
  std::optional<Finding> not_elected(TimeNs calm_ns, TimeNs deadline_ns) const;
  std::optional<Finding> unstable(std::size_t first_led, TimeNs calm_ns, TimeNs deadline_ns, TimeNs end_ns) const;

  TimeNs within_ns_;
  std::vector<NodeState> nodes_;
  std::uint64_t max_term_ = 0;    // the highest term of an up node
  std::uint32_t at_max_ = 0;      // up nodes holding it
  std::optional<NodeId> leader_;  // the leader of max_term_
  Change last_;                   // the latest change (always exact, even past kChangesMax)
  std::vector<Change> changes_;   // every change in time order, up to kChangesMax
  std::uint64_t changes_dropped_ = 0;
  std::optional<TimeNs> first_led_ns_;
  TimeNs leaderless_ns_ = 0;      // summed over the leaderless spans that have ended
};

}  // namespace dsim::raft
