// `dsim sweep SCENARIO --set POINTER=VALUES ... --seeds A..B`: the scenario at every point of a
// parameter grid for every seed, in worker processes; per point an aggregate of every metric,
// written as runs.jsonl, sweep.json, sweep.csv and an offline HTML page with the plots, and shown
// as a table. `dsim sweep-report` merges shards; `dsim sweep-page` redraws a page. docs/sweeps.md.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/page.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/fuzz/pool.h"
#include "sim/scenario/sweep_json.h"
#include "sim/sweep/expect.h"
#include "sim/sweep/sweep.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kRunsFileBytesMax = std::size_t{4} << 30;
constexpr std::size_t kSweepJsonBytesMax = std::size_t{256} << 20;

struct SweepArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string seeds;  // empty: the experiment's, else 1..10
  std::string shard = "1/1";
  std::uint32_t jobs = 0;  // 0: one per core
  std::string out_dir = "dsim-sweep";
  std::vector<std::string> metrics;
  std::string assets;
  bool quiet = false;
};

// The grid: the experiment's (its `sweep` section), with each --set added or put in place of
// the experiment's parameter at the same pointer.
bool add_sets(const SweepArgs& args, sweep::SweepConfig& config) {
  for (const std::string& set : args.sets) {
    std::string error;
    auto param = sweep::parse_set(set, &error);
    if (!param) {
      std::cerr << fmt::format("dsim sweep: --set {}: {}\n", terminal_safe(set), terminal_safe(error));
      return false;
    }
    auto same = std::find_if(config.params.begin(), config.params.end(), [&](const auto& p) { return p.pointer == param->pointer; });
    if (same != config.params.end()) param->name = same->name, *same = std::move(*param);
    else config.params.push_back(std::move(*param));
  }
  if (const std::string error = name_sweep_params(config.params); !error.empty()) {
    std::cerr << "dsim sweep: " << terminal_safe(error) << "\n";
    return false;
  }
  return true;
}

std::optional<sweep::SweepConfig> configure(const SweepArgs& args, Scenario& scenario, std::vector<sweep::PointScenario>& points) {
  std::string error;
  const auto text = read_file(args.file, kScenarioBytesMax, &error);
  auto loaded = text ? parse_scenario(*text, args.file) : std::variant<Scenario, Diagnostics>(Diagnostics());
  if (!text) std::get<Diagnostics>(loaded).file_error(error);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return std::nullopt;
  }
  scenario = std::get<Scenario>(std::move(loaded));
  sweep::SweepConfig config = sweep::experiment_config(args.file, *text, scenario);
  if (!add_sets(args, config)) return std::nullopt;
  const std::string seeds_text =
      !args.seeds.empty() ? args.seeds : fmt::format("{}..{}", config.seeds.from, config.seeds.to);
  const auto seeds = fuzz::parse_seed_range(seeds_text, &error);
  const auto shard = seeds ? fuzz::parse_shard(args.shard, &error) : std::nullopt;
  if (!seeds || !shard) {
    std::cerr << "dsim sweep: " << terminal_safe(error) << "\n";
    return std::nullopt;
  }
  config.seeds = *seeds;
  config.shard = *shard;
  const std::uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  config.jobs = std::min(args.jobs ? args.jobs : cores, fuzz::kParallelMax);
  const std::uint64_t runs = sweep::grid_points(config.params).size() * seeds->count();
  if (runs > sweep::kRunsMax) {
    std::cerr << fmt::format("dsim sweep: {} runs (points x seeds), more than {}: shard or narrow it\n", runs, sweep::kRunsMax);
    return std::nullopt;
  }
  auto scenarios = sweep::point_scenarios(config, &error);
  if (!scenarios) {
    std::cerr << "dsim sweep: " << terminal_safe(error) << (error.ends_with('\n') ? "" : "\n");
    return std::nullopt;
  }
  points = std::move(*scenarios);
  return config;
}

struct Outputs {
  fs::path runs, json, csv, html;
};

Outputs outputs_in(const std::string& dir, const std::string& part) {
  const fs::path d(dir);
  const auto file = [&](const char* stem, const char* ext) { return d / fmt::format("{}{}{}", stem, part, ext); };
  return {file("runs", ".jsonl"), file("sweep", ".json"), file("sweep", ".csv"), file("sweep", ".html")};
}

