#include "protocols/quorum/ring.h"

#include <algorithm>
#include <cassert>

#include "sim/core/hash.h"

namespace dsim::quorum {

std::uint64_t key_position(std::string_view key) { return hash_bytes(key); }

Ring::Ring(std::uint32_t nodes, std::uint32_t tokens_per_node) : nodes_(nodes) {
  assert(nodes > 0 && tokens_per_node > 0);
  tokens_.reserve(static_cast<std::size_t>(nodes) * tokens_per_node);
  for (NodeId node = 0; node < nodes; ++node) {
    for (std::uint32_t t = 0; t < tokens_per_node; ++t) {
      tokens_.push_back(Token{hash_combine(mix64(0x72696e67ULL + node), t), node});
    }
  }
  // A collision of two 64-bit hashes is vanishingly rare; the node id breaks it deterministically.
  std::sort(tokens_.begin(), tokens_.end(), [](const Token& a, const Token& b) {
    return a.position != b.position ? a.position < b.position : a.node < b.node;
  });
}

std::vector<NodeId> Ring::walk_from(std::uint64_t position) const {
  std::vector<NodeId> order;
  order.reserve(nodes_);
  std::vector<bool> seen(nodes_, false);
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), position,
                             [](const Token& t, std::uint64_t p) { return t.position < p; });
  // One lap at most: every node owns at least one token, so the lap meets all of them.
  for (std::size_t step = 0; step < tokens_.size() && order.size() < nodes_; ++step, ++it) {
    if (it == tokens_.end()) it = tokens_.begin();
    if (!seen[it->node]) {
      seen[it->node] = true;
      order.push_back(it->node);
    }
  }
  assert(order.size() == nodes_);
  return order;
}

std::vector<NodeId> Ring::preference_list(std::string_view key, std::uint32_t n) const {
  assert(n >= 1 && n <= nodes_);
  std::vector<NodeId> order = walk(key);
  order.resize(n);
  return order;
}

bool Ring::is_replica(std::string_view key, std::uint32_t n, NodeId node) const {
  const std::vector<NodeId> list = preference_list(key, n);
  return std::find(list.begin(), list.end(), node) != list.end();
}

}  // namespace dsim::quorum
