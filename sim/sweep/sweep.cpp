#include "sim/sweep/sweep.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/core/text.h"
#include "sim/fuzz/pool.h"
#include "sim/scenario/sweep_json.h"
#include "sim/world/metrics.h"
#include "sim/world/run.h"
#include "sim/sweep/stats.h"

namespace dsim::sweep {

namespace {

constexpr std::size_t kTableMetricsDefault = 4;  // columns a table shows when nobody chose them

// A run's verdict in a record: what `dsim run` would say of it (a run whose input was bad did
// not hold).
const char* verdict_word(const RunResult& r) {
  switch (verdict(r)) {
    case Verdict::held: return "held";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::violated:
    case Verdict::bad_input: return "violated";
  }
  return "violated";
}

std::string describe_point(const std::vector<Param>& params, const Point& point) {
  std::string out;
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (k) out += ' ';
    out += params[k].pointer + "=" + params[k].values[point[k]].dump();
  }
  return out;
}

std::vector<Param> params_of(const nlohmann::json& header) {
  std::vector<Param> params;
  for (const auto& p : header.at("params")) {
    params.push_back(Param{p.at("name").get<std::string>(), p.at("pointer").get<std::string>(),
                           p.at("values").get<std::vector<nlohmann::json>>()});
  }
  return params;
}

// The grid's size from a runs header's parameters, without building the grid.
std::uint64_t point_count(const nlohmann::json& header) {
  std::uint64_t points = 1;
  for (const auto& p : header["params"]) points *= p["values"].size();
  return points;
}

nlohmann::json plot_of(const SweepSpec& s) {
  if (s.plot_metrics.empty() && s.plot_x.empty() && s.plot_series.empty()) return nullptr;
  nlohmann::json plot = {{"metrics", s.plot_metrics}};
  if (!s.plot_x.empty()) plot["x"] = s.plot_x;
  if (!s.plot_series.empty()) plot["series"] = s.plot_series;
  return plot;
}

}  // namespace

SweepConfig experiment_config(const std::string& file, const std::string& text, const Scenario& scenario) {
  SweepConfig config;
  config.file = file;
  // The file as written, not its canonical form: a pointer names what the user wrote, and a
  // value such as the node count must not be contradicted by spelled-out defaults.
  config.base = nlohmann::json::parse(text);
  config.base.erase("sweep");
  config.title = scenario.sweep.title.empty() ? scenario.name : scenario.sweep.title;
  config.plot = plot_of(scenario.sweep);
  if (scenario.sweep.present) config.experiment = sweep_to_json(scenario.sweep);
  config.params = scenario.sweep.params;
  config.seeds = {scenario.sweep.seeds_from, scenario.sweep.seeds_to};
  return config;
}

std::optional<std::vector<PointScenario>> point_scenarios(const SweepConfig& config, std::string* error) {
  std::vector<PointScenario> out;
  for (const Point& point : grid_points(config.params)) {
    auto doc = apply_point(config.base, config.params, point, error);
    if (!doc) return std::nullopt;
    auto parsed = parse_scenario(doc->dump(), config.file);
    if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
      *error = fmt::format("with {}: {}", describe_point(config.params, point), diag->format(config.file));
      return std::nullopt;
    }
    out.push_back(PointScenario{point, std::get<Scenario>(std::move(parsed))});
  }
  return out;
}

nlohmann::json runs_header(const SweepConfig& config) {
  nlohmann::json params = nlohmann::json::array();
  for (const Param& p : config.params) params.push_back({{"name", p.name}, {"pointer", p.pointer}, {"values", p.values}});
  return {{"type", "header"},
          {"format", "dsim-sweep-runs"},
          {"version", 1},
          {"scenario", config.file},
          {"title", config.title},
          {"base", config.base},
          {"params", params},
          {"seeds", {{"from", config.seeds.from}, {"to", config.seeds.to}}},
          {"plot", config.plot},
          {"experiment", config.experiment},
          {"shard", fmt::format("{}/{}", config.shard.index, config.shard.count)}};
}

