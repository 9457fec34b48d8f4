// The random (swarm) fault generator. Swarm testing (Groce et al., ISSTA 2012): each seed turns
// on a random subset of fault kinds, each with a random intensity, instead of a little of every
// kind — so that some seeds hammer one fault hard, which is where the deep bugs are. Every fault
// it draws is undone before `end_ns`, leaving a calm phase in which liveness can be judged.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/rng.h"
#include "sim/scenario/scenario.h"

namespace dsim {

struct SwarmOptions {
  TimeNs start_ns = 0;
  TimeNs end_ns = 0;              // every fault is undone by then
  std::uint32_t faults_max = 12;  // actions drawn, before their undos
  // Which kinds the scenario allows the generator to use; each seed enables a subset of these.
  bool crashes = true;
  bool lose_unsynced = true;      // crashes that also lose unsynced writes
  bool wipes = false;             // disk loss breaks most protocols' assumptions: opt in
  bool pauses = true;
  bool partitions = true;
  bool clogs = true;
  bool network = true;            // loss / duplication / reordering windows
  bool clocks = true;             // steps and drift
  std::int64_t drift_ppm_max = 500;
  TimeNs clock_step_max_ns = 200 * kNsPerMs;
  std::uint32_t crashed_max = 0;  // at most this many nodes down at once; 0 = a minority
  // Slow nodes (drawn only when swarm_faults is given a stream for them): each event costs up to
  // this much, a uniform draw around a mean chosen per fault.
  TimeNs slow_delay_max_ns = 50 * kNsPerMs;
  std::uint32_t slows_max = 3;
};

// Draws a concrete fault schedule, sorted by time, from `rng`. With `slow_rng`, this seed may
// also slow nodes, every choice about that drawn from `slow_rng`: the other kinds' draws, and so
// every schedule drawn without it, are exactly as they were before slow nodes existed.
std::vector<FaultAction> swarm_faults(const SwarmOptions& options, std::uint32_t nodes, Rng& rng,
                                      Rng* slow_rng = nullptr);

}  // namespace dsim
