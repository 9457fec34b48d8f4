// The `dsim` subcommands. Each one registers itself on the CLI11 app; when it runs, it stores
// the process exit code in `exit_code`. Exit codes are shared by every subcommand:
//   0  the claim held (the scenario's expectation, a linearizable history, ...)
//   1  it did not (a violation was found)
//   2  bad input or usage
//   3  inconclusive (a checker's budget ran out; a replay failed differently)
#pragma once

#include <CLI/CLI.hpp>

namespace dsim::cli {

inline constexpr int kExitHeld = 0;
inline constexpr int kExitViolated = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInconclusive = 3;

// `dsim --version`. Trace, results and failure files carry their own format versions.
inline constexpr const char* kVersion = "0.1.0";

void add_run_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_viz_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);
void add_fuzz_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_fuzz_report_command(CLI::App& app, int& exit_code);
void add_sweep_command(CLI::App& app, int& exit_code);  // and sweep-report, sweep-page
// `dsim run` on an experiment (a scenario with a sweep section): the sweep, its outputs under
// `out_dir` ("" for dsim-sweep), and the exit code of its expectations.
int run_experiment(const std::string& file, const std::string& out_dir, bool quiet);

// Parses argv and runs the chosen subcommand; never throws. Used by main() and by tests.
int run_cli(int argc, const char* const* argv);

}  // namespace dsim::cli
