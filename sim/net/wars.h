// The WARS model of Bailis et al., "Probabilistically Bounded Staleness" (VLDB 2012, §5): a
// Monte Carlo prediction of t-visibility for a Dynamo-style partial quorum (N replicas, reads
// wait for R responses, writes for W acknowledgements) from four delay distributions:
//   W  coordinator -> replica, the write request
//   A  replica -> coordinator, the write's acknowledgement
//   R  coordinator -> replica, the read request
//   S  replica -> coordinator, the read's response
// One trial: the write is sent to every replica at 0 and commits when the W-th acknowledgement
// arrives (at the W-th smallest W_i + A_i). The read is sent to every replica t after the commit;
// replica i has the write when W_i <= commit + t + R_i; the read returns the R replicas whose
// responses arrive first (smallest R_i + S_i) and is consistent when one of them has the write.
// All t share the same trials (common random numbers), so the curve is monotone. Deterministic:
// a pure function of the spec and the seed. It lives beside the latency sampler it uses; its
// inputs (WarsSpec) are scenario data (sim/scenario/scenario.h).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"

namespace dsim {

struct WarsPoint {
  TimeNs t_ns = 0;
  double probability = 0.0;  // P(a read t after commit returns the write)
};

// t_ns: the delays to predict, any order. n >= 1, 1 <= r, w <= n, trials >= 1. The trials draw
// from Rng::derive(seed, "wars").
std::vector<WarsPoint> wars_t_visibility(const WarsSpec& spec, const std::vector<TimeNs>& t_ns, std::uint64_t seed);

}  // namespace dsim