nlohmann::json run_record(std::size_t point, std::uint64_t seed, const RunResult& result) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : result.findings) findings.push_back(f.id());
  nlohmann::json metrics = nlohmann::json::object();
  // The history checks' figures (lost_writes.lost, staleness ...) are metrics too, under "checks.".
  auto figures = flat_metrics(result.metrics);
  for (const auto& [name, value] : flat_metrics(result.history_checks)) figures[fmt::format("checks.{}", name)] = value;
  // The verdict as numbers too, so that a point's mean is the share of its runs that held,
  // failed or were inconclusive, for plots and expectations like any other metric.
  const std::string verdict = verdict_word(result);
  for (const char* v : {"held", "violated", "inconclusive"}) figures[fmt::format("verdict.{}", v)] = verdict == v ? 1 : 0;
  for (const auto& [name, value] : figures) {
    // Counts stay integers in the file; the aggregate reads every figure as a double.
    const bool whole = std::nearbyint(value) == value && std::fabs(value) < 9e15;
    metrics[name] = whole ? nlohmann::json(static_cast<std::int64_t>(value)) : nlohmann::json(value);
  }
  return {{"type", "run"},
          {"point", point},
          {"seed", seed},
          {"verdict", verdict},
          {"findings", findings},
          {"fingerprint", fmt::format("{:016x}", result.fingerprint)},
          {"metrics", metrics}};
}

std::vector<nlohmann::json> run_sweep(const SweepConfig& config, const std::vector<PointScenario>& points,
                                      const Progress& progress) {
  const std::uint64_t seeds = config.seeds.count();
  // The shard's runs: every N-th of the point-major list, as dsim fuzz shards seeds.
  std::vector<std::uint64_t> runs;
  for (std::uint64_t r = config.shard.index - 1; r < points.size() * seeds; r += config.shard.count) runs.push_back(r);
  std::vector<nlohmann::json> records(runs.size());
  std::size_t done = 0;
  fuzz::run_pooled(
      runs.size(), config.jobs,
      [&](std::size_t i, const fuzz::Emit& emit) {
        const std::size_t p = runs[i] / seeds;
        Scenario scenario = points[p].scenario;
        scenario.run.seed = config.seeds.from + runs[i] % seeds;
        emit(run_record(p, scenario.run.seed, run_scenario(scenario)).dump());
      },
      [&](std::size_t i, fuzz::JobOutput out) {
        const std::size_t p = runs[i] / seeds;
        const std::uint64_t seed = config.seeds.from + runs[i] % seeds;
        nlohmann::json record = out.lines.empty() ? nlohmann::json() : nlohmann::json::parse(out.lines.back(), nullptr, false);
        if (out.signal != 0 || out.exit_status != 0 || !record.is_object()) {
          record = {{"type", "run"}, {"point", p}, {"seed", seed}, {"verdict", "crashed"},
                    {"crash", out.signal ? fuzz::signal_name(out.signal) : fmt::format("exit {}", out.exit_status)}};
        }
        records[i] = std::move(record);
        if (progress) progress(++done, runs.size());
      });
  return records;
}

std::string header_problem(const nlohmann::json& header) {
  if (!header.is_object()) return "expected a header object";
  const auto& params = header.value("params", nlohmann::json());
  if (!params.is_array() || params.size() > kSweepParamsMax) return "expected \"params\": a list of the grid's parameters";
  for (const auto& p : params) {
    if (!p.is_object() || !p.value("name", nlohmann::json()).is_string() || !p.value("pointer", nlohmann::json()).is_string() ||
        !p.value("values", nlohmann::json()).is_array() || p["values"].empty() || p["values"].size() > kSweepValuesMax) {
      return "expected each parameter as {\"name\": ..., \"pointer\": ..., \"values\": [...]}";
    }
  }
  // At most 8 parameters of at most 1,000 values each: the product cannot overflow.
  if (point_count(header) > kSweepPointsMax) return fmt::format("the grid has more than {} points", kSweepPointsMax);
  const auto& seeds = header.value("seeds", nlohmann::json());
  if (!seeds.is_object() || !seeds.value("from", nlohmann::json()).is_number_unsigned() ||
      !seeds.value("to", nlohmann::json()).is_number_unsigned() || seeds["to"].get<std::uint64_t>() < seeds["from"].get<std::uint64_t>()) {
    return "expected \"seeds\": {\"from\": A, \"to\": B} with A <= B";
  }
  for (const char* key : {"scenario", "title"}) {
    if (!header.value(key, nlohmann::json()).is_string()) return fmt::format("expected \"{}\": a string", key);
  }
  return "";
}

