// `dsim sweep` as a library: a scenario run at every point of a parameter grid for every seed of
// a range, each run in one of the fuzzer's long-lived worker processes (sim/fuzz/pool.h), its
// metrics recorded as a JSON line; then an aggregate per grid point (sweep.json), a CSV and a table. Records and aggregates depend on the runs only,
// never on -j or on how the runs were sharded. docs/sweeps.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/fuzz/driver.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/grid.h"

namespace dsim::sweep {

inline constexpr std::uint64_t kRunsMax = 1'000'000;  // points x seeds in one sweep

// A record's verdicts, in the order aggregates and tables list them.
inline constexpr const char* kRunVerdicts[] = {"held", "violated", "inconclusive", "crashed"};

struct SweepConfig {
  std::string file;            // the scenario's path, as given: labels outputs
  nlohmann::json base;         // the scenario's canonical JSON, before any parameter is set
  std::string title;           // the experiment's title; the scenario's name by default
  std::vector<Param> params;   // finished (finish_params)
  SeedRange seeds;
  fuzz::Shard shard;
  std::uint32_t jobs = 1;
  nlohmann::json plot;         // {"metrics": [...], "x": NAME, "series": NAME}, or null
  nlohmann::json experiment;   // the scenario's sweep section (sweep_to_json), or null
};

// The sweep a scenario file describes: `text` is the file (already parsed into `scenario`); the
// base is the file as written minus its sweep section, the grid and the rest the section's.
// Seeds default to the section's; shard and jobs are the caller's.
SweepConfig experiment_config(const std::string& file, const std::string& text, const Scenario& scenario);

// A grid point's scenario, parsed and validated: the sweep refuses to start when one is not.
struct PointScenario {
  Point point;
  Scenario scenario;
};

// Every point's scenario; nullopt with `error` naming the parameters and values that made one
// invalid (as the scenario parser words it, at its JSON Pointer).
std::optional<std::vector<PointScenario>> point_scenarios(const SweepConfig& config, std::string* error);

// The runs file's first line. Two shards' headers differ only in "shard".
nlohmann::json runs_header(const SweepConfig& config);

// Runs the shard's runs (every N-th of the point-major list of point x seed) in config.jobs
// worker processes; calls `progress` as each ends. Records are in point, seed order. A
// run that crashes its worker is recorded with verdict "crashed" and no metrics.
using Progress = std::function<void(std::size_t done, std::size_t total)>;
std::vector<nlohmann::json> run_sweep(const SweepConfig& config, const std::vector<PointScenario>& points,
                                      const Progress& progress);

// One run's record: point, seed, verdict (held, violated, inconclusive), findings, fingerprint,
// and every metric by name (sim/world/metrics.h).
nlohmann::json run_record(std::size_t point, std::uint64_t seed, const RunResult& result);

// What is wrong with a runs file's header (its grid and seeds, which the records are read
// against); "" if nothing.
std::string header_problem(const nlohmann::json& header);

// What is wrong with a runs file's line (the header's points and seeds bound it); "" if nothing.
std::string record_problem(const nlohmann::json& header, const nlohmann::json& record);

// The aggregate (sweep.json, the page's data): per point its values, runs by verdict, and a
// Summary of every metric. Records in any order; duplicates are the caller's to refuse.
nlohmann::json aggregate(const nlohmann::json& header, const std::vector<nlohmann::json>& records);

// The runs file: the header (without a shard when `merged`), then the records in order.
std::string runs_text(nlohmann::json header, const std::vector<nlohmann::json>& records, bool merged);
// The aggregate in long form: a row per point and metric (pandas and R read it as it is).
std::string csv_text(const nlohmann::json& aggregate);
// The aggregate for people: a row per point, its verdicts, and the mean ± 95% CI half-width of
// `metrics` (the plotted ones, or the first few, when empty).
std::string table_text(const nlohmann::json& aggregate, std::vector<std::string> metrics);

}  // namespace dsim::sweep
