// The directed links a partition cuts, from the ways a person describes one.
#pragma once

#include <utility>
#include <vector>

#include "sim/net/link_set.h"
#include "sim/net/message.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// Every (a, b) with a and b in different groups, both directions; sorted, unique.
std::vector<NodePair> pairs_between_groups(const std::vector<std::vector<NodeId>>& groups);
// Every (a, b) with a in `from` and b in `to`, one direction only; sorted, unique.
std::vector<NodePair> pairs_one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
// Every link into and out of each of `nodes` (a clog or isolation of whole nodes); sorted, unique.
std::vector<NodePair> pairs_touching(const std::vector<NodeId>& nodes, std::uint32_t cluster_size);

// The links a partition, clog or unclog action covers, in its compact shape (FaultAction::links).
LinkSet fault_links(const FaultAction& action, std::uint32_t cluster_size);

}  // namespace dsim
