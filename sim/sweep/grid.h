// The parameter grid of a sweep: each parameter is a JSON Pointer into the scenario and the values
// it takes; the grid is their product. `--set /cluster/nodes=3,5,7` and
// `--set /cluster/params/election_timeout_ms=100..300:50` on the command line, or an experiment's
// `sweep.set` (sim/scenario/sweep_json.h), say the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"

namespace dsim::sweep {

using Param = SweepParam;
// One point of the grid: a value index per parameter.
using Point = std::vector<std::size_t>;

// "PTR=V1,V2,..." or "PTR=A..B[:STEP]". A value is JSON when it parses as a JSON scalar (3,
// 0.5, true, "x"), else the bare text is a string. nullopt with `error` naming what is wrong.
std::optional<Param> parse_set(const std::string& text, std::string* error);

// Every point, the last parameter varying fastest. No parameters: one point, the scenario itself.
std::vector<Point> grid_points(const std::vector<Param>& params);

// The point's values by parameter name, for records and aggregates.
nlohmann::json point_values(const std::vector<Param>& params, const Point& point);

// Sets each parameter's value in `doc` (the scenario file's JSON), creating missing objects on the
// way; nullopt with `error` when a value on the way is not an object or an array.
std::optional<nlohmann::json> apply_point(nlohmann::json doc, const std::vector<Param>& params, const Point& point,
                                          std::string* error);

}  // namespace dsim::sweep
