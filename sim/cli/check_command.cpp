// `dsim check FILE --model M`: is a recorded history linearizable? Exit 0 ok, 1 illegal,
// 3 unknown (a budget ran out), 2 bad input.
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "sim/check/linearizability.h"
#include "sim/check/parse.h"
#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/core/text.h"

namespace dsim::cli {

namespace {

constexpr double kTimeoutSecondsMax = 30 * 24 * 3600;  // a month: beyond that, say 0 (none)
constexpr std::uint64_t kBudgetMax = std::uint64_t{1} << 62;  // inside int64, with room to add

struct CheckOptions {
  std::string file;
  std::string model;
  std::string format = "auto";
  double timeout_s = 60;
  bool json = false;
  bool no_split = false;
  check::CheckBudget budget;
};

int exit_code_of(check::Verdict verdict) {
  switch (verdict) {
    case check::Verdict::ok: return kExitHeld;
    case check::Verdict::illegal: return kExitViolated;
    case check::Verdict::unknown: return kExitInconclusive;
  }
  return kExitInconclusive;
}

int run_check(CheckOptions& options) {
  // The --timeout budget starts now: reading and parsing a large history count toward it.
  const auto started = std::chrono::steady_clock::now();
  const check::Model* model = check::find_model(options.model);
  const std::optional<check::Format> format = check::parse_format_name(options.format);
  // CLI11 has checked both names; these are the invariants it established.
  if (model == nullptr || !format) return kExitBadInput;
  if (options.timeout_s > 0) {
    options.budget.deadline =
        started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.timeout_s));
  }
  const check::ParseResult parsed = check::load_history(options.file, *format, model, options.budget.deadline);
  if (parsed.error) {
    std::cerr << "dsim check: " << terminal_safe(parsed.error->to_string()) << "\n";
    return kExitBadInput;
  }
  check::LinearizabilityResult result;
  if (parsed.timed_out) {
    const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.verdict = check::Verdict::unknown;
    result.reason = fmt::format("the --timeout of {} s ran out while reading the history ({:.1f} s)", options.timeout_s, read_s);
  } else {
    result = check::check_linearizability(parsed.history, *model, options.budget, !options.no_split);
  }
  if (options.json) {
    std::cout << check::to_json(result, parsed.history).dump(2) << "\n";
  } else {
    std::cout << terminal_safe(check::describe(result, parsed.history));
  }
  return exit_code_of(result.verdict);
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand(
      "check", "Check a recorded history for linearizability against a model");
  command->add_option("file", options->file, "History file (Jepsen log, EDN lines, dsim JSON)")
      ->required();
  command->add_option("--model", options->model, "Sequential model to check against")
      ->required()
      ->check(CLI::IsMember(check::model_names()));
  command->add_option("--format", options->format, "Input format (default: detect)")
      ->check(CLI::IsMember({"auto", "jepsen-log", "edn", "json"}));
  command->add_option("--timeout", options->timeout_s,
                      "Wall-clock budget in seconds; 0 for none (default 60)")
      ->check(number_in(0, kTimeoutSecondsMax));
  command->add_option("--steps-max", options->budget.steps_max, "Search steps budget")
      ->check(integer_in(1, kBudgetMax));
  command->add_option("--memo-bytes-max", options->budget.memo_bytes_max,
                      "Memory budget of the search's memo, in bytes")
      ->check(integer_in(1, kBudgetMax));
  command->add_option("--failures-max", options->budget.failures_max,
                      "Illegal keys to explain before stopping (default 1; one proves the verdict)")
      ->check(integer_in(1, kBudgetMax));
  command->add_flag("--json", options->json, "Print the result as JSON");
  command->add_flag("--no-split", options->no_split,
                    "Check all keys together instead of one key at a time (slower; for comparison)");
  command->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace dsim::cli
