// A set of directed links between nodes, kept in the shape that describes it rather than as a
// list of pairs: a two-group partition of 4,096 nodes cuts 8 million links, but is one group
// index per node. Membership is O(1) for every shape but an explicit list (O(log n)).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/net/message.h"

namespace dsim {

using NodePair = std::pair<NodeId, NodeId>;

class LinkSet {
 public:
  LinkSet() = default;  // no links

  // Exactly these links (sorted, unique, no self-links).
  static LinkSet listed(std::vector<NodePair> pairs);
  // Every (a, b) with a and b in different groups (disjoint), both directions. Nodes in no group
  // keep all their links.
  static LinkSet between_groups(const std::vector<std::vector<NodeId>>& groups, std::uint32_t nodes);
  // Every (a, b) with a in `from`, b in `to` and a != b.
  static LinkSet one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to, std::uint32_t nodes);
  // Every link into and out of each of `touched`.
  static LinkSet touching(const std::vector<NodeId>& touched, std::uint32_t nodes);

  bool contains(NodeId from, NodeId to) const;
  // The links as a sorted list: for display and tests; O(nodes^2) for a shape.
  std::vector<NodePair> pairs() const;
  // How many links, without listing them.
  std::uint64_t count() const;

 private:
  enum class Shape : std::uint8_t { listed, groups, one_way, touching };
  static constexpr std::uint16_t kNone = 0xFFFF;  // groups: in no group
  static constexpr std::uint16_t kFrom = 1, kTo = 2;  // one_way bits; touching uses kFrom

  Shape shape_ = Shape::listed;
  std::vector<NodePair> pairs_;   // listed
  std::vector<std::uint16_t> tag_;  // per node: its group, or its one_way / touching bits
};

}  // namespace dsim
