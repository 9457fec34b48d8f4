// The parameters of a broadcast cluster (cluster.params) and its known-bug switch (cluster.bugs).
// One reader serves validation (with precise errors) and construction, so they cannot disagree.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "protocols/broadcast/topology.h"
#include "sim/core/time.h"
#include "sim/scenario/json_reader.h"

namespace dsim::broadcast {

// How a node spreads what it learns (docs/protocols/broadcast.md):
//   push, pull, push-pull  rumor spreading: every period, `fanout` peers;
//   anti-entropy           every period, full-set exchange with `fanout` peers, nothing else;
//   flood                  new values go, once, to every topology neighbour but the one they came
//                          from (over a tree-k topology: spanning-tree broadcast).
enum class Mode { push, pull, push_pull, anti_entropy, flood };
// When a rumor stops being spread (Demers et al. 1987): never, after k unnecessary sends
// (counter), or with probability 1/k after each (coin).
enum class Stop { none, counter, coin };

struct Bugs {
  bool forget_forwarded = false;  // a node forgets the rumors it has forwarded: a re-flooding storm
};

struct Options {
  Mode mode = Mode::push;
  std::uint32_t fanout = 1;
  TimeNs period_ns = 100 * kNsPerMs;  // 0 (flood only): forward at once, unbatched
  bool period_jitter = false;         // first tick at a random phase instead of aligned rounds
  Topology topology;
  // flood: forward values learned from peers too. false: a node floods only its own clients'
  // values, one hop to each neighbour; over a total topology that reaches everyone directly.
  bool relay = true;
  Stop stop = Stop::none;
  std::uint32_t stop_k = 2;
  bool feedback = true;               // stop counts only sends the receiver did not need
  TimeNs anti_entropy_ns = 0;         // also exchange full sets with one peer this often; 0: never
  bool durable = false;               // sync broadcast values before acknowledging them
  std::uint32_t batch_max = 0;        // values per message; 0: no limit
  Bugs bugs;
};

// Reads (and checks) every parameter; calls params.finish(). Problems go to params.diag().
Options read_options(ObjectReader& params);

struct BugInfo {
  const char* name;
  const char* summary;
  bool Bugs::*flag;
};
inline constexpr BugInfo kBugs[] = {
    {"forget-forwarded",
     "a node forgets which rumors it already forwarded, so every copy it receives is forwarded again: a "
     "re-flooding storm that never dies down",
     &Bugs::forget_forwarded},
};

Bugs read_bugs(const std::set<std::string>& names);

}  // namespace dsim::broadcast
