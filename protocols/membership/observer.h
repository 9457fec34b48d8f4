// The membership checker: reads every node's view after every event (ClusterView) and sees
// crashes and restarts (after_event runs for them too). It measures
//   - detection of each real crash: first suspicion and first removal by any live node, and the
//     time every live node has removed it, in protocol periods;
//   - false suspicions and false removals: of a node that is up and not paused (findings when
//     forbid_false_suspicion / forbid_false_removal are set, counted always);
//   - convergence: after calm, every live node's view must list exactly the live nodes within a
//     bound and keep doing so to the end (liveness finding membership:not-converged);
//   - messages sent per member per protocol period.
// Incremental: a view change costs O(1), a crash or restart O(N), nothing else anything.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "protocols/membership/options.h"
#include "sim/node/observer.h"

namespace dsim::membership {

class MemberNode;
struct Change;

class MembershipObserver final : public Observer {
 public:
  MembershipObserver(const Options& options, std::uint32_t nodes) : options_(options), nodes_(nodes) {}
  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override;
  void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) override;

 private:
  struct Track {
    const void* incarnation = nullptr;  // the process object last seen: a new one is a restart
    std::uint64_t events_seen = 0;
    std::uint64_t sent_seen = 0;
    bool up = true;
  };
  struct Crash {
    NodeId node = 0;
    TimeNs crashed_ns = 0;
    std::optional<TimeNs> first_suspected_ns, first_removed_ns, all_removed_ns;
    bool open = true;  // until the node restarts
  };

  void on_crash(const ClusterView& view, NodeId node);
  void on_restart(const ClusterView& view, NodeId node);
  std::optional<Finding> on_change(const ClusterView& view, NodeId observer, const Change& change);
  void recheck(const ClusterView& view, NodeId x, NodeId y);
  void note_detection(const ClusterView& view, NodeId subject, bool removed);
  void judge_convergence(TimeNs calm_ns, TimeNs end_ns, Report& report) const;
  nlohmann::json detection_metrics() const;

  Options options_;
  std::uint32_t nodes_;
  std::vector<Track> tracks_;
  std::vector<std::set<NodeId>> wrong_;  // x -> members y that x's view gets wrong
  std::size_t wrong_total_ = 0;
  std::optional<TimeNs> last_unconverged_ns_;
  std::vector<Crash> crashes_;
  std::vector<std::optional<std::size_t>> open_crash_;  // node -> index into crashes_
  bool stopped_ = false;  // a finding stopped the run: its end is not a moment to judge convergence
  std::uint64_t false_suspicions_ = 0, false_removals_ = 0, messages_ = 0, restarts_ = 0;
};

}  // namespace dsim::membership
