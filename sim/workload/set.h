// The set workload: every client adds unique elements to a few sets; once the workload has
// stopped and the cluster is calm, the final phase reads every set (from every node, or once).
// An acknowledged add missing from the final reads is a lost write (check "lost-writes",
// sim/check/lost_writes.h). Operation shapes (docs/scenario-format.md):
//   f "add",  key "s<i>", value <element: a unique integer>  -> ok | fail | info
//   f "read", key "s<i>", value null                         -> ok [elements...] (null: empty)
#pragma once

#include "sim/workload/generator.h"

namespace dsim {

void register_set_workload(WorkloadRegistry& registry);

}  // namespace dsim
