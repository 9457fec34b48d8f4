// The parameters of a membership cluster (cluster.params) and its known-bug switches. One reader
// serves validation and construction, so they cannot disagree about names or defaults.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "sim/core/time.h"
#include "sim/scenario/json_reader.h"

namespace dsim::membership {

enum class Mode { swim, heartbeat };

struct Bugs {
  bool swim_no_incarnation = false;        // incarnations never grow: a live suspect cannot refute
  bool heartbeat_keep_older = false;       // table merge keeps the older of two counters
  bool suspicion_ignores_size = false;     // suspicion timeout not scaled by log N
};

struct Options {
  Mode mode = Mode::swim;
  TimeNs period_ns = 100 * kNsPerMs;       // protocol period (SWIM) or gossip period (heartbeat)

  // SWIM.
  TimeNs probe_timeout_ns = 20 * kNsPerMs; // direct ping's ack wait; then k indirect ping-reqs
  std::uint32_t indirect_checks = 3;       // k
  std::uint32_t retransmit_mult = 4;       // lambda: each update is sent lambda * ceil(log10(N+1)) times
  std::uint32_t piggyback_max = 8;         // updates carried by one message
  std::uint32_t buffer_max = 512;          // updates waiting for dissemination
  std::uint32_t suspicion_mult = 4;        // suspicion timeout = mult * max(1, log10 N) * period
  std::uint32_t reconnect_periods = 10;    // a removed member is pinged about once per this many periods

  // Lifeguard (all off: plain SWIM; all on: Lifeguard).
  bool local_health = false;               // probe timeouts stretch while this node misses acks/nacks
  std::uint32_t local_health_max = 8;      // the multiplier's ceiling
  bool dynamic_suspicion = false;          // suspicion starts at max_mult * min, shrinks with confirmations
  std::uint32_t suspicion_max_mult = 6;
  std::uint32_t suspicion_confirmations = 3;  // independent suspicions that bring the timeout to min
  bool buddy = false;                      // a message to a suspect tells it so, first

  // Heartbeat.
  std::uint32_t fanout = 2;                // peers each node gossips its table to per period
  TimeNs suspect_after_ns = 2000 * kNsPerMs;  // T: no counter increase for this long: suspected
  TimeNs remove_after_ns = 4000 * kNsPerMs;   // T2: removed

  // The membership checker (protocols/membership/observer.h).
  bool forbid_false_suspicion = false;     // a suspicion of an up, unpaused node is a finding
  bool forbid_false_removal = false;       // a removal of an up, unpaused node is a finding
  TimeNs converge_within_ns = 0;           // after calm; 0: derived from the timeouts

  Bugs bugs;
};

// Reads (and checks) every parameter; calls params.finish(). Problems go to params.diag().
Options read_options(ObjectReader& params, std::uint32_t nodes);

// How long after calm every live node's view must list exactly the live nodes.
TimeNs converge_bound_ns(const Options& options, std::uint32_t nodes);

// max(1, log10 n): the group-size factor of timeouts and retransmissions (memberlist's).
double node_scale(std::uint32_t n);

struct BugInfo {
  const char* name;
  const char* summary;
  bool Bugs::*flag;
};
inline constexpr BugInfo kBugs[] = {
    {"swim-no-incarnation",
     "SWIM without incarnation numbers: a suspected live node cannot refute, so it is removed for good",
     &Bugs::swim_no_incarnation},
    {"heartbeat-keep-older",
     "the heartbeat table merge keeps the older of two counters, so nobody's heartbeat propagates",
     &Bugs::heartbeat_keep_older},
    {"suspicion-ignores-group-size",
     "the suspicion timeout is not scaled by log N, so refutations cannot spread in time in a large group",
     &Bugs::suspicion_ignores_size},
};

Bugs read_bugs(const std::set<std::string>& names);

}  // namespace dsim::membership
