// `dsim run FILE`: simulate a scenario, print a summary, optionally write its trace, and say
// whether the scenario's claim held.
#include <chrono>
#include <iostream>
#include <limits>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/run_output.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/world/run.h"

namespace dsim::cli {

namespace {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_path;
  std::string out_dir;  // an experiment's outputs
  std::optional<double> until_ms;
  bool check_determinism = false;
  bool quiet = false;
  bool json = false;
};

// The first event where two traced runs differ, or nullopt when they agree.
std::optional<std::string> first_difference(const RunResult& a, const RunResult& b) {
  const auto& ea = a.trace.events;
  const auto& eb = b.trace.events;
  const std::size_t n = std::min(ea.size(), eb.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto ja = to_json(ea[i], i);
    const auto jb = to_json(eb[i], i);
    if (ja != jb) return fmt::format("event {} differs:\n  first run:  {}\n  second run: {}", i, ja.dump(), jb.dump());
  }
  if (ea.size() != eb.size()) {
    return fmt::format("the runs have {} and {} events; the first {} agree", ea.size(), eb.size(), n);
  }
  if (a.fingerprint != b.fingerprint) {
    return fmt::format("the events agree but the fingerprints differ ({} vs {})", fingerprint_hex(a.fingerprint),
                       fingerprint_hex(b.fingerprint));
  }
  return std::nullopt;
}

int exit_code_for(const RunResult& r) {
  switch (verdict(r)) {
    case Verdict::held: return kExitHeld;
    case Verdict::violated: return kExitViolated;
    case Verdict::inconclusive: return kExitInconclusive;
    case Verdict::bad_input: return kExitBadInput;
  }
  return kExitViolated;
}

int run(const RunArgs& args) {
  auto loaded = load_scenario(args.file);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return kExitBadInput;
  }
  if (!args.trace_path.empty()) {
    // Found unwritable before the run, not after minutes of it.
    std::string error;
    if (!can_write_file(args.trace_path, &error)) {
      std::cerr << "dsim run: " << error << "\n";
      return kExitBadInput;
    }
  }
  Scenario scenario = std::get<Scenario>(std::move(loaded));
  // An experiment is a sweep, unless a flag asks for one run of it (at the values it was written with).
  const bool one_run = args.seed || !args.trace_path.empty() || args.until_ms || args.check_determinism || args.json;
  if (scenario.sweep.present && !one_run) return run_experiment(args.file, args.out_dir, args.quiet);
  if (args.seed) scenario.run.seed = *args.seed;
  RunOptions options;
  options.trace = !args.trace_path.empty() || args.check_determinism;
  if (args.until_ms) options.until_ns = flag_ms_to_ns(*args.until_ms);

  // Wall time is measured only to report speed; it shapes nothing in the run.
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = run_scenario(scenario, options);
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!args.quiet && !args.json) print_summary(std::cout, args.file, scenario, result, wall_seconds);
  nlohmann::json json = args.json ? summary_json(args.file, scenario, result) : nlohmann::json();

  int code = exit_code_for(result);
  if (args.check_determinism) {
    const RunResult again = run_scenario(scenario, options);
    const auto diff = first_difference(result, again);
    if (diff) code = kExitViolated;
    if (args.json) {
      json["determinism"] = {{"agree", !diff}, {"trace_events", result.trace.events.size()}};
      if (diff) json["determinism"]["difference"] = *diff;
    } else if (diff) {
      std::cout << "  determinism: the two runs DIFFER; " << *diff << "\n";
    } else {
      std::cout << fmt::format("  determinism: two runs agree on all {} trace events (fingerprint {})\n",
                               result.trace.events.size(), fingerprint_hex(result.fingerprint));
    }
  }
  if (!args.trace_path.empty()) {
    std::string error;
    if (!write_trace_file(args.trace_path, scenario, result, &error)) {
      std::cerr << "dsim run: " << error << "\n";
      return kExitBadInput;
    }
    if (!args.quiet && !args.json) {
      std::cout << fmt::format("  trace:    {} ({} trace events)\n", terminal_safe(args.trace_path), result.trace.events.size());
      if (result.trace.cut) std::cout << "  trace cut: " << trace_cut_json(scenario, result.trace)["reason"].get<std::string>() << "\n";
    }
    if (args.json) {
      json["trace"] = {{"file", args.trace_path}, {"trace_events", result.trace.events.size()}};
      if (result.trace.cut) json["trace"]["cut"] = trace_cut_json(scenario, result.trace);
    }
  }
  if (args.json && !args.quiet) std::cout << json.dump(2) << "\n";
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario file and check its claim");
  cmd->add_option("file", args->file, "Scenario file (JSON; see docs/scenario-format.md)")->required();
  cmd->add_option("--seed", args->seed, "Override the scenario's seed")
      ->check(integer_in(0, std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--trace", args->trace_path, "Write the run's trace (native JSON) to this file")->check(non_empty_path());
  cmd->add_option("--until", args->until_ms, "Stop at this virtual time, in milliseconds")->check(duration_ms_flag());
  cmd->add_flag("--json", args->json,
                "Print the summary as one JSON object (verdict, findings, metrics, fingerprint, counts)");
  cmd->add_flag("--check-determinism", args->check_determinism,
                "Run twice and report the first event where the runs differ");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->add_option("--out", args->out_dir, "An experiment's outputs (default dsim-sweep; see dsim sweep)")->check(non_empty_path());
  cmd->footer("A scenario with a sweep section is an experiment: dsim run runs its sweep (as dsim sweep FILE) and\n"
              "judges its expectations; --seed, --trace, --until, --json or --check-determinism run it once instead.\n"
              "Exit: 0 the expectation held, 1 it did not, 2 bad input, 3 inconclusive (a checker's or the run's budget ran out, or nothing succeeded to check).");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
