// The broadcast workload (Maelstrom's, from the Gossip Glomers): clients broadcast unique integers
// and read back everything a node has seen.
//   f "broadcast", value v (unique over the run)  -> ok (the node has it) | fail
//   f "read",      value null                     -> ok [v ...]
// Once the workload has stopped and the cluster is calm, plus final_after_ms, each node gets one
// final read, pinned to it (Generator::final_ops), whose invoke value is the node's index: the broadcast checker (sim/check/broadcast.h) judges lost broadcasts by them.
#pragma once

#include "sim/workload/generator.h"

namespace dsim {

void register_broadcast_workload(WorkloadRegistry& registry);

}  // namespace dsim