std::string record_problem(const nlohmann::json& header, const nlohmann::json& record) {
  if (!record.is_object() || record.value("type", nlohmann::json()) != "run") return "expected an object with \"type\": \"run\"";
  const auto points = point_count(header);
  const auto& point = record.value("point", nlohmann::json());
  if (!point.is_number_unsigned() || point.get<std::uint64_t>() >= points) {
    return fmt::format("\"point\" must be an index below {}", points);
  }
  const auto& seed = record.value("seed", nlohmann::json());
  const auto from = header["seeds"]["from"].get<std::uint64_t>(), to = header["seeds"]["to"].get<std::uint64_t>();
  if (!seed.is_number_unsigned() || seed.get<std::uint64_t>() < from || seed.get<std::uint64_t>() > to) {
    return fmt::format("\"seed\" must be in {}..{}", from, to);
  }
  const auto& verdict = record.value("verdict", nlohmann::json());
  if (!verdict.is_string() ||
      std::find(std::begin(kRunVerdicts), std::end(kRunVerdicts), verdict.get<std::string>()) == std::end(kRunVerdicts)) {
    return "\"verdict\" must be held, violated, inconclusive or crashed";
  }
  if (record.contains("metrics")) {
    if (!record["metrics"].is_object()) return "\"metrics\" must be an object";
    for (const auto& [name, value] : record["metrics"].items()) {
      if (!value.is_number()) return fmt::format("metric \"{}\" must be a number", name);
    }
  }
  return "";
}

nlohmann::json aggregate(const nlohmann::json& header, const std::vector<nlohmann::json>& records) {
  // No sorting needed: runs are grouped by point, and summarize() sorts each metric's values.
  const std::vector<Param> params = params_of(header);
  const std::vector<Point> grid = grid_points(params);
  std::set<std::string> names;
  std::vector<std::map<std::string, std::vector<double>>> values(grid.size());
  std::vector<std::map<std::string, std::uint64_t>> verdicts(grid.size());
  for (const auto& r : records) {
    const auto p = r["point"].get<std::size_t>();
    ++verdicts[p][r["verdict"].get<std::string>()];
    if (!r.contains("metrics")) continue;
    for (const auto& [name, value] : r["metrics"].items()) {
      names.insert(name);
      values[p][name].push_back(value.get<double>());
    }
  }
  nlohmann::json points = nlohmann::json::array();
  for (std::size_t p = 0; p < grid.size(); ++p) {
    nlohmann::json counts = nlohmann::json::object();
    std::uint64_t runs = 0;
    for (const char* v : kRunVerdicts) {
      counts[v] = verdicts[p][v];
      runs += verdicts[p][v];
    }
    nlohmann::json metrics = nlohmann::json::object();
    for (auto& [name, vs] : values[p]) metrics[name] = to_json(summarize(std::move(vs)));
    points.push_back({{"params", point_values(params, grid[p])}, {"runs", runs}, {"verdicts", counts}, {"metrics", metrics}});
  }
  nlohmann::json out = {{"format", "dsim-sweep"},
                        {"version", 1},
                        {"scenario", header["scenario"]},
                        {"title", header["title"]},
                        {"params", header["params"]},
                        {"seeds", header["seeds"]},
                        {"metrics", names},
                        {"points", points}};
  if (header.contains("plot") && !header["plot"].is_null()) out["plot"] = header["plot"];
  return out;
}

std::string runs_text(nlohmann::json header, const std::vector<nlohmann::json>& records, bool merged) {
  if (merged) header.erase("shard");
  std::string out = header.dump() + "\n";
  for (const auto& r : records) out += r.dump() + "\n";
  return out;
}

