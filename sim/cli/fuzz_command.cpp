// `dsim fuzz SCENARIO --seeds A..B`: swarm-test a scenario, one forked worker per seed, and
// write every failure (and its shrunk form) as a standalone scenario file. docs/fuzzing.md.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/run_output.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/fuzz/driver.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/pool.h"

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
  bool resume = false;
  bool print = false;
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

constexpr std::size_t kResultsBytesMax = std::size_t{4} << 30;  // as dsim fuzz-report reads

// The results file while seeds run: a line appended (one write, no user-space buffer) as each
// seed finishes, so a killed shard keeps every seed it finished. At the end the file is replaced
// by the same lines in seed order, byte-identical to an uninterrupted run.
class ResultsAppender {
 public:
  ~ResultsAppender() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool open(const std::string& path, std::string* error) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0 && error) *error = fmt::format("cannot append to {}: {}", path, std::strerror(errno));
    return fd_ >= 0;
  }
  bool append(const std::string& line) {
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  int fd_ = -1;
};

// The records already in `path` (for --resume), or an empty list when there is no such file.
std::optional<std::vector<nlohmann::json>> read_for_resume(const std::string& path, const nlohmann::json& header,
                                                           std::string* error) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<nlohmann::json>{};
  std::string why;
  const auto text = read_file(path, kResultsBytesMax, &why);
  auto records = text ? fuzz::resume_records(*text, header, &why) : std::nullopt;
  if (!records) *error = fmt::format("{}: cannot resume: {}", path, why);
  return records;
}

std::optional<fuzz::FuzzConfig> configure(const FuzzArgs& args) {
  auto loaded = load_scenario(args.file);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return std::nullopt;
  }
  fuzz::FuzzConfig config;
  config.base = std::get<Scenario>(std::move(loaded));
  std::string error;
  const auto seeds = fuzz::parse_seed_range(args.seeds, &error);
  const auto shard = seeds ? fuzz::parse_shard(args.shard, &error) : std::nullopt;
  if (!seeds || !shard) {
    std::cerr << "dsim fuzz: " << error << "\n";
    return std::nullopt;
  }
  config.seeds = *seeds;
  config.shard = *shard;
  const std::uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
  config.jobs = std::min(args.jobs ? args.jobs : cores, fuzz::kParallelMax);
  config.out_dir = args.out_dir;
  config.shrink = !args.no_shrink;
  config.shrink_options.runs_max = args.shrink_runs;
  config.write_trace = write_trace_file;
  if (const std::string problem = fuzz::fuzz_problem(config); !problem.empty()) {
    std::cerr << fmt::format("dsim fuzz: {}: {}\n", terminal_safe(args.file), terminal_safe(problem));
    return std::nullopt;
  }
  return config;
}

// Everything that can fail before the first seed: the output folder, the results file (and
// with --resume, what it already holds). The results file then holds its header and the
// records already done, and `appender` is open on it.
bool prepare_outputs(const FuzzArgs& args, const std::string& results_path, fuzz::FuzzConfig& config,
                     ResultsAppender& appender) {
  std::string error;
  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  if (ec) error = fmt::format("cannot create {}: {}", args.out_dir, ec.message());
  bool ok = !ec && can_write_file((std::filesystem::path(args.out_dir) / "probe").string(), &error);
  fuzz::FuzzOutcome start;
  start.header = fuzz::results_header(config);
  if (ok && args.resume) {
    auto records = read_for_resume(results_path, start.header, &error);
    ok = records.has_value();
    if (ok) config.recorded = start.records = std::move(*records);
  }
  ok = ok && write_file_atomic(results_path, fuzz::results_text(start), &error) && appender.open(results_path, &error);
  if (!ok) std::cerr << "dsim fuzz: " << terminal_safe(error) << "\n";
  return ok;
}

