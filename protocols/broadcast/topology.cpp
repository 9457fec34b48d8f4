#include "protocols/broadcast/topology.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace dsim::broadcast {

std::vector<NodeId> neighbours(const Topology& topology, NodeId node, std::uint32_t n) {
  std::vector<NodeId> out;
  switch (topology.kind) {
    case Topology::Kind::none:
    case Topology::Kind::total: return out;
    case Topology::Kind::line:
      if (node > 0) out.push_back(node - 1);
      if (node + 1 < n) out.push_back(node + 1);
      return out;
    case Topology::Kind::grid: {
      auto side = static_cast<std::uint32_t>(std::ceil(std::sqrt(static_cast<double>(n))));
      while (side * side < n) ++side;  // guard against rounding
      const std::uint32_t row = node / side, col = node % side;
      if (row > 0) out.push_back(node - side);
      if (col > 0) out.push_back(node - 1);
      if (col + 1 < side && node + 1 < n) out.push_back(node + 1);
      if (node + side < n) out.push_back(node + side);
      break;
    }
    case Topology::Kind::tree: {
      const std::uint64_t k = topology.k;
      if (node > 0) out.push_back(static_cast<NodeId>((node - 1) / k));
      for (std::uint64_t c = k * node + 1; c <= k * node + k && c < n; ++c) out.push_back(static_cast<NodeId>(c));
      break;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<NodeId> pick_peers(bool everyone, const std::vector<NodeId>& candidates, NodeId self, std::uint32_t n,
                               std::uint32_t fanout, Rng& rng) {
  const std::uint32_t pool = everyone ? (n > 0 ? n - 1 : 0) : static_cast<std::uint32_t>(candidates.size());
  std::vector<NodeId> out;
  if (pool == 0 || fanout == 0) return out;
  auto at = [&](std::uint64_t i) -> NodeId {
    if (!everyone) return candidates[i];
    return static_cast<NodeId>(i < self ? i : i + 1);  // skip self
  };
  if (fanout >= pool) {
    for (std::uint32_t i = 0; i < pool; ++i) out.push_back(at(i));
    return out;
  }
  // Rejection of repeats: fanout < pool, so each draw succeeds with probability > 0; the loop is
  // bounded by a generous multiple and falls back to a scan for the rest.
  for (std::uint32_t tries = 0; out.size() < fanout && tries < 64 * fanout; ++tries) {
    const NodeId p = at(rng.below(pool));
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  for (std::uint32_t i = 0; out.size() < fanout && i < pool; ++i) {
    if (std::find(out.begin(), out.end(), at(i)) == out.end()) out.push_back(at(i));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dsim::broadcast
