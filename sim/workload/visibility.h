// The visibility probe (t-visibility, PBS): a probe writes a unique value to a fresh key, and
// exactly t after the write was acknowledged to the client reads that key through another node
// (another coordinator). Probes cycle through the list of t, `probes` per t, spread over the
// clients; each key is written once and read once, so probes do not interfere. An unacknowledged
// write is not read. Operation shapes:
//   f "write", key "v<probe>", value <unique integer>  -> ok | fail | info
//   f "read",  key "v<probe>", value null              -> ok <value> (null: never written)
// The checker "t_visibility" (sim/check/staleness.h) turns the history into P(visible | t).
#pragma once

#include "sim/workload/generator.h"

namespace dsim {

void register_visibility_workload(WorkloadRegistry& registry);

// The probe delays a visibility workload's params give (t_ms, default [0, 0.5, 1, 2, 5]).
std::vector<TimeNs> visibility_delays_ns(const nlohmann::json& params);

}  // namespace dsim
