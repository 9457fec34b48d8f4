#include "sim/net/network.h"

#include <algorithm>
#include <cassert>

namespace dsim {

Network::Network(const NetworkSpec& spec, std::uint32_t nodes, Rng rng)
    : nodes_(nodes),
      rng_(rng),
      links_(static_cast<std::size_t>(nodes) * nodes,
             LinkConditions{spec.latency, spec.latency_by_type, spec.loss, spec.duplicate, spec.reorder}),
      fifo_last_ns_(links_.size(), 0),
      blocked_(links_.size(), 0),
      clogged_(links_.size(), 0) {
  for (const LinkSpec& link : spec.links) {
    for (NodeId from : link.from) {
      for (NodeId to : link.to) {
        assert(from < nodes && to < nodes);
        LinkConditions& c = links_[index(from, to)];
        if (link.latency) {
          // A link's latency is more specific than the network-wide per-type ones.
          c.latency = *link.latency;
          c.latency_by_type.clear();
        }
        for (const auto& [type, latency] : link.latency_by_type) c.latency_by_type.insert_or_assign(type, latency);
        if (link.loss) c.loss = *link.loss;
        if (link.duplicate) c.duplicate = *link.duplicate;
        if (link.reorder) c.reorder = *link.reorder;
      }
    }
  }
}

LinkConditions Network::effective(NodeId from, NodeId to) const {
  LinkConditions c = links_[index(from, to)];
  for (const auto& [id, o] : overrides_) {
    if (o.loss) c.loss = *o.loss;
    if (o.duplicate) c.duplicate = *o.duplicate;
    if (o.reorder) c.reorder = *o.reorder;
    if (o.latency) {
      c.latency = *o.latency;  // a fault window's latency holds for every message type
      c.latency_by_type.clear();
    }
  }
  return c;
}

namespace {
const LatencySpec& latency_for(const LinkConditions& c, std::string_view type) {
  if (c.latency_by_type.empty()) return c.latency;
  const auto it = c.latency_by_type.find(type);
  return it == c.latency_by_type.end() ? c.latency : it->second;
}
}  // namespace

Routing Network::route(NodeId from, NodeId to, TimeNs now_ns, std::string_view type) {
  assert(from < nodes_ && to < nodes_);
  Routing r;
  if (blocked(from, to)) {
    r.fate = Routing::Fate::blocked;
    return r;
  }
  // The link's own conditions by reference; a copy only when an override window changes them.
  LinkConditions overridden;
  const LinkConditions& c = overrides_.empty() ? links_[index(from, to)] : (overridden = effective(from, to));
  if (rng_.chance(c.loss)) {
    r.fate = Routing::Fate::lost;
    return r;
  }
  const LatencySpec& latency = latency_for(c, type);
  const TimeNs arrival_ns = now_ns + sample_latency(latency, rng_);
  if (rng_.chance(c.reorder)) {
    r.deliver_at_ns = arrival_ns;  // free to overtake earlier messages on this link
  } else {
    TimeNs& last = fifo_last_ns_[index(from, to)];
    r.deliver_at_ns = std::max(arrival_ns, last);
    last = r.deliver_at_ns;
  }
  if (rng_.chance(c.duplicate)) r.duplicate_at_ns = now_ns + sample_latency(latency, rng_);
  return r;
}

void Network::count_pairs(std::vector<std::uint32_t>& counts, const std::vector<NodePair>& pairs, int delta) {
  for (const auto& [from, to] : pairs) {
    auto& n = counts[index(from, to)];
    assert(delta > 0 || n > 0);
    n = static_cast<std::uint32_t>(static_cast<int>(n) + delta);
  }
}

void Network::add_partition(std::uint64_t id, const std::vector<NodePair>& pairs) {
  remove_partition(id);
  partitions_[id] = pairs;
  count_pairs(blocked_, pairs, +1);
}

void Network::remove_partition(std::uint64_t id) {
  auto it = partitions_.find(id);
  if (it == partitions_.end()) return;
  count_pairs(blocked_, it->second, -1);
  partitions_.erase(it);
}

void Network::heal() {
  partitions_.clear();
  std::fill(blocked_.begin(), blocked_.end(), 0);
}

void Network::add_clog(std::uint64_t id, const std::vector<NodePair>& pairs) {
  remove_clog(id);
  clogs_[id] = pairs;
  count_pairs(clogged_, pairs, +1);
}

std::vector<NodePair> Network::remove_clog(std::uint64_t id) {
  std::vector<NodePair> opened;
  auto it = clogs_.find(id);
  if (it == clogs_.end()) return opened;
  count_pairs(clogged_, it->second, -1);
  for (const auto& p : it->second) {
    if (!clogged(p.first, p.second)) opened.push_back(p);
  }
  clogs_.erase(it);
  return opened;
}

std::vector<NodePair> Network::remove_clogs(const std::vector<NodePair>& pairs) {
  std::vector<NodePair> opened;
  for (auto it = clogs_.begin(); it != clogs_.end();) {
    auto& clog = it->second;
    std::vector<NodePair> released;
    if (pairs.empty()) {
      released = clog;
      clog.clear();
    } else {
      std::erase_if(clog, [&](const NodePair& p) {
        const bool hit = std::binary_search(pairs.begin(), pairs.end(), p);
        if (hit) released.push_back(p);
        return hit;
      });
    }
    count_pairs(clogged_, released, -1);
    for (const auto& p : released) {
      if (!clogged(p.first, p.second)) opened.push_back(p);
    }
    it = clog.empty() ? clogs_.erase(it) : std::next(it);
  }
  std::sort(opened.begin(), opened.end());
  opened.erase(std::unique(opened.begin(), opened.end()), opened.end());
  return opened;
}

void Network::set_override(std::uint64_t id, Override o) { overrides_[id] = std::move(o); }

void Network::clear_override(std::uint64_t id) { overrides_.erase(id); }

}  // namespace dsim
