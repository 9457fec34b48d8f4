#include "sim/fault/nemesis.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace dsim {

namespace {

using Kind = NemesisProfile::Kind;

template <class T>
T draw(const NemesisProfile::Range<T>& range, Rng& rng) {
  assert(range.min <= range.max);
  return range.min + static_cast<T>(rng.below(static_cast<std::uint64_t>(range.max - range.min) + 1));
}

TimeNs below_ns(TimeNs bound_ns, Rng& rng) {
  return static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(std::max<TimeNs>(bound_ns, 1))));
}

// A fault at `at_ns` lasting `duration_ns`, cut short to end by `end_ns`.
FaultAction timed(FaultAction::Kind kind, std::string label, TimeNs at_ns, TimeNs duration_ns, TimeNs end_ns) {
  FaultAction f;
  f.kind = kind;
  f.label = std::move(label);
  f.at_ns = at_ns;
  f.duration_ns = std::max<TimeNs>(1, std::min(duration_ns, end_ns - at_ns));
  return f;
}

FaultAction crash(NodeId node, TimeNs at_ns, TimeNs duration_ns, TimeNs end_ns) {
  FaultAction f = timed(FaultAction::Kind::crash, "crash", at_ns, duration_ns, end_ns);
  f.nodes = {node};
  return f;
}

FaultAction cut(std::vector<NodeId> side, std::uint32_t nodes, std::string label, TimeNs at_ns, TimeNs duration_ns,
                TimeNs end_ns) {
  // A membership table, not a search of `side` per node: a cut of 4,096 nodes stays linear.
  std::vector<bool> on_side(nodes, false);
  for (NodeId id : side) on_side[id] = true;
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < nodes; ++id) {
    if (!on_side[id]) rest.push_back(id);
  }
  assert(!side.empty() && !rest.empty());
  FaultAction f = timed(FaultAction::Kind::partition, std::move(label), at_ns, duration_ns, end_ns);
  if (f.label == "isolate") f.nodes = side;
  f.groups = {std::move(side), std::move(rest)};
  f.links = FaultAction::Links::between_groups;
  return f;
}

std::vector<FaultAction> isolations(const NemesisProfile& p, TimeNs start_ns, TimeNs end_ns, std::uint32_t nodes,
                                    Rng& rng) {
  std::vector<FaultAction> out;
  if (nodes < 2) return out;
  const std::uint32_t chains = draw(p.chains, rng);
  for (std::uint32_t chain = 0; chain < chains; ++chain) {
    const std::uint32_t length = draw(p.length, rng);
    TimeNs at_ns = start_ns + below_ns((end_ns - start_ns) / 2, rng);
    for (std::uint32_t i = 0; i < length && at_ns < end_ns; ++i) {
      const TimeNs duration_ns = draw(p.duration_ns, rng);
      if (p.select) {
        FaultAction f = timed(FaultAction::Kind::partition, "isolate", at_ns, duration_ns, end_ns);
        f.select = p.select;
        out.push_back(std::move(f));
      } else {
        out.push_back(cut({static_cast<NodeId>(rng.below(nodes))}, nodes, "isolate", at_ns, duration_ns, end_ns));
      }
      at_ns += draw(p.gap_ns, rng);
    }
  }
  return out;
}

std::vector<FaultAction> partition_restarts(const NemesisProfile& p, TimeNs start_ns, TimeNs end_ns,
                                            std::uint32_t nodes, Rng& rng) {
  std::vector<FaultAction> out;
  if (nodes < 3) return out;
  const TimeNs span_ns = end_ns - start_ns;
  const TimeNs duration_ns = std::min(draw(p.duration_ns, rng), span_ns * 3 / 4);
  const TimeNs cut_ns = start_ns + span_ns / 8 + below_ns(span_ns - span_ns / 8 - duration_ns, rng);
  std::vector<NodeId> order(nodes);
  std::iota(order.begin(), order.end(), NodeId{0});
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
  const std::uint32_t minority_max = (nodes - 1) / 2;
  const std::uint32_t minority = draw(NemesisProfile::Range<std::uint32_t>{std::clamp(p.minority.min, 1u, minority_max),
                                                                           std::clamp(p.minority.max, 1u, minority_max)},
                                      rng);
  out.push_back(cut({order.begin(), order.begin() + minority}, nodes, "partition", cut_ns, duration_ns, end_ns));
  // Down from just before the cut to just after it: the majority side works short-handed.
  const std::uint32_t majority = nodes - minority;
  const std::uint32_t down = std::min(draw(p.down_before, rng), majority - 1);
  const TimeNs margin_ns = std::min<TimeNs>(100 * kNsPerMs, span_ns / 8);
  for (std::uint32_t i = 0; i < down; ++i) {
    out.push_back(crash(order[minority + i], cut_ns - margin_ns, duration_ns + 2 * margin_ns, end_ns));
  }
  const std::uint32_t up_first = minority + down;
  // A rolling restart: through the remaining majority nodes in a random order, then round again.
  const std::uint32_t restarts = draw(p.restarts, rng);
  for (std::uint32_t i = 0; i < restarts; ++i) {
    const NodeId node = order[up_first + i % (nodes - up_first)];
    const TimeNs at_ns = cut_ns + duration_ns / 2 + below_ns(duration_ns / 2, rng);
    out.push_back(crash(node, at_ns, draw(p.restart_ns, rng), end_ns));
  }
  return out;
}

// Crash-restarts that are over before an election timeout or two: a node forgets what it had not
// persisted and is back while its peers still count it, which is when a forgotten vote or a
// half-written term bites. The swarm's crashes are long and rare, so they almost never do this.
std::vector<FaultAction> crash_restarts(const NemesisProfile& p, TimeNs start_ns, TimeNs end_ns, std::uint32_t nodes,
                                        Rng& rng) {
  std::vector<FaultAction> out;
  const std::uint32_t restarts = draw(p.restarts, rng);
  for (std::uint32_t i = 0; i < restarts; ++i) {
    const TimeNs at_ns = start_ns + below_ns(end_ns - start_ns, rng);
    FaultAction f = timed(FaultAction::Kind::crash, "crash", at_ns, draw(p.restart_ns, rng), end_ns);
    if (p.select) f.select = p.select;
    else f.nodes = {static_cast<NodeId>(rng.below(nodes))};
    f.lose_unsynced = rng.chance(p.lose_unsynced_chance);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<FaultAction> nemesis_faults(const NemesisProfile& profile, TimeNs start_ns, TimeNs end_ns,
                                        std::uint32_t nodes, Rng& rng) {
  assert(start_ns < end_ns);
  std::vector<FaultAction> out;
  if (profile.kind == Kind::isolations) out = isolations(profile, start_ns, end_ns, nodes, rng);
  if (profile.kind == Kind::partition_restarts) out = partition_restarts(profile, start_ns, end_ns, nodes, rng);
  if (profile.kind == Kind::crash_restarts) out = crash_restarts(profile, start_ns, end_ns, nodes, rng);
  assert(profile.kind != Kind::mix && profile.kind != Kind::swarm);  // the fuzzer draws those
  std::stable_sort(out.begin(), out.end(), [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
  return out;
}

const NemesisProfile& pick_profile(const std::vector<NemesisProfile>& profiles, Rng& rng) {
  assert(!profiles.empty());
  if (profiles.size() == 1) return profiles[0];
  double total = 0;
  for (const auto& p : profiles) total += p.weight;
  double x = rng.unit() * total;
  for (const auto& p : profiles) {
    if (x < p.weight) return p;
    x -= p.weight;
  }
  return profiles.back();
}

}  // namespace dsim
