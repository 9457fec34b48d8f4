// An experiment's expectations (SweepExpect) judged on its aggregate: a bound at some points, a
// monotone trend along a parameter, or a fit to a formula of the parameters. Each is held,
// failed or inconclusive (a point it judges has no figure, or a run there crashed), and the
// worst of them is the experiment's verdict, as `dsim run` reports it.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"

namespace dsim::sweep {

// [{"text": "...", "verdict": "held"|"failed"|"inconclusive", "held": bool, "detail": "..."}, ...]
nlohmann::json judge(const std::vector<SweepExpect>& expect, const nlohmann::json& aggregate);

// "failed" if any failed, else "inconclusive" if any was, else "held" (also for none).
std::string overall_verdict(const nlohmann::json& judgements);

}  // namespace dsim::sweep
