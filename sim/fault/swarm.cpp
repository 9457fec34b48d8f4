#include "sim/fault/swarm.h"

#include <algorithm>
#include <cassert>
#include <functional>

#include "sim/fault/partition.h"

namespace dsim {

namespace {

struct Drawer {
  const SwarmOptions& o;
  std::uint32_t n;
  Rng& rng;
  std::vector<std::pair<TimeNs, TimeNs>> crash_windows;  // [from, to) per crash drawn so far

  NodeId node() { return static_cast<NodeId>(rng.below(n)); }

  // A window inside [start, end): short ones are common, long ones possible.
  std::pair<TimeNs, TimeNs> window(TimeNs longest_ns) {
    const TimeNs span = o.end_ns - o.start_ns;
    const TimeNs at = o.start_ns + static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(std::max<TimeNs>(span, 1))));
    const TimeNs room = std::max<TimeNs>(o.end_ns - at, 1);
    const TimeNs most = std::max<TimeNs>(std::min(room, longest_ns), 1);
    return {at, 1 + static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(most)))};
  }

  FaultAction base(FaultAction::Kind kind, std::string label, std::pair<TimeNs, TimeNs> w) {
    FaultAction a;
    a.kind = kind;
    a.label = std::move(label);
    a.at_ns = w.first;
    a.duration_ns = std::min(w.second, o.end_ns - w.first);
    if (*a.duration_ns <= 0) a.duration_ns = 1;
    return a;
  }

  std::uint32_t crashed_max() const { return o.crashed_max ? o.crashed_max : (n - 1) / 2; }

  bool crash_fits(std::pair<TimeNs, TimeNs> w) {
    std::uint32_t overlapping = 0;
    for (const auto& [from, to] : crash_windows) overlapping += from < w.first + w.second && w.first < to;
    if (overlapping >= crashed_max()) return false;
    crash_windows.emplace_back(w.first, w.first + w.second);
    return true;
  }

  std::vector<FaultAction> crash() {
    const auto w = window(3 * kNsPerSec);
    if (!crash_fits(w)) return {};
    FaultAction a = base(FaultAction::Kind::crash, "crash", w);
    a.nodes = {node()};
    a.lose_unsynced = o.lose_unsynced && rng.chance(0.5);
    return {a};
  }

  std::vector<FaultAction> wipe() {
    const auto w = window(3 * kNsPerSec);
    if (!crash_fits(w)) return {};
    FaultAction a = base(FaultAction::Kind::wipe, "wipe", w);
    a.duration_ns.reset();
    a.nodes = {node()};
    FaultAction restart = a;
    restart.kind = FaultAction::Kind::restart;
    restart.label = "restart";
    restart.at_ns = w.first + std::min(w.second, o.end_ns - w.first);
    return {a, restart};
  }

  std::vector<FaultAction> pause() {
    FaultAction a = base(FaultAction::Kind::pause, "pause", window(2 * kNsPerSec));
    a.nodes = {node()};
    return {a};
  }

  std::vector<FaultAction> partition() {
    FaultAction a = base(FaultAction::Kind::partition, "partition", window(4 * kNsPerSec));
    std::vector<NodeId> side, rest;
    for (NodeId i = 0; i < n; ++i) (rng.chance(0.5) ? side : rest).push_back(i);
    if (side.empty() || rest.empty()) {  // isolate one node instead
      side = {node()};
      rest.clear();
      for (NodeId i = 0; i < n; ++i) {
        if (i != side[0]) rest.push_back(i);
      }
      a.label = "isolate";
    }
    if (rest.empty()) return {};
    if (rng.chance(0.25)) {
      a.label = "partition-one-way";
      a.groups = {side, rest};
      a.links = FaultAction::Links::one_way;
    } else {
      a.groups = {side, rest};
      a.links = FaultAction::Links::between_groups;
    }
    return {a};
  }

  std::vector<FaultAction> clog() {
    FaultAction a = base(FaultAction::Kind::clog, "clog", window(1 * kNsPerSec));
    const NodeId x = node();
    if (rng.chance(0.5) || n < 2) {
      a.pairs = pairs_touching({x}, n);
    } else {
      NodeId y = node();
      if (y == x) y = (x + 1) % n;
      a.pairs = {{x, y}};
    }
    return {a};
  }

  std::vector<FaultAction> network() {
    FaultAction a = base(FaultAction::Kind::network, "network", window(3 * kNsPerSec));
    if (rng.chance(0.6)) a.loss = rng.unit() * 0.3;
    if (rng.chance(0.4)) a.duplicate = rng.unit() * 0.2;
    if (rng.chance(0.4) || (!a.loss && !a.duplicate)) a.reorder = rng.unit() * 0.5;
    return {a};
  }

  std::vector<FaultAction> clock() {
    const auto w = window(4 * kNsPerSec);
    if (rng.chance(0.5)) {
      FaultAction a = base(FaultAction::Kind::clock_step, "clock-step", w);
      a.nodes = {node()};
      const auto step = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(o.clock_step_max_ns))) + 1;
      a.delta_ns = rng.chance(0.5) ? step : -step;
      return {a};
    }
    FaultAction a = base(FaultAction::Kind::clock_drift, "clock-drift", w);
    a.nodes = {node()};
    a.drift_ppm = rng.between(-o.drift_ppm_max, o.drift_ppm_max);
    return {a};
  }

  // A slow node for a while: each event costs a uniform draw in [0, 2 * mean], the mean drawn up
  // to half the maximum, so some windows merely lag and some starve the node.
  std::vector<FaultAction> slow() {
    FaultAction a = base(FaultAction::Kind::slow, "slow", window(3 * kNsPerSec));
    a.nodes = {node()};
    const auto mean_ns = 1 + static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(std::max<TimeNs>(o.slow_delay_max_ns / 2, 1))));
    LatencySpec delay;
    delay.dist = LatencySpec::Dist::uniform;
    delay.mean_ns = delay.stddev_ns = delay.floor_ns = 0;  // as read from a file: unused fields 0
    delay.min_ns = 0;
    delay.max_ns = 2 * mean_ns;
    a.latency = delay;
    return {a};
  }
};

