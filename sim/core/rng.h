// Seeded random streams. Every random draw in a run comes from a stream derived from the master
// seed and a fixed purpose ("network", "faults", "workload", "node" 3 ...), so that adding a
// client does not change the network's draws, and a run is a pure function of (scenario, seed).
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>

namespace dsim {

// xoshiro256** (Blackman & Vigna): small state, fast, and good enough statistically for
// simulation. Seeded through SplitMix64 as its authors recommend.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // The stream for `purpose` (and an index, e.g. a node id) under the master seed.
  static Rng derive(std::uint64_t master_seed, std::string_view purpose, std::uint64_t index = 0);

  std::uint64_t next_u64();
  // Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi], inclusive. lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  // True with probability p (p <= 0 never draws true; p >= 1 always).
  bool chance(double p);
  // Standard normal deviate (Box-Muller; one draw per call so the stream stays simple).
  double normal();
  // Exponential deviate with the given mean.
  double exponential(double mean);

 private:
  std::uint64_t s_[4];
};

}  // namespace dsim
