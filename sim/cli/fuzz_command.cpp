// `dsim fuzz SCENARIO --seeds A..B`: swarm-test a scenario, one forked worker per seed, and
// write every failure (and its shrunk form) as a standalone scenario file. docs/fuzzing.md.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/run_output.h"
#include "sim/core/file.h"
#include "sim/world/fuzz_driver.h"
#include "sim/world/fuzz_pool.h"

namespace dsim::cli {

namespace {

struct FuzzArgs {
  std::string file;
  std::string seeds;
  std::string shard = "1/1";
  std::uint32_t jobs = 0;  // 0: one per core
  std::string out_dir = "dsim-failures";
  std::string results;
  bool no_shrink = false;
  std::uint32_t shrink_runs = 200;
  bool quiet = false;
};

// Seeds done, speed and failures: a bar redrawn in place on a terminal, plain lines otherwise
// (a line per failure and one per tenth of the seeds). Wall time only feeds this display.
class ProgressDisplay {
 public:
  ProgressDisplay(bool quiet) : quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(const nlohmann::json& record, std::size_t done, std::size_t total) {
    if (record["verdict"] == "fail") ++failures_;
    if (quiet_) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    if (tty_) {
      constexpr std::size_t kWidth = 30;
      const std::size_t filled = total ? done * kWidth / total : kWidth;
      std::cerr << fmt::format("\r[{}{}] {}/{} seeds  {:.1f} seeds/s  {} failing ", std::string(filled, '#'),
                               std::string(kWidth - filled, '.'), done, total, rate, failures_);
      if (done == total) std::cerr << "\n";
      return;
    }
    if (record["verdict"] == "fail") {
      std::cerr << fmt::format("seed {} FAILED {} -> {}\n", record["seed"].get<std::uint64_t>(),
                               record["signature"].get<std::string>(), record.value("file", std::string("?")));
    }
    if (done == total || (total >= 10 && done % (total / 10) == 0)) {
      std::cerr << fmt::format("{}/{} seeds, {:.1f} seeds/s, {} failing\n", done, total, rate, failures_);
    }
  }

  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

 private:
  bool quiet_;
  bool tty_;
  std::size_t failures_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

int run(const FuzzArgs& args) {
  auto loaded = load_scenario(args.file);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return kExitBadInput;
  }
  fuzz::FuzzConfig config;
  config.base = std::get<Scenario>(std::move(loaded));
  std::string error;
  const auto seeds = fuzz::parse_seed_range(args.seeds, &error);
  const auto shard = seeds ? fuzz::parse_shard(args.shard, &error) : std::nullopt;
  if (!seeds || !shard) {
    std::cerr << "dsim fuzz: " << error << "\n";
    return kExitBadInput;
  }
  config.seeds = *seeds;
  config.shard = *shard;
  const std::uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  config.jobs = std::min(args.jobs ? args.jobs : cores, fuzz::kParallelMax);
  config.out_dir = args.out_dir;
  config.shrink = !args.no_shrink;
  config.shrink_options.runs_max = args.shrink_runs;
  config.write_trace = write_trace_file;

  const bool whole = shard->count == 1;
  const std::string part = whole ? "" : fmt::format("-{}-of-{}", shard->index, shard->count);
  const std::string results_path =
      args.results.empty() ? (std::filesystem::path(args.out_dir) / ("results" + part + ".jsonl")).string() : args.results;
  const std::string summary_path = (std::filesystem::path(args.out_dir) / ("summary" + part + ".json")).string();
  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  if (ec) {
    std::cerr << fmt::format("dsim fuzz: cannot create {}: {}\n", args.out_dir, ec.message());
    return kExitBadInput;
  }

  ProgressDisplay display(args.quiet);
  const fuzz::FuzzOutcome outcome =
      fuzz::fuzz(config, [&](const nlohmann::json& r, std::size_t done, std::size_t total) { display.update(r, done, total); });
  const nlohmann::json summary = fuzz::summarize(outcome.header, outcome.records);
  bool wrote = write_file_atomic(results_path, fuzz::results_text(outcome), &error);
  wrote = wrote && write_file_atomic(summary_path, summary.dump(2) + "\n", &error);
  if (!wrote) std::cerr << "dsim fuzz: " << error << "\n";
  for (const std::string& e : outcome.errors) std::cerr << "dsim fuzz: " << e << "\n";

  if (!args.quiet) {
    std::cout << fmt::format("dsim fuzz {} --seeds {}..{} --shard {}/{}\n", args.file, seeds->from, seeds->to,
                             shard->index, shard->count);
    std::cout << fuzz::summary_text(summary);
    std::cout << fmt::format("results: {}; summary: {}; failures under {}/\n", results_path, summary_path, args.out_dir);
    const double seconds = display.seconds();
    std::cerr << fmt::format("{} seeds in {:.2f} s wall with {} worker(s): {:.1f} seeds/s\n", outcome.records.size(),
                             seconds, config.jobs, seconds > 0 ? static_cast<double>(outcome.records.size()) / seconds : 0);
  }
  if (summary["seeds_failed"].get<std::uint64_t>() > 0) return kExitViolated;
  return wrote && outcome.errors.empty() ? kExitHeld : kExitBadInput;
}

}  // namespace

void add_fuzz_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "Run a scenario over many seeds with random (swarm) faults; shrink failures");
  cmd->add_option("file", args->file, "Scenario file (its faults are kept; each seed adds its own)")->required();
  cmd->add_option("--seeds", args->seeds, "Seed range A..B (inclusive), or one seed")->required();
  cmd->add_option("-j,--jobs", args->jobs, "Worker processes at once (default: one per core)")
      ->check(CLI::Range(1u, fuzz::kParallelMax));
  cmd->add_option("--shard", args->shard, "Run only shard K of N (1-based): every N-th seed of the range");
  cmd->add_option("--out", args->out_dir, "Directory for failure files, results and summary (default dsim-failures)");
  cmd->add_option("--results", args->results,
                  "Results file, JSON lines (default OUT/results.jsonl, OUT/results-K-of-N.jsonl for a shard)");
  cmd->add_flag("--no-shrink", args->no_shrink, "Write failures without shrinking them");
  cmd->add_option("--shrink-runs", args->shrink_runs, "Simulations one shrink may spend (default 200)")
      ->check(CLI::Range(1u, 100'000u));
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->footer("Exit: 0 no seed failed, 1 some seed failed, 2 bad input (or a file could not be written).");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
