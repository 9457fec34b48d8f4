// The end-of-run history checks of weakly consistent stores: lost writes, k-staleness and
// t-visibility (with the WARS model's prediction beside it), as the scenario's `checks` ask.
// Figures go to RunResult::history_checks, verdicts to findings.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/node/observer.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// Returns {"lost_writes": ..., "staleness": ..., "t_visibility": ...} for the checks enabled;
// appends a finding for each violated claim (at `end_ns`).
nlohmann::json run_history_checks(const Scenario& scenario, const check::History& history, TimeNs end_ns,
                                  std::vector<Finding>& findings);

}  // namespace dsim
