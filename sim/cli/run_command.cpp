// `dsim run FILE`: simulate a scenario, print a summary, optionally write its trace, and say
// whether the scenario's claim held.
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/run_output.h"
#include "sim/world/run.h"

namespace dsim::cli {

namespace {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_path;
  std::optional<double> until_ms;
  bool check_determinism = false;
  bool quiet = false;
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
  for (const Finding& f : r.findings) {
    if (f.check == "bad-input") return kExitBadInput;
  }
  if (r.expectation_held) return kExitHeld;
  for (const Finding& f : r.findings) {
    if (f.check == "inconclusive") return kExitInconclusive;
  }
  return kExitViolated;
}

int run(const RunArgs& args) {
  auto loaded = load_scenario(args.file);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return kExitBadInput;
  }
  Scenario scenario = std::get<Scenario>(std::move(loaded));
  if (args.seed) scenario.run.seed = *args.seed;
  RunOptions options;
  options.trace = !args.trace_path.empty() || args.check_determinism;
  if (args.until_ms) options.until_ns = static_cast<TimeNs>(*args.until_ms * static_cast<double>(kNsPerMs));

  // Wall time is measured only to report speed; it shapes nothing in the run.
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = run_scenario(scenario, options);
  const double wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!args.quiet) print_summary(std::cout, args.file, scenario, result, wall_seconds);

  int code = exit_code_for(result);
  if (args.check_determinism) {
    const RunResult again = run_scenario(scenario, options);
    if (auto diff = first_difference(result, again)) {
      std::cout << "  determinism: the two runs DIFFER; " << *diff << "\n";
      code = kExitViolated;
    } else {
      std::cout << fmt::format("  determinism: two runs agree on all {} events (fingerprint {})\n",
                               result.trace.events.size(), fingerprint_hex(result.fingerprint));
    }
  }
  if (!args.trace_path.empty()) {
    std::string error;
    if (!write_trace_file(args.trace_path, scenario, result, &error)) {
      std::cerr << "dsim run: " << error << "\n";
      return kExitBadInput;
    }
    if (!args.quiet) std::cout << fmt::format("  trace:    {} ({} events)\n", args.trace_path, result.trace.events.size());
  }
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario file and check its claim");
  cmd->add_option("file", args->file, "Scenario file (JSON; see docs/scenario-format.md)")->required();
  cmd->add_option("--seed", args->seed, "Override the scenario's seed");
  cmd->add_option("--trace", args->trace_path, "Write the run's trace (native JSON) to this file");
  cmd->add_option("--until", args->until_ms, "Stop at this virtual time, in milliseconds")->check(CLI::PositiveNumber);
  cmd->add_flag("--check-determinism", args->check_determinism,
                "Run twice and report the first event where the runs differ");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->footer("Exit: 0 the expectation held, 1 it did not, 2 bad input, 3 inconclusive (a checker's or the run's budget ran out, or nothing succeeded to check).");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
