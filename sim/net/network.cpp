#include "sim/net/network.h"

#include <algorithm>
#include <cassert>

namespace dsim {

namespace {
const LatencySpec& latency_for(const LinkConditions& c, std::string_view type) {
  if (c.latency_by_type.empty()) return c.latency;
  const auto it = c.latency_by_type.find(type);
  return it == c.latency_by_type.end() ? c.latency : it->second;
}

void apply(LinkConditions& c, const LinkSpec& link) {
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

std::vector<NodeId> sorted(std::vector<NodeId> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool has(const std::vector<NodeId>& sorted_ids, NodeId id) {
  return std::binary_search(sorted_ids.begin(), sorted_ids.end(), id);
}
}  // namespace

Network::Network(const NetworkSpec& spec, std::uint32_t nodes, Rng rng) : nodes_(nodes), rng_(rng) {
  conditions_.push_back(LinkConditions{spec.latency, spec.latency_by_type, spec.loss, spec.duplicate, spec.reorder});
  for (const LinkSpec& link : spec.links) {
    link_overrides_.push_back(LinkOverride{sorted(link.from), sorted(link.to), link});
  }
}

// The conditions of a link: the network's, then every override that covers it, in order.
// Links covered by the same overrides share one entry.
std::uint32_t Network::resolve(NodeId from, NodeId to) {
  if (link_overrides_.empty()) return 0;
  std::vector<std::uint32_t> applying;
  for (std::uint32_t i = 0; i < link_overrides_.size(); ++i) {
    const LinkOverride& o = link_overrides_[i];
    if (has(o.from, from) && has(o.to, to)) applying.push_back(i);
  }
  if (applying.empty()) return 0;
  auto [it, fresh] = combination_.try_emplace(applying, static_cast<std::uint32_t>(conditions_.size()));
  if (fresh) {
    LinkConditions c = conditions_[0];
    for (std::uint32_t i : applying) apply(c, link_overrides_[i].spec);
    conditions_.push_back(std::move(c));
  }
  return it->second;
}

Network::LinkState& Network::state(NodeId from, NodeId to) {
  const std::uint64_t key = (static_cast<std::uint64_t>(from) << 32) | to;
  if (LinkState* link = links_.find(key)) return *link;
  return links_.insert(key, LinkState{resolve(from, to), 0});
}

bool Network::blocked(NodeId from, NodeId to) const {
  for (const auto& [id, links] : partitions_) {
    if (links.contains(from, to)) return true;
  }
  return false;
}

bool Network::Clog::holds(NodeId from, NodeId to) const {
  if (!links.contains(from, to)) return false;
  return std::none_of(released.begin(), released.end(), [&](const LinkSet& r) { return r.contains(from, to); });
}

bool Network::clogged(NodeId from, NodeId to) const {
  for (const auto& [id, clog] : clogs_) {
    if (clog.holds(from, to)) return true;
  }
  return false;
}

Routing Network::route(NodeId from, NodeId to, TimeNs now_ns, std::string_view type) {
  assert(from < nodes_ && to < nodes_);
  Routing r;
  if (blocked(from, to)) {
    r.fate = Routing::Fate::blocked;
    return r;
  }
  LinkState& link = state(from, to);
  const LinkConditions& c = conditions_[link.conditions];
  double loss = c.loss, duplicate = c.duplicate, reorder = c.reorder;
  const LatencySpec* latency = &latency_for(c, type);
  for (const auto& [id, o] : overrides_) {  // in id order: the newest wins
    if (o.loss) loss = *o.loss;
    if (o.duplicate) duplicate = *o.duplicate;
    if (o.reorder) reorder = *o.reorder;
    if (o.latency) latency = &*o.latency;
  }
  if (rng_.chance(loss)) {
    r.fate = Routing::Fate::lost;
    return r;
  }
  const TimeNs arrival_ns = now_ns + sample_latency(*latency, rng_);
  if (rng_.chance(reorder)) {
    r.deliver_at_ns = arrival_ns;  // free to overtake earlier messages on this link
  } else {
    r.deliver_at_ns = std::max(arrival_ns, link.fifo_last_ns);
    link.fifo_last_ns = r.deliver_at_ns;
  }
  if (rng_.chance(duplicate)) r.duplicate_at_ns = now_ns + sample_latency(*latency, rng_);
  return r;
}

void Network::add_partition(std::uint64_t id, LinkSet links) { partitions_.insert_or_assign(id, std::move(links)); }

void Network::remove_partition(std::uint64_t id) { partitions_.erase(id); }

void Network::heal() { partitions_.clear(); }

void Network::add_clog(std::uint64_t id, LinkSet links) { clogs_.insert_or_assign(id, Clog{std::move(links), {}}); }

void Network::remove_clog(std::uint64_t id) { clogs_.erase(id); }

void Network::release_clogs(const LinkSet& links) {
  for (auto& [id, clog] : clogs_) clog.released.push_back(links);
}

void Network::set_override(std::uint64_t id, Override o) { overrides_[id] = std::move(o); }

void Network::clear_override(std::uint64_t id) { overrides_.erase(id); }

}  // namespace dsim
