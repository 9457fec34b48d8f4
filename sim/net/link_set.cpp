#include "sim/net/link_set.h"

#include <algorithm>
#include <cassert>

namespace dsim {

LinkSet LinkSet::listed(std::vector<NodePair> pairs) {
  LinkSet s;
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  s.pairs_ = std::move(pairs);
  return s;
}

LinkSet LinkSet::between_groups(const std::vector<std::vector<NodeId>>& groups, std::uint32_t nodes) {
  assert(groups.size() < kNone);
  LinkSet s;
  s.shape_ = Shape::groups;
  s.tag_.assign(nodes, kNone);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (NodeId id : groups[g]) {
      assert(id < nodes && s.tag_[id] == kNone && "groups are disjoint");
      s.tag_[id] = static_cast<std::uint16_t>(g);
    }
  }
  return s;
}

LinkSet LinkSet::one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to, std::uint32_t nodes) {
  LinkSet s;
  s.shape_ = Shape::one_way;
  s.tag_.assign(nodes, 0);
  for (NodeId id : from) s.tag_.at(id) |= kFrom;
  for (NodeId id : to) s.tag_.at(id) |= kTo;
  return s;
}

LinkSet LinkSet::touching(const std::vector<NodeId>& touched, std::uint32_t nodes) {
  LinkSet s;
  s.shape_ = Shape::touching;
  s.tag_.assign(nodes, 0);
  for (NodeId id : touched) s.tag_.at(id) = kFrom;
  return s;
}

bool LinkSet::contains(NodeId from, NodeId to) const {
  if (from == to) return false;
  switch (shape_) {
    case Shape::listed: return std::binary_search(pairs_.begin(), pairs_.end(), NodePair{from, to});
    case Shape::groups: {
      if (from >= tag_.size() || to >= tag_.size()) return false;
      const auto a = tag_[from], b = tag_[to];
      return a != kNone && b != kNone && a != b;
    }
    case Shape::one_way:
      return from < tag_.size() && to < tag_.size() && (tag_[from] & kFrom) && (tag_[to] & kTo);
    case Shape::touching:
      return from < tag_.size() && to < tag_.size() && (tag_[from] | tag_[to]);
  }
  return false;
}

std::vector<NodePair> LinkSet::pairs() const {
  if (shape_ == Shape::listed) return pairs_;
  std::vector<NodePair> out;
  const auto n = static_cast<NodeId>(tag_.size());
  for (NodeId a = 0; a < n; ++a) {
    for (NodeId b = 0; b < n; ++b) {
      if (contains(a, b)) out.emplace_back(a, b);
    }
  }
  return out;
}

std::uint64_t LinkSet::count() const {
  if (shape_ == Shape::listed) return pairs_.size();
  const std::uint64_t n = tag_.size();
  switch (shape_) {
    case Shape::groups: {
      std::vector<std::uint64_t> sizes;
      std::uint64_t grouped = 0;
      for (auto t : tag_) {
        if (t == kNone) continue;
        if (t >= sizes.size()) sizes.resize(t + 1u, 0);
        ++sizes[t];
        ++grouped;
      }
      std::uint64_t same = 0;
      for (auto size : sizes) same += size * size;
      return grouped * grouped - same;
    }
    case Shape::one_way: {
      std::uint64_t from = 0, to = 0, both = 0;
      for (auto t : tag_) {
        from += (t & kFrom) != 0;
        to += (t & kTo) != 0;
        both += (t & kFrom) && (t & kTo);
      }
      return from * to - both;
    }
    case Shape::touching: {
      std::uint64_t k = 0;
      for (auto t : tag_) k += t != 0;
      // Ordered pairs of distinct nodes with at least one touched.
      return n * (n - 1) - (n - k) * (n - k - (n > k ? 1 : 0));
    }
    case Shape::listed: break;
  }
  return pairs_.size();
}

}  // namespace dsim