// --print: each seed's concrete scenario as one JSON line, nothing run and nothing written, so a
// user can see what a profile draws before spending seeds on it.
int print_scenarios(const fuzz::FuzzConfig& config) {
  constexpr std::uint64_t kPrintedMax = 10'000;
  if (config.seeds.to - config.seeds.from >= kPrintedMax) {
    std::cerr << fmt::format("dsim fuzz: --print prints at most {} seeds; narrow --seeds\n", kPrintedMax);
    return kExitBadInput;
  }
  for (const std::uint64_t seed : fuzz::shard_seeds(config.seeds, config.shard)) {
    std::cout << to_json(fuzz::fuzz_scenario(config.base, seed)).dump() << "\n";
  }
  return kExitHeld;
}

int run(const FuzzArgs& args) {
  auto configured = configure(args);
  if (!configured) return kExitBadInput;
  fuzz::FuzzConfig& config = *configured;
  if (args.print) return print_scenarios(config);
  const fuzz::Shard shard = config.shard;
  const bool whole = shard.count == 1;
  const std::string part = whole ? "" : fmt::format("-{}-of-{}", shard.index, shard.count);
  const std::string results_path =
      args.results.empty() ? (std::filesystem::path(args.out_dir) / ("results" + part + ".jsonl")).string() : args.results;
  const std::string summary_path = (std::filesystem::path(args.out_dir) / ("summary" + part + ".json")).string();
  ResultsAppender appender;
  if (!prepare_outputs(args, results_path, config, appender)) return kExitBadInput;

  ProgressDisplay display(args.quiet);
  bool appended = true;
  const fuzz::FuzzOutcome outcome = fuzz::fuzz(config, [&](const nlohmann::json& r, std::size_t done, std::size_t total) {
    appended = appender.append(r.dump()) && appended;
    display.update(r, done, total);
  });
  std::string error;
  const nlohmann::json summary = fuzz::summarize(outcome.header, outcome.records);
  bool wrote = write_file_atomic(results_path, fuzz::results_text(outcome), &error) &&
               write_file_atomic(summary_path, summary.dump(2) + "\n", &error);
  if (wrote && !appended) error = fmt::format("cannot append to {} while seeds ran", results_path);
  wrote = wrote && appended;
  if (!wrote) std::cerr << "dsim fuzz: " << error << "\n";
  for (const std::string& e : outcome.errors) std::cerr << "dsim fuzz: " << terminal_safe(e) << "\n";

  if (!args.quiet) {
    std::cout << fmt::format("dsim fuzz {} --seeds {}..{} --shard {}/{}{}\n", terminal_safe(args.file), config.seeds.from,
                             config.seeds.to, shard.index, shard.count,
                             config.recorded.empty() ? "" : fmt::format(" (resumed: {} seeds already done)", config.recorded.size()));
    std::cout << terminal_safe(fuzz::summary_text(summary));
    std::cout << fmt::format("results: {}; summary: {}; failures under {}/\n", results_path, summary_path, args.out_dir);
    const double seconds = display.seconds();
    const std::size_t ran = outcome.records.size() - config.recorded.size();
    std::cerr << fmt::format("{} seeds in {:.2f} s wall with {} worker(s): {:.1f} seeds/s\n", ran, seconds, config.jobs,
                             seconds > 0 ? static_cast<double>(ran) / seconds : 0);
  }
  // Infrastructure errors first: with seeds unrecorded, the verdict is of part of the range.
  if (!wrote || !outcome.errors.empty()) return kExitBadInput;
  return summary["seeds_failed"].get<std::uint64_t>() > 0 ? kExitViolated : kExitHeld;
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
  cmd->add_flag("--resume", args->resume,
                "Keep the seeds already in the results file (same scenario, seeds and shard) and run only the rest");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->add_flag("--print", args->print,
                "Print each seed's concrete scenario (canonical JSON, one line per seed) and run nothing");
  cmd->footer("Each seed's line is appended to the results file as it finishes (its failure files first), so a\n"
              "killed run keeps what it finished; --resume then completes it, byte-identical to one run.\n"
              "Exit: 0 no seed failed, 1 some seed failed, 2 bad input or an infrastructure error (a file could\n"
              "not be written: some seeds are then unrecorded).");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
