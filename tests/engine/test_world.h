// Helpers for engine tests: a small primary-backup scenario built in code, and a checker of the
// engine's guarantees over a trace.
#pragma once

#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "sim/fault/swarm.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::testing {

inline Scenario small_scenario(std::uint32_t nodes, std::uint64_t seed, TimeNs duration_ns = 3 * kNsPerSec) {
  Scenario s;
  s.name = "engine-test";
  s.cluster.protocol = "primary-backup";
  for (std::uint32_t i = 0; i < nodes; ++i) s.cluster.node_names.push_back(fmt::format("n{}", i));
  s.clocks.resize(nodes);
  s.workload.kind = "register";
  s.workload.clients = 3;
  s.workload.think_ns = 5 * kNsPerMs;
  s.workload.timeout_ns = 200 * kNsPerMs;
  s.checks.linearizability = "cas-register";
  s.run.seed = seed;
  s.run.duration_ns = duration_ns;
  return s;
}

inline Scenario with_swarm_faults(Scenario s, std::uint64_t seed) {
  SwarmOptions o;
  o.start_ns = 100 * kNsPerMs;
  o.end_ns = s.run.duration_ns - 500 * kNsPerMs;
  o.wipes = true;
  Rng rng = Rng::derive(seed, "test-faults");
  s.faults = swarm_faults(o, s.cluster.size(), rng);
  s.expect.safety = ExpectSpec::Outcome::any;
  return s;
}

// The engine's promises, checked from the outside over a trace: time never goes backwards; no
// message crosses an active partition in its blocked direction; nothing is delivered to, and no
// timer fires on, a crashed or paused node. Returns the first broken promise.
inline std::optional<std::string> broken_engine_promise(const Trace& trace, std::uint32_t nodes) {
  std::map<std::uint64_t, std::set<std::pair<std::int64_t, std::int64_t>>> partitions;
  std::set<std::int64_t> down, paused;
  TimeNs last_ns = 0;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const TraceEvent& e = trace.events[i];
    const auto& d = e.data;
    if (e.t_ns < last_ns) return fmt::format("event {}: time went backwards", i);
    last_ns = e.t_ns;
    const bool ignored = d.is_object() && d.value("ignored", false);
    switch (e.kind) {
      case TraceKind::partition:
        for (const auto& p : d["pairs"]) partitions[d["fault"]].emplace(p[0], p[1]);
        break;
      case TraceKind::heal:
        if (d.value("undo", false)) partitions.erase(d["fault"].get<std::uint64_t>());
        else partitions.clear();
        break;
      case TraceKind::crash:
      case TraceKind::wipe:
        if (!ignored) {
          down.insert(e.actor);
          paused.erase(e.actor);
        }
        break;
      case TraceKind::start:
        down.erase(e.actor);
        break;
      case TraceKind::pause:
        if (!ignored) paused.insert(e.actor);
        break;
      case TraceKind::resume:
        if (!ignored) paused.erase(e.actor);
        break;
      case TraceKind::deliver:
      case TraceKind::timer: {
        if (e.actor >= static_cast<std::int64_t>(nodes)) break;  // a client
        if (down.count(e.actor)) return fmt::format("event {}: {} on crashed node {}", i, trace_kind_name(e.kind), e.actor);
        if (paused.count(e.actor)) return fmt::format("event {}: {} on paused node {}", i, trace_kind_name(e.kind), e.actor);
        // A slow node's queued message crossed the link before the partition (queued_ns).
        if (e.kind == TraceKind::deliver && d["from"].get<std::int64_t>() < static_cast<std::int64_t>(nodes) &&
            !d.contains("queued_ns")) {
          const std::pair<std::int64_t, std::int64_t> link{d["from"], e.actor};
          for (const auto& [fault, pairs] : partitions) {
            if (pairs.count(link)) return fmt::format("event {}: delivery {}->{} across partition {}", i, link.first, link.second, fault);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return std::nullopt;
}

}  // namespace dsim::testing