namespace {

std::string csv_field(const nlohmann::json& value) {
  // Numbers in their shortest form: 3 rather than 3.0, for the spreadsheet's sake.
  const std::string text = value.is_string()            ? value.get<std::string>()
                           : value.is_number_float() ? fmt::format("{}", value.get<double>())
                                                     : value.dump();
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char ch : text) quoted.append(ch == '"' ? 2 : 1, ch);
  return quoted.append("\"");
}

}  // namespace

std::string csv_text(const nlohmann::json& agg) {
  std::string out;
  for (const auto& p : agg["params"]) out += csv_field(p["name"]) + ",";
  out += "runs,held,violated,inconclusive,crashed,metric,count,mean,median,p99,min,max,ci95_low,ci95_high\n";
  for (const auto& point : agg["points"]) {
    std::string prefix;
    for (const auto& p : agg["params"]) prefix += csv_field(point["params"][p["name"].get<std::string>()]) + ",";
    prefix += point["runs"].dump();
    for (const char* v : kRunVerdicts) prefix.append(",").append(point["verdicts"][v].dump());
    for (const auto& [name, s] : point["metrics"].items()) {
      out.append(prefix).append(",").append(csv_field(name));
      for (const char* f : {"n", "mean", "median", "p99", "min", "max"}) out.append(",").append(csv_field(s[f]));
      if (s["ci95"].is_null()) out.append(",,");
      else out.append(",").append(csv_field(s["ci95"][0])).append(",").append(csv_field(s["ci95"][1]));
      out += "\n";
    }
  }
  return out;
}

namespace {

std::string figure(const nlohmann::json& summary) {
  if (summary.is_null()) return "-";
  std::string text = fmt::format("{:.4g}", summary["mean"].get<double>());
  if (!summary["ci95"].is_null()) {
    text += fmt::format(" ±{:.2g}", (summary["ci95"][1].get<double>() - summary["ci95"][0].get<double>()) / 2);
  }
  return text;
}

std::vector<std::string> shown_metrics(const nlohmann::json& agg, std::vector<std::string> metrics) {
  if (!metrics.empty()) return metrics;
  if (agg.contains("plot") && agg["plot"].contains("metrics")) return agg["plot"]["metrics"].get<std::vector<std::string>>();
  // The protocol's own first: they are what a sweep is usually about.
  for (const auto& name : agg["metrics"]) {
    const auto n = name.get<std::string>();
    if (n.rfind("run.", 0) != 0 && n.rfind("clients.", 0) != 0 && metrics.size() < kTableMetricsDefault) metrics.push_back(n);
  }
  for (const char* n : {"clients.availability", "clients.latency_ms_p50"}) {
    if (metrics.size() < kTableMetricsDefault + 2 && agg["metrics"].get<std::set<std::string>>().count(n)) metrics.push_back(n);
  }
  return metrics;
}

}  // namespace

std::string table_text(const nlohmann::json& agg, std::vector<std::string> metrics) {
  metrics = shown_metrics(agg, std::move(metrics));
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head;
  for (const auto& p : agg["params"]) head.push_back(p["name"].get<std::string>());
  head.push_back("runs");
  head.push_back("held/violated/inconclusive/crashed");
  for (const auto& m : metrics) head.push_back(m);
  rows.push_back(head);
  for (const auto& point : agg["points"]) {
    std::vector<std::string> row;
    for (const auto& p : agg["params"]) {
      const auto& v = point["params"][p["name"].get<std::string>()];
      row.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
    row.push_back(point["runs"].dump());
    const auto& c = point["verdicts"];
    row.push_back(fmt::format("{}/{}/{}/{}", c["held"].dump(), c["violated"].dump(), c["inconclusive"].dump(), c["crashed"].dump()));
    for (const auto& m : metrics) row.push_back(figure(point["metrics"].value(m, nlohmann::json())));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += terminal_safe(row[c]) + std::string(width[c] - row[c].size() + (c + 1 < row.size() ? 2 : 0), ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  return out;
}

}  // namespace dsim::sweep
