// The slow node fault: a busy CPU with a queue in front of it (sim/world/slow.cpp). Pingpong
// over constant 1 ms links, so every message's arrival is its send time + 1 ms and the handling
// time of each event can be predicted exactly from the trace.
#include <map>

#include <gtest/gtest.h>

#include "sim/scenario/fault_json.h"
#include "tests/engine/test_world.h"

namespace dsim {
namespace {

using testing::broken_engine_promise;

constexpr TimeNs kLinkNs = 1 * kNsPerMs;

LatencySpec constant(TimeNs ns) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::constant;
  spec.mean_ns = ns;
  spec.stddev_ns = spec.floor_ns = 0;
  return spec;
}

Scenario pingpong(std::uint32_t nodes, std::int64_t in_flight, TimeNs duration_ns = 200 * kNsPerMs) {
  Scenario s;
  s.name = "slow-test";
  s.cluster.protocol = "pingpong";
  s.cluster.params = {{"in_flight", in_flight}};
  for (std::uint32_t i = 0; i < nodes; ++i) s.cluster.node_names.push_back(fmt::format("n{}", i));
  s.clocks.resize(nodes);
  s.network.latency = constant(kLinkNs);
  s.run.duration_ns = duration_ns;
  return s;
}

FaultAction slow(NodeId node, LatencySpec delay, TimeNs at_ns, std::optional<TimeNs> duration_ns = std::nullopt) {
  FaultAction a;
  a.kind = FaultAction::Kind::slow;
  a.label = "slow";
  a.at_ns = at_ns;
  a.duration_ns = duration_ns;
  a.nodes = {node};
  a.latency = delay;
  return a;
}

RunResult traced_run(const Scenario& s) {
  RunOptions o;
  o.trace = true;
  return run_scenario(s, o);
}

struct Handled {
  TimeNs arrived_ns;
  TimeNs handled_ns;
};

// Every node-to-node message `node` handled, in handling order, with when it arrived.
std::vector<Handled> handled_at(const RunResult& r, NodeId node) {
  std::map<std::uint64_t, TimeNs> sent_ns;
  std::vector<Handled> out;
  for (const TraceEvent& e : r.trace.events) {
    if (e.kind == TraceKind::send && e.data.contains("msg")) sent_ns[e.data["msg"].get<std::uint64_t>()] = e.t_ns;
    if (e.kind == TraceKind::deliver && e.actor == node && e.data.contains("msg")) {
      out.push_back({sent_ns.at(e.data["msg"].get<std::uint64_t>()) + kLinkNs, e.t_ns});
    }
  }
  return out;
}

TEST(Slow, EachEventStartsWhenTheNodeIsFreeAndCostsTheDelay) {
  constexpr TimeNs kDelayNs = 3 * kNsPerMs;
  Scenario s = pingpong(3, 4);
  s.faults = {slow(1, constant(kDelayNs), 0)};
  const RunResult r = traced_run(s);
  const std::vector<Handled> handled = handled_at(r, 1);
  ASSERT_GT(handled.size(), 20u);
  TimeNs busy_until_ns = 0;
  TimeNs waited_ns_max = 0;
  for (std::size_t i = 0; i < handled.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(handled[i].arrived_ns, handled[i - 1].arrived_ns) << "handled in arrival order, " << i;
    }
    busy_until_ns = std::max(handled[i].arrived_ns, busy_until_ns) + kDelayNs;
    EXPECT_EQ(handled[i].handled_ns, busy_until_ns) << "event " << i;
    waited_ns_max = std::max(waited_ns_max, handled[i].handled_ns - handled[i].arrived_ns);
  }
  // 8 pings in flight towards n1 at once: the queue builds up, far beyond one event's cost.
  EXPECT_GE(waited_ns_max, 5 * kDelayNs);
}

TEST(Slow, OtherNodesHandleEventsAsTheyArrive) {
  Scenario s = pingpong(3, 4);
  s.faults = {slow(1, constant(3 * kNsPerMs), 0)};
  const RunResult r = traced_run(s);
  for (NodeId node : {0u, 2u}) {
    const std::vector<Handled> handled = handled_at(r, node);
    ASSERT_FALSE(handled.empty());
    for (const Handled& h : handled) EXPECT_EQ(h.handled_ns, h.arrived_ns) << "node " << node;
  }
}

TEST(Slow, WhenItEndsTheQueueDrainsAtOnceInOrder) {
  constexpr TimeNs kDelayNs = 3 * kNsPerMs;
  constexpr TimeNs kUntilNs = 40 * kNsPerMs + kNsPerMs / 2;  // between arrivals: no ties
  Scenario s = pingpong(3, 4);
  s.faults = {slow(1, constant(kDelayNs), 0, kUntilNs)};
  const RunResult r = traced_run(s);
  const std::vector<Handled> handled = handled_at(r, 1);
  TimeNs busy_until_ns = 0;
  bool drained_late = false;
  for (std::size_t i = 0; i < handled.size(); ++i) {
    // The cost is drawn as the node starts the event: nothing once the slowness has ended.
    const TimeNs start_ns = std::max(handled[i].arrived_ns, busy_until_ns);
    busy_until_ns = start_ns + (start_ns < kUntilNs ? kDelayNs : 0);
    EXPECT_EQ(handled[i].handled_ns, busy_until_ns) << "event " << i;
    drained_late |= handled[i].arrived_ns >= kUntilNs && handled[i].handled_ns > handled[i].arrived_ns;
  }
  EXPECT_TRUE(drained_late) << "what arrived just after the end still waited behind the queue";
  EXPECT_EQ(handled.back().handled_ns, handled.back().arrived_ns) << "and then the node caught up";
}