// This seed's slow windows: none in half the seeds (swarm), else up to slows_max.
std::vector<FaultAction> slow_faults(const SwarmOptions& o, std::uint32_t nodes, Rng& rng) {
  if (o.slows_max == 0 || o.slow_delay_max_ns <= 0 || !rng.chance(0.5)) return {};
  Drawer d{o, nodes, rng, {}};
  std::vector<FaultAction> out;
  const std::uint64_t count = 1 + rng.below(o.slows_max);
  for (std::uint64_t i = 0; i < count; ++i) {
    for (FaultAction& a : d.slow()) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

std::vector<FaultAction> swarm_faults(const SwarmOptions& o, std::uint32_t nodes, Rng& rng, Rng* slow_rng) {
  assert(nodes > 0 && o.end_ns > o.start_ns);
  Drawer d{o, nodes, rng, {}};
  using Draw = std::vector<FaultAction> (Drawer::*)();
  const std::pair<bool, Draw> kinds[] = {
      {o.crashes, &Drawer::crash}, {o.wipes, &Drawer::wipe},   {o.pauses, &Drawer::pause},
      {o.partitions, &Drawer::partition}, {o.clogs, &Drawer::clog}, {o.network, &Drawer::network},
      {o.clocks, &Drawer::clock}};
  // Swarm: this seed's subset of the allowed kinds; never empty when any is allowed.
  std::vector<Draw> enabled, allowed;
  for (const auto& [on, draw] : kinds) {
    if (!on) continue;
    allowed.push_back(draw);
    if (rng.chance(0.5)) enabled.push_back(draw);
  }
  if (allowed.empty()) return {};
  if (enabled.empty()) enabled.push_back(allowed[rng.below(allowed.size())]);

  std::vector<FaultAction> out;
  const std::uint64_t count = 1 + rng.below(std::max<std::uint32_t>(o.faults_max, 1));
  for (std::uint64_t i = 0; i < count; ++i) {
    for (FaultAction& a : (d.*enabled[rng.below(enabled.size())])()) out.push_back(std::move(a));
  }
  if (slow_rng) {
    // After the others, so that at equal times the stable sort keeps their order as it was.
    for (FaultAction& a : slow_faults(o, nodes, *slow_rng)) out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(), [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
  return out;
}

}  // namespace dsim