// The aggregate's page: the plots, offline. The visualizer's folder holds its code.
bool write_page(const fs::path& path, const nlohmann::json& agg, const std::string& assets, std::string* error) {
  const auto dir = find_assets_dir(assets, "sweep.html");
  if (!dir) {
    *error = assets.empty() ? "cannot find the visualizer's files (viz/sweep.html): run from a dsim checkout or pass --assets DIR"
                            : fmt::format("{}: no sweep.html there", assets);
    return false;
  }
  const std::string json = agg.dump();
  const std::string name = path.filename().string();
  const auto html = inline_page(*dir, "sweep.html", EmbeddedData{"dsim-sweep", json, name}, error);
  return html && write_file_atomic(path.string(), *html, error);
}

// Every output of one aggregate, each written whole or not at all; false with `error` at the first
// that could not be.
bool write_outputs(const Outputs& out, const std::string& runs_text, const nlohmann::json& agg, const std::string& assets,
                   std::string* error) {
  return write_file_atomic(out.runs.string(), runs_text, error) &&
         write_file_atomic(out.json.string(), agg.dump(2) + "\n", error) &&
         write_file_atomic(out.csv.string(), sweep::csv_text(agg), error) && write_page(out.html, agg, assets, error);
}

bool prepare_dir(const std::string& dir, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    *error = fmt::format("cannot create {}: {}", dir, ec.message());
    return false;
  }
  return can_write_file((fs::path(dir) / "probe").string(), error);
}

void show_progress(bool quiet, std::size_t done, std::size_t total) {
  if (quiet || ::isatty(STDERR_FILENO) != 1) return;
  std::cerr << fmt::format("\r{}/{} runs ", done, total) << (done == total ? "\n" : "");
}

// An experiment's expectations, one line each; the exit code of the worst.
int report_expectations(const nlohmann::json& judgements, bool quiet) {
  const std::string verdict = sweep::overall_verdict(judgements);
  if (!quiet) {
    for (const auto& j : judgements) {
      std::cout << fmt::format("  {:<12} {}: {}\n", j["verdict"].get<std::string>(), terminal_safe(j["text"].get<std::string>()),
                               terminal_safe(j["detail"].get<std::string>()));
    }
    std::cout << "experiment: " << (verdict == "held" ? "the expectation held" : verdict) << "\n";
  }
  return verdict == "held" ? kExitHeld : verdict == "failed" ? kExitViolated : kExitInconclusive;
}

int run_sweep_command(const SweepArgs& args) {
  std::vector<sweep::PointScenario> points;
  Scenario scenario;
  const auto config = configure(args, scenario, points);
  if (!config) return kExitBadInput;
  std::string error;
  if (!prepare_dir(args.out_dir, &error)) {
    std::cerr << "dsim sweep: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  const auto records = sweep::run_sweep(*config, points, [&](std::size_t done, std::size_t total) {
    show_progress(args.quiet, done, total);
  });
  const nlohmann::json header = sweep::runs_header(*config);
  nlohmann::json agg = sweep::aggregate(header, records);
  if (!scenario.sweep.expect.empty()) agg["expect"] = sweep::judge(scenario.sweep.expect, agg);
  const bool whole = config->shard.count == 1;
  const std::string part = whole ? "" : fmt::format("-{}-of-{}", config->shard.index, config->shard.count);
  const Outputs out = outputs_in(args.out_dir, part);
  if (!write_outputs(out, sweep::runs_text(header, records, whole), agg, args.assets, &error)) {
    std::cerr << "dsim sweep: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  if (!args.quiet) {
    std::cout << sweep::table_text(agg, args.metrics);
    std::cout << fmt::format("{} runs; {}, {}, {}; plots: {}\n", records.size(), out.runs.string(), out.json.string(),
                             out.csv.string(), out.html.string());
  }
  return agg.contains("expect") ? report_expectations(agg["expect"], args.quiet) : kExitHeld;
}

// ---- dsim sweep-report ----

struct ReportArgs {
  std::vector<std::string> files;
  std::string out_dir = "dsim-sweep";
  std::vector<std::string> metrics;
  std::string assets;
  bool quiet = false;
};

