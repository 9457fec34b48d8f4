// The network model between nodes: per-link latency, loss, duplication and reordering;
// partitions (messages dropped) and clogs (messages held, then released). It decides the fate
// of each message; the world schedules the resulting deliveries. All draws come from one
// "network" stream, so adding a client or a node-local draw never changes them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "sim/core/rng.h"
#include "sim/net/latency.h"
#include "sim/net/message.h"
#include "sim/scenario/scenario.h"

namespace dsim {

using NodePair = std::pair<NodeId, NodeId>;

struct LinkConditions {
  LatencySpec latency;
  TypeLatencies latency_by_type;  // messages of these types use these instead of `latency`
  double loss = 0.0;
  double duplicate = 0.0;
  double reorder = 0.0;
};

// What happens to one sent message.
struct Routing {
  enum class Fate { deliver, lost, blocked };
  Fate fate = Fate::deliver;
  TimeNs deliver_at_ns = 0;
  std::optional<TimeNs> duplicate_at_ns;  // a second copy
};

class Network {
 public:
  Network(const NetworkSpec& spec, std::uint32_t nodes, Rng rng);

  // `type` is the message's Message::type(), for latencies given per message type.
  Routing route(NodeId from, NodeId to, TimeNs now_ns, std::string_view type = {});

  bool blocked(NodeId from, NodeId to) const { return blocked_[index(from, to)] > 0; }
  bool clogged(NodeId from, NodeId to) const { return clogged_[index(from, to)] > 0; }

  // Partitions and clogs are identified by the fault that made them, so that undoing one fault
  // leaves the others in place.
  void add_partition(std::uint64_t id, const std::vector<NodePair>& pairs);
  void remove_partition(std::uint64_t id);
  void heal();  // removes every partition
  std::size_t partitions_active() const { return partitions_.size(); }

  void add_clog(std::uint64_t id, const std::vector<NodePair>& pairs);
  // Removes the clogs on `pairs` (every clog when empty); returns the links that opened.
  std::vector<NodePair> remove_clogs(const std::vector<NodePair>& pairs);
  // Removes one clog; returns the links that opened.
  std::vector<NodePair> remove_clog(std::uint64_t id);

  // Network-wide conditions for a fault window: unset fields keep each link's own value.
  struct Override {
    std::optional<double> loss, duplicate, reorder;
    std::optional<LatencySpec> latency;
  };
  void set_override(std::uint64_t id, Override o);
  void clear_override(std::uint64_t id);

  std::uint32_t nodes() const { return nodes_; }

 private:
  std::size_t index(NodeId from, NodeId to) const { return static_cast<std::size_t>(from) * nodes_ + to; }
  LinkConditions effective(NodeId from, NodeId to) const;
  void count_pairs(std::vector<std::uint32_t>& counts, const std::vector<NodePair>& pairs, int delta);

  std::uint32_t nodes_;
  Rng rng_;
  std::vector<LinkConditions> links_;          // nodes x nodes
  std::vector<TimeNs> fifo_last_ns_;           // last in-order delivery time per link
  std::vector<std::uint32_t> blocked_;         // active partitions blocking each link
  std::vector<std::uint32_t> clogged_;         // active clogs holding each link
  std::map<std::uint64_t, std::vector<NodePair>> partitions_;
  std::map<std::uint64_t, std::vector<NodePair>> clogs_;
  std::map<std::uint64_t, Override> overrides_;  // the newest (highest id) wins per field
};

}  // namespace dsim
