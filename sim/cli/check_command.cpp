// `dsim check FILE --model M`: is a recorded history linearizable? Exit 0 ok, 1 illegal,
// 3 unknown (a budget ran out), 2 bad input. --lost-writes, --staleness and --t-visibility-ms
// add (or, without --model, replace it with) the weak-consistency checks: lost writes found
// exit 1, no final read exit 3; staleness and t-visibility are measurements.
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "sim/check/linearizability.h"
#include "sim/check/lost_writes.h"
#include "sim/check/staleness.h"
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
  bool lost_writes = false;
  bool staleness = false;
  std::vector<double> t_visibility_ms;
  bool weak() const { return lost_writes || staleness || !t_visibility_ms.empty(); }
};

// The weak-consistency checks asked for: their figures into `out`, their text to stdout unless
// JSON; returns the exit code they alone imply.
int run_weak_checks(const CheckOptions& o, const check::History& h, nlohmann::json& out) {
  int code = kExitHeld;
  if (o.lost_writes) {
    const auto r = check::check_lost_writes(h);
    out["lost_writes"] = check::to_json(r);
    if (!o.json) std::cout << "lost writes: " << check::summary_line(r) << "\n";
    code = r.violated() ? kExitViolated : r.inconclusive() ? kExitInconclusive : code;
  }
  if (o.staleness) {
    const auto r = check::check_staleness(h);
    out["staleness"] = check::to_json(r);
    if (!o.json) std::cout << "staleness: " << check::summary_line(r) << "\n";
  }
  if (!o.t_visibility_ms.empty()) {
    std::vector<std::int64_t> t_ns;
    for (double ms : o.t_visibility_ms) t_ns.push_back(static_cast<std::int64_t>(ms * 1e6));
    const auto r = check::check_t_visibility(h, t_ns);
    out["t_visibility"] = check::to_json(r);
    if (!o.json) {
      std::cout << "t-visibility (t ms: reads, visible, P [95%]):\n";
      for (const auto& b : r.buckets) {
        std::cout << fmt::format("  {:>8}: {} {} {:.4f} [{:.4f}, {:.4f}]\n", static_cast<double>(b.t_ns) / 1e6, b.reads,
                                 b.visible, b.probability(), b.low, b.high);
      }
    }
  }
  return code;
}

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
  if (options.model.empty() && !options.weak()) {
    std::cerr << "dsim check: expected --model, --lost-writes, --staleness or --t-visibility-ms, found none\n";
    return kExitBadInput;
  }
  for (std::size_t i = 1; i < options.t_visibility_ms.size(); ++i) {
    if (options.t_visibility_ms[i] <= options.t_visibility_ms[i - 1]) {
      std::cerr << fmt::format("dsim check: --t-visibility-ms: expected increasing times, found {} after {}\n",
                               options.t_visibility_ms[i], options.t_visibility_ms[i - 1]);
      return kExitBadInput;
    }
  }
  const check::Model* model = options.model.empty() ? nullptr : check::find_model(options.model);
  const std::optional<check::Format> format = check::parse_format_name(options.format);
  // CLI11 has checked both names; these are the invariants it established.
  if ((model == nullptr && !options.model.empty()) || !format) return kExitBadInput;
  if (options.timeout_s > 0) {
    options.budget.deadline =
        started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.timeout_s));
  }
  const check::ParseResult parsed = check::load_history(options.file, *format, model, options.budget.deadline);
  if (parsed.error) {
    std::cerr << "dsim check: " << terminal_safe(parsed.error->to_string()) << "\n";
    return kExitBadInput;
  }
  if (!model) {
    nlohmann::json out = nlohmann::json::object();
    const int code = run_weak_checks(options, parsed.history, out);
    if (options.json) std::cout << out.dump(2) << "\n";
    return code;
  }
  check::LinearizabilityResult result;
  if (parsed.timed_out) {
    const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    result.verdict = check::Verdict::unknown;
    result.reason = fmt::format("the --timeout of {} s ran out while reading the history ({:.1f} s)", options.timeout_s, read_s);
  } else {
    result = check::check_linearizability(parsed.history, *model, options.budget, !options.no_split);
  }
  nlohmann::json out = check::to_json(result, parsed.history);
  if (!options.json) std::cout << terminal_safe(check::describe(result, parsed.history));
  const int weak_code = options.weak() ? run_weak_checks(options, parsed.history, out) : kExitHeld;
  if (options.json) std::cout << out.dump(2) << "\n";
  const int code = exit_code_of(result.verdict);
  return code == kExitHeld ? weak_code : code;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand(
      "check", "Check a recorded history for linearizability against a model");
  command->add_option("file", options->file, "History file (Jepsen log, EDN lines, dsim JSON)")
      ->required();
  command->add_option("--model", options->model,
                      "Sequential model to check against (required unless a weak-consistency check is asked)")
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
  command->add_flag("--lost-writes", options->lost_writes,
                    "Set history (add / read): acknowledged adds missing from the final reads");
  command->add_flag("--staleness", options->staleness, "k-staleness of every read (unique write values)");
  command->add_option("--t-visibility-ms", options->t_visibility_ms,
                      "t-visibility buckets: increasing times in ms, e.g. 0,0.5,1")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  command->callback([options, &exit_code] { exit_code = run_check(*options); });
}

}  // namespace dsim::cli