TEST(Slow, UnslowEndsEverySlownessOfTheNode) {
  Scenario s = pingpong(3, 1);
  FaultAction unslow;
  unslow.kind = FaultAction::Kind::unslow;
  unslow.label = "unslow";
  unslow.at_ns = 30 * kNsPerMs + kNsPerMs / 2;
  unslow.nodes = {1};
  s.faults = {slow(1, constant(2 * kNsPerMs), 0), slow(1, constant(1 * kNsPerMs), 0), unslow};
  const RunResult r = traced_run(s);
  const std::vector<Handled> handled = handled_at(r, 1);
  TimeNs busy_until_ns = 0;
  for (std::size_t i = 0; i < handled.size(); ++i) {
    // Two slow faults at once: their draws add up.
    const TimeNs start_ns = std::max(handled[i].arrived_ns, busy_until_ns);
    busy_until_ns = start_ns + (start_ns < unslow.at_ns ? 3 * kNsPerMs : 0);
    EXPECT_EQ(handled[i].handled_ns, busy_until_ns) << "event " << i;
  }
}

TEST(Slow, ACrashLosesTheQueueAndTheSlowness) {
  Scenario s = pingpong(3, 4);
  FaultAction crash;
  crash.kind = FaultAction::Kind::crash;
  crash.label = "crash";
  crash.at_ns = 20 * kNsPerMs + kNsPerMs / 2;
  crash.duration_ns = 10 * kNsPerMs;
  crash.nodes = {1};
  s.faults = {slow(1, constant(5 * kNsPerMs), 0), crash};
  const RunResult r = traced_run(s);
  EXPECT_EQ(broken_engine_promise(r.trace, 3), std::nullopt);
  std::size_t lost = 0;
  for (const TraceEvent& e : r.trace.events) {
    lost += e.kind == TraceKind::drop && e.actor == 1 && e.t_ns == crash.at_ns && e.data["reason"] == "crashed";
  }
  EXPECT_GT(lost, 0u) << "messages n1 had taken in but not handled are lost with it";
  // The restarted node is not slow (pingpong's new pings to it are handled on arrival).
  for (const Handled& h : handled_at(r, 1)) {
    if (h.arrived_ns > crash.at_ns) {
      EXPECT_EQ(h.handled_ns, h.arrived_ns);
    }
  }
}

TEST(Slow, APausedSlowNodeRunsNothingAndKeepsItsOrder) {
  Scenario s = pingpong(3, 4);
  FaultAction pause;
  pause.kind = FaultAction::Kind::pause;
  pause.label = "pause";
  pause.at_ns = 10 * kNsPerMs + kNsPerMs / 2;
  pause.duration_ns = 20 * kNsPerMs;
  pause.nodes = {1};
  s.faults = {slow(1, constant(4 * kNsPerMs), 0), pause};
  const RunResult r = traced_run(s);
  EXPECT_EQ(broken_engine_promise(r.trace, 3), std::nullopt);
  const std::vector<Handled> handled = handled_at(r, 1);
  ASSERT_GT(handled.size(), 10u);
  for (std::size_t i = 1; i < handled.size(); ++i) {
    EXPECT_GE(handled[i].arrived_ns, handled[i - 1].arrived_ns) << "handled in arrival order, " << i;
  }
}

TEST(Slow, SameSeedSameRunAndTheDrawsAreTheNodesOwn) {
  LatencySpec uniform;
  uniform.dist = LatencySpec::Dist::uniform;
  uniform.min_ns = 0;
  uniform.max_ns = 6 * kNsPerMs;
  uniform.mean_ns = uniform.stddev_ns = uniform.floor_ns = 0;
  Scenario s = pingpong(4, 2);
  s.faults = {slow(2, uniform, 0)};
  const RunResult a = traced_run(s);
  EXPECT_EQ(a.fingerprint, traced_run(s).fingerprint);
  EXPECT_EQ(a.fingerprint, run_scenario(s).fingerprint) << "tracing does not change the run";
  Scenario other = s;
  other.run.seed = 2;
  EXPECT_NE(a.fingerprint, run_scenario(other).fingerprint);
  // And the slow node did change the run.
  Scenario without = pingpong(4, 2);
  EXPECT_NE(a.fingerprint, run_scenario(without).fingerprint);
}

// What a node handled from its backlog, in handling order: whether it was a timer, and when it
// arrived (the trace's time less queued_ns).
struct Taken {
  bool timer;
  TimeNs arrived_ns;
};

