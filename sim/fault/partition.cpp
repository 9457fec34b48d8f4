#include "sim/fault/partition.h"

#include <algorithm>
#include <cassert>

namespace dsim {

namespace {
std::vector<NodePair> normalized(std::vector<NodePair> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}
}  // namespace

std::vector<NodePair> pairs_between_groups(const std::vector<std::vector<NodeId>>& groups) {
  std::vector<NodePair> pairs;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (std::size_t h = 0; h < groups.size(); ++h) {
      if (g == h) continue;
      for (NodeId a : groups[g]) {
        for (NodeId b : groups[h]) pairs.emplace_back(a, b);
      }
    }
  }
  return normalized(std::move(pairs));
}

std::vector<NodePair> pairs_one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
  std::vector<NodePair> pairs;
  for (NodeId a : from) {
    for (NodeId b : to) {
      if (a != b) pairs.emplace_back(a, b);
    }
  }
  return normalized(std::move(pairs));
}

std::vector<NodePair> pairs_touching(const std::vector<NodeId>& nodes, std::uint32_t cluster_size) {
  std::vector<NodePair> pairs;
  for (NodeId a : nodes) {
    for (NodeId b = 0; b < cluster_size; ++b) {
      if (a == b) continue;
      pairs.emplace_back(a, b);
      pairs.emplace_back(b, a);
    }
  }
  return normalized(std::move(pairs));
}

LinkSet fault_links(const FaultAction& action, std::uint32_t cluster_size) {
  using L = FaultAction::Links;
  switch (action.links) {
    case L::listed: return LinkSet::listed(action.pairs);
    case L::between_groups: return LinkSet::between_groups(action.groups, cluster_size);
    case L::one_way: {
      assert(action.groups.size() == 2);
      return LinkSet::one_way(action.groups[0], action.groups[1], cluster_size);
    }
    case L::touching: return LinkSet::touching(action.nodes, cluster_size);
  }
  return {};
}

}  // namespace dsim