// One runs file: its header and records; false with `error` naming the file and line.
bool read_runs(const std::string& path, nlohmann::json& header, std::vector<nlohmann::json>& records, std::string* error) {
  const auto text = read_file(path, kRunsFileBytesMax, error);
  if (!text) {
    *error = fmt::format("{}: {}", path, *error);
    return false;
  }
  std::size_t line_no = 0, begin = 0;
  while (begin < text->size()) {
    std::size_t end = text->find('\n', begin);
    if (end == std::string::npos) end = text->size();
    ++line_no;
    const auto line = nlohmann::json::parse(std::string_view(*text).substr(begin, end - begin), nullptr, false);
    begin = end + 1;
    if (line_no == 1) {
      if (!line.is_object() || line.value("format", nlohmann::json()) != "dsim-sweep-runs" || line.value("version", 0) != 1) {
        *error = fmt::format("{}:1: expected a dsim sweep runs header (\"format\": \"dsim-sweep-runs\", \"version\": 1)", path);
        return false;
      }
      if (const std::string problem = sweep::header_problem(line); !problem.empty()) {
        *error = fmt::format("{}:1: {}", path, problem);
        return false;
      }
      header = line;
      header.erase("shard");
      continue;
    }
    if (std::string problem = line.is_discarded() ? "not valid JSON" : sweep::record_problem(header, line); !problem.empty()) {
      *error = fmt::format("{}:{}: {}", path, line_no, problem);
      return false;
    }
    records.push_back(line);
  }
  if (line_no == 0) *error = fmt::format("{}: empty: expected a dsim sweep runs file", path);
  return line_no > 0;
}

int run_report(const ReportArgs& args) {
  nlohmann::json header;
  std::vector<nlohmann::json> records;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> seen;  // (point, seed) -> file
  std::string error;
  for (const std::string& file : args.files) {
    nlohmann::json h;
    std::vector<nlohmann::json> rs;
    if (!read_runs(file, h, rs, &error)) {
      std::cerr << "dsim sweep-report: " << terminal_safe(error) << "\n";
      return kExitBadInput;
    }
    if (!header.is_null() && h != header) {
      std::cerr << fmt::format("dsim sweep-report: {}: another sweep (its scenario, grid or seeds differ from {})\n",
                               terminal_safe(file), terminal_safe(args.files.front()));
      return kExitBadInput;
    }
    header = h;
    for (auto& r : rs) {
      const auto key = std::pair(r["point"].get<std::uint64_t>(), r["seed"].get<std::uint64_t>());
      if (auto [it, fresh] = seen.emplace(key, file); !fresh) {
        std::cerr << fmt::format("dsim sweep-report: point {} seed {} is in both {} and {}\n", key.first, key.second,
                                 terminal_safe(it->second), terminal_safe(file));
        return kExitBadInput;
      }
      records.push_back(std::move(r));
    }
  }
  std::sort(records.begin(), records.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return std::pair(a["point"].get<std::uint64_t>(), a["seed"].get<std::uint64_t>()) <
           std::pair(b["point"].get<std::uint64_t>(), b["seed"].get<std::uint64_t>());
  });
  nlohmann::json agg = sweep::aggregate(header, records);
  std::vector<SweepExpect> expect;
  if (!header["experiment"].is_null()) {
    Diagnostics diag;
    const auto spec = read_sweep(header["experiment"], "/experiment", diag);
    if (!spec) {
      std::cerr << "dsim sweep-report: the runs header's experiment: " << diag.format(args.files.front());
      return kExitBadInput;
    }
    expect = spec->expect;
  }
  if (!expect.empty()) agg["expect"] = sweep::judge(expect, agg);
  const Outputs out = outputs_in(args.out_dir, "");
  if (!prepare_dir(args.out_dir, &error) || !write_outputs(out, sweep::runs_text(header, records, true), agg, args.assets, &error)) {
    std::cerr << "dsim sweep-report: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  if (!args.quiet) {
    std::cout << sweep::table_text(agg, args.metrics);
    std::cout << fmt::format("{} runs from {} file(s); plots: {}\n", records.size(), args.files.size(), out.html.string());
  }
  return agg.contains("expect") ? report_expectations(agg["expect"], args.quiet) : kExitHeld;
}