std::vector<Taken> taken_from_backlog(const RunResult& r, NodeId node) {
  std::vector<Taken> out;
  for (const TraceEvent& e : r.trace.events) {
    if (e.actor != node || !e.data.is_object() || !e.data.contains("queued_ns")) continue;
    if (e.kind != TraceKind::timer && e.kind != TraceKind::deliver) continue;
    out.push_back({e.kind == TraceKind::timer, e.t_ns - e.data["queued_ns"].get<TimeNs>()});
  }
  return out;
}

// How many times a timer was handled before a message that had arrived earlier.
std::size_t timers_ahead_of_earlier_messages(const std::vector<Taken>& taken) {
  std::size_t overtakes = 0;
  for (std::size_t i = 0; i < taken.size(); ++i) {
    if (!taken[i].timer) continue;
    for (std::size_t j = i + 1; j < taken.size(); ++j) {
      if (!taken[j].timer && taken[j].arrived_ns < taken[i].arrived_ns) {
        ++overtakes;
        break;
      }
    }
  }
  return overtakes;
}

// SWIM probes on a timer and its peers ping it: a slow node's backlog holds both. Under arrival
// order nothing overtakes; under timers-first a due timer goes before the messages queued ahead
// of it, and timers among themselves, and messages among themselves, keep their arrival order.
TEST(Slow, UnderTimersFirstADueTimerOvertakesAQueuedMessage) {
  Scenario s = pingpong(5, 1, 4 * kNsPerSec);
  s.cluster.protocol = "membership";
  s.cluster.params = {{"mode", "swim"}};
  s.faults = {slow(0, constant(15 * kNsPerMs), 0)};
  const std::vector<Taken> arrival = taken_from_backlog(traced_run(s), 0);
  ASSERT_GT(arrival.size(), 50u);
  for (std::size_t i = 1; i < arrival.size(); ++i) {
    EXPECT_GE(arrival[i].arrived_ns, arrival[i - 1].arrived_ns) << "arrival order, event " << i;
  }
  EXPECT_EQ(timers_ahead_of_earlier_messages(arrival), 0u);

  s.faults[0].slow_order = FaultAction::SlowOrder::timers_first;
  const RunResult r = traced_run(s);
  const std::vector<Taken> timers_first = taken_from_backlog(r, 0);
  EXPECT_GT(timers_ahead_of_earlier_messages(timers_first), 0u);
  TimeNs timer_last_ns = 0, message_last_ns = 0;
  for (const Taken& t : timers_first) {
    TimeNs& last_ns = t.timer ? timer_last_ns : message_last_ns;
    EXPECT_GE(t.arrived_ns, last_ns);
    last_ns = t.arrived_ns;
  }
  EXPECT_EQ(r.fingerprint, run_scenario(s).fingerprint) << "and the run is still determined";
}

// Primary-backup with clients under random schedules with slow windows: the engine's promises hold
// on slow nodes too, for timers and client requests.
TEST(Slow, SwarmSchedulesWithSlowNodesKeepTheEnginesPromises) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Scenario s = testing::small_scenario(3, seed, 2 * kNsPerSec);
    SwarmOptions o;
    o.start_ns = 100 * kNsPerMs;
    o.end_ns = s.run.duration_ns - 500 * kNsPerMs;
    Rng rng = Rng::derive(seed, "test-faults");
    Rng slow_rng = Rng::derive(seed, "test-slow");
    s.faults = swarm_faults(o, 3, rng, &slow_rng);
    s.expect.safety = ExpectSpec::Outcome::any;
    const RunResult r = traced_run(s);
    EXPECT_EQ(broken_engine_promise(r.trace, 3), std::nullopt) << "seed " << seed;
  }
}

TEST(Slow, TheSwarmDrawsSlowFromItsOwnStream) {
  SwarmOptions o;
  o.start_ns = 0;
  o.end_ns = 10 * kNsPerSec;
  std::size_t seeds_slowed = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Rng plain_rng = Rng::derive(seed, "f");
    const std::vector<FaultAction> plain = swarm_faults(o, 5, plain_rng);
    Rng rng = Rng::derive(seed, "f");
    Rng slow_rng = Rng::derive(seed, "s");
    const std::vector<FaultAction> with = swarm_faults(o, 5, rng, &slow_rng);
    std::vector<FaultAction> others;
    std::size_t slows = 0;
    for (const FaultAction& a : with) {
      if (a.kind == FaultAction::Kind::slow) {
        ++slows;
        ASSERT_TRUE(a.latency && a.duration_ns);
        EXPECT_LE(a.latency->max_ns, o.slow_delay_max_ns);
        EXPECT_LE(a.at_ns + *a.duration_ns, o.end_ns);
      } else {
        others.push_back(a);
      }
    }
    EXPECT_EQ(others, plain) << "seed " << seed << ": the other kinds are drawn exactly as without slow";
    EXPECT_LE(slows, o.slows_max);
    seeds_slowed += slows > 0;
  }
  EXPECT_GT(seeds_slowed, 10u);
  EXPECT_LT(seeds_slowed, 30u) << "swarm: about half the seeds have no slow node";
}

}  // namespace
}  // namespace dsim
