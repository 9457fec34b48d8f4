// The targeted nemesis profiles of `dsim fuzz` (FuzzSpec, docs/fuzzing.md), beside the swarm:
// fault patterns that random faults almost never line up. Each draws a concrete schedule, every
// fault undone before `end_ns`, so the calm after it can judge liveness.
//   isolations          chains of one-node isolations, one after another at `gap` intervals; with
//                       `select`, the engine picks the node as each fires from what nodes publish
//                       (the newest leader, say: Raft's figure 8 needs exactly that)
//   partition-restarts  a minority cut off; on the majority side some nodes are down through the
//                       cut and the rest crash and restart in its second half (state kept only in
//                       memory while the others were unreachable is lost: Dynamo's hints)
//   crash-restarts      quick crash-restarts of one node each, back within milliseconds: what a
//                       node had not persisted is gone while its peers still count on it (a
//                       forgotten Raft vote)
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/rng.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// The schedule of one non-swarm profile over [start_ns, end_ns) on a cluster of `nodes`; empty
// when the cluster is too small for the pattern (isolations need 2 nodes, partition-restarts 3).
std::vector<FaultAction> nemesis_faults(const NemesisProfile& profile, TimeNs start_ns, TimeNs end_ns,
                                        std::uint32_t nodes, Rng& rng);

// The profile a seed uses: one of `profiles`, by weight, from `rng`. Draws nothing when there is
// only one.
const NemesisProfile& pick_profile(const std::vector<NemesisProfile>& profiles, Rng& rng);

}  // namespace dsim
