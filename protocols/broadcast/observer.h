// The broadcast observer. Invariant: no node holds a value that no client gave to some node
// (gossip invents nothing). Metrics: for each value, how long and how many periods it took from
// its first node until every node held it at once (the "rounds" of the epidemic literature).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "protocols/broadcast/options.h"
#include "sim/node/observer.h"

namespace dsim::broadcast {

class Node;

class BroadcastObserver final : public Observer {
 public:
  explicit BroadcastObserver(TimeNs period_ns) : period_ns_(period_ns) {}

  std::optional<Finding> after_event(const ClusterView& view, NodeId node) override;
  void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) override;

 private:
  // What this observer has counted of one node: which process object, how far into its logs.
  struct Seen {
    const Node* process = nullptr;
    std::size_t arrivals = 0;
    std::size_t origins = 0;
  };
  struct Spread {
    TimeNs first_ns = 0;
    std::uint32_t holders = 0;
    std::optional<TimeNs> all_ns;  // the first time every node held it
  };
  void recount_holders(const ClusterView& view);

  TimeNs period_ns_;
  std::vector<Seen> seen_;
  std::set<std::int64_t> originated_;
  std::map<std::int64_t, Spread> spread_;
};

}  // namespace dsim::broadcast
