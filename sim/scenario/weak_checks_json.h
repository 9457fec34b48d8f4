// The checks of weakly consistent stores in scenario files (`checks.lost_writes`,
// `checks.staleness`, `checks.t_visibility`; docs/scenario-format.md), read and written apart
// from the rest of the checks section so each stays short.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// Reads the three keys of `checks` (marking them known) into scenario.checks; the workload
// (already read) supplies the default t_ms of a visibility workload, the network the default
// delays of the WARS model.
void read_weak_checks(ObjectReader& checks, Scenario& scenario);
// Adds the canonical form of the three checks to `out` (nothing for those not enabled).
void write_weak_checks(const ChecksSpec& checks, nlohmann::json& out);

}  // namespace dsim