// ---- dsim sweep-page ----

struct PageArgs {
  std::string file;
  std::string out;
  std::string assets;
};

int run_page(const PageArgs& args) {
  std::string error;
  const auto text = read_file(args.file, kSweepJsonBytesMax, &error);
  const auto agg = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!text || agg.is_discarded() || !agg.is_object() || agg.value("format", nlohmann::json()) != "dsim-sweep") {
    std::cerr << fmt::format("dsim sweep-page: {}: {}\n", terminal_safe(args.file),
                             !text ? error : "expected a sweep's aggregate (sweep.json: \"format\": \"dsim-sweep\")");
    return kExitBadInput;
  }
  const std::string out = args.out.empty() ? fs::path(args.file).replace_extension(".html").string() : args.out;
  if (!write_page(out, agg, args.assets, &error)) {
    std::cerr << "dsim sweep-page: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  std::cout << fmt::format("wrote {}; open it in a browser\n", terminal_safe(out));
  return kExitHeld;
}

}  // namespace

int run_experiment(const std::string& file, const std::string& out_dir, bool quiet) {
  SweepArgs args;
  args.file = file;
  if (!out_dir.empty()) args.out_dir = out_dir;
  args.quiet = quiet;
  return run_sweep_command(args);
}

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a scenario over a parameter grid and many seeds; aggregate its metrics");
  cmd->add_option("file", args->file, "Scenario file")->required();
  cmd->add_option("--set", args->sets,
                  "POINTER=V1,V2,... or POINTER=A..B[:STEP]: a parameter of the grid (repeatable; the grid is the product)");
  cmd->add_option("--seeds", args->seeds, "Seeds per grid point, A..B inclusive (default: the experiment's, else 1..10)");
  cmd->add_option("-j,--jobs", args->jobs, "Worker processes at once (default: one per core)")
      ->check(CLI::Range(1u, fuzz::kParallelMax));
  cmd->add_option("--shard", args->shard, "Run only shard K of N (1-based): every N-th run; merge with sweep-report");
  cmd->add_option("--out", args->out_dir, "Directory for runs.jsonl, sweep.json, sweep.csv, sweep.html (default dsim-sweep)");
  cmd->add_option("--metric", args->metrics, "A metric the table shows (repeatable; default: the protocol's first few)");
  cmd->add_option("--assets", args->assets, "The visualizer's folder, for the page (default: ./viz or beside the executable)");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  cmd->footer("Metrics are named by their path in a run's metrics (dsim run --json): run.messages_sent,\n"
              "clients.availability, raft.split_votes ... Outputs do not depend on -j or on sharding.\n"
              "An experiment (a scenario with a sweep section) judges its expectations: exit 0 held, 1 failed,\n"
              "3 inconclusive. Otherwise exit 0 once the outputs are written. 2: bad input, or an output could not be written.");
  cmd->callback([args, &exit_code] { exit_code = run_sweep_command(*args); });

  auto report = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand("sweep-report", "Merge the runs files of a sweep's shards into one aggregate");
  rep->add_option("files", report->files, "runs*.jsonl files written by dsim sweep --shard")->required();
  rep->add_option("--out", report->out_dir, "Directory for the merged outputs (default dsim-sweep)");
  rep->add_option("--metric", report->metrics, "A metric the table shows (repeatable)");
  rep->add_option("--assets", report->assets, "The visualizer's folder, for the page");
  rep->add_flag("-q,--quiet", report->quiet, "Print nothing but errors");
  rep->callback([report, &exit_code] { exit_code = run_report(*report); });

  auto page = std::make_shared<PageArgs>();
  CLI::App* pg = app.add_subcommand("sweep-page", "Draw a sweep's HTML page from its sweep.json");
  pg->add_option("file", page->file, "sweep.json written by dsim sweep or sweep-report")->required();
  pg->add_option("-o,--out", page->out, "The page (default: FILE with .html)");
  pg->add_option("--assets", page->assets, "The visualizer's folder (default: ./viz or beside the executable)");
  pg->callback([page, &exit_code] { exit_code = run_page(*page); });
}

}  // namespace dsim::cli
