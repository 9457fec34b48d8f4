// Who a node talks to. `none` and `total` mean every other node and are never materialised (a
// 4,096-node total graph would be 16 million edges); the sparse shapes list their neighbours.
//   line    i-1, i+1
//   grid    a ceil(sqrt(N))-wide grid, row-major: up, down, left, right
//   tree-k  a k-ary tree rooted at node 0: parent (i-1)/k, children k*i+1 ... k*i+k
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/rng.h"
#include "sim/net/message.h"

namespace dsim::broadcast {

struct Topology {
  enum class Kind { none, total, line, grid, tree };
  Kind kind = Kind::none;
  std::uint32_t k = 2;  // tree-k

  bool everyone() const { return kind == Kind::none || kind == Kind::total; }
};

// The neighbours of `node` in a cluster of `n`, sorted; empty for none and total (everyone).
std::vector<NodeId> neighbours(const Topology& topology, NodeId node, std::uint32_t n);

// `fanout` distinct peers drawn uniformly from `candidates` (or, when `everyone`, from every node
// but `self`), sorted; all of them when there are no more than fanout.
std::vector<NodeId> pick_peers(bool everyone, const std::vector<NodeId>& candidates, NodeId self, std::uint32_t n,
                               std::uint32_t fanout, Rng& rng);

}  // namespace dsim::broadcast
