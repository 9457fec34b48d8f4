// The network model between nodes: per-link latency, loss, duplication and reordering;
// partitions (messages dropped) and clogs (messages held, then released). It decides the fate
// of each message; the world schedules the resulting deliveries. All draws come from one
// "network" stream, so adding a client or a node-local draw never changes them.
//
// Sized for thousands of nodes: nothing here is N x N. A link's conditions are resolved from the
// scenario's link overrides the first time it carries a message, and deduplicated; its FIFO
// state exists only once it has carried traffic, in one open-addressing table (a lookup is one
// cache line, which matters once thousands of nodes' links outgrow the cache). Partitions and
// clogs are LinkSets (a group index per node, not a list of pairs), and a link is blocked while
// any active one contains it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/flat_map.h"
#include "sim/core/rng.h"
#include "sim/net/latency.h"
#include "sim/net/link_set.h"
#include "sim/net/message.h"
#include "sim/scenario/scenario.h"

namespace dsim {

struct LinkConditions {
  LatencySpec latency;
  TypeLatencies latency_by_type;  // messages of these types use these instead of `latency`
  double loss = 0.0;
  double duplicate = 0.0;
  double reorder = 0.0;

  bool operator==(const LinkConditions&) const = default;
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

  bool blocked(NodeId from, NodeId to) const;
  bool clogged(NodeId from, NodeId to) const;

  // Partitions and clogs are identified by the fault that made them, so that undoing one fault
  // leaves the others in place.
  void add_partition(std::uint64_t id, LinkSet links);
  void remove_partition(std::uint64_t id);
  void heal();  // removes every partition
  std::size_t partitions_active() const { return partitions_.size(); }

  void add_clog(std::uint64_t id, LinkSet links);
  // Removes one clog. Links it held open unless another clog holds them (ask clogged()).
  void remove_clog(std::uint64_t id);
  // Releases `links` from every clog active now.
  void release_clogs(const LinkSet& links);
  void release_all_clogs() { clogs_.clear(); }

  // Network-wide conditions for a fault window: unset fields keep each link's own value.
  struct Override {
    std::optional<double> loss, duplicate, reorder;
    std::optional<LatencySpec> latency;  // for every message type
  };
  void set_override(std::uint64_t id, Override o);
  void clear_override(std::uint64_t id);

  std::uint32_t nodes() const { return nodes_; }
  // Links that have carried a message (and so have state), and distinct link conditions.
  std::size_t links_with_state() const { return links_.size(); }
  std::size_t distinct_conditions() const { return conditions_.size(); }

 private:
  struct LinkState {
    std::uint32_t conditions = 0;  // index into conditions_
    TimeNs fifo_last_ns = 0;       // last in-order delivery time
  };
  // A link override of the scenario, its node lists sorted for membership tests.
  struct LinkOverride {
    std::vector<NodeId> from, to;
    LinkSpec spec;
  };
  struct Clog {
    LinkSet links;
    std::vector<LinkSet> released;  // unclogged since, each a subset no longer held
    bool holds(NodeId from, NodeId to) const;
  };

  LinkState& state(NodeId from, NodeId to);
  std::uint32_t resolve(NodeId from, NodeId to);

  std::uint32_t nodes_;
  Rng rng_;
  std::vector<LinkOverride> link_overrides_;     // the scenario's links, in order
  std::vector<LinkConditions> conditions_;       // [0]: the network's own; then one per combination
  std::map<std::vector<std::uint32_t>, std::uint32_t> combination_;  // link specs applying -> index
  FlatMap<LinkState> links_;  // by (from << 32 | to); looked up only, never iterated
  std::map<std::uint64_t, LinkSet> partitions_;
  std::map<std::uint64_t, Clog> clogs_;
  std::map<std::uint64_t, Override> overrides_;  // the newest (highest id) wins per field
};

}  // namespace dsim
