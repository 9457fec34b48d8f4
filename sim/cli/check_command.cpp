// `dsim check FILE... --model M`: is a recorded history linearizable? Exit 0 ok, 1 illegal,
// 3 unknown (a budget ran out), 2 bad input; with several files, one verdict line each, in one
// process (start-up is paid once), and the worst exit code. --lost-writes, --staleness and --t-visibility-ms
// add (or, without --model, replace it with) the weak-consistency checks: lost writes found
// exit 1, no final read exit 3; staleness and t-visibility are measurements.
#include <chrono>
#include <iostream>
#include <map>
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
  std::vector<std::string> files;
  std::string model;
  std::string format = "auto";
  double timeout_s = 60;
  bool json = false;
  bool no_split = false;
  bool independent = false;
  check::CheckBudget budget;
  bool lost_writes = false;
  bool staleness = false;
  std::vector<double> t_visibility_ms;
  bool weak() const { return lost_writes || staleness || !t_visibility_ms.empty(); }
};

// The weak-consistency checks asked for: their figures into `out`, their text into `text`;
// returns the exit code they alone imply.
int run_weak_checks(const CheckOptions& o, const check::History& h, nlohmann::json& out, std::string& text) {
  int code = kExitHeld;
  if (o.lost_writes) {
    const auto r = check::check_lost_writes(h);
    out["lost_writes"] = check::to_json(r);
    text += "lost writes: " + check::summary_line(r) + "\n";
    code = r.violated() ? kExitViolated : r.inconclusive() ? kExitInconclusive : code;
  }
  if (o.staleness) {
    const auto r = check::check_staleness(h);
    out["staleness"] = check::to_json(r);
    text += "staleness: " + check::summary_line(r) + "\n";
  }
  if (!o.t_visibility_ms.empty()) {
    std::vector<std::int64_t> t_ns;
    for (double ms : o.t_visibility_ms) t_ns.push_back(static_cast<std::int64_t>(ms * 1e6));
    const auto r = check::check_t_visibility(h, t_ns);
    out["t_visibility"] = check::to_json(r);
    text += "t-visibility (t ms: reads, visible, P [95%]):\n";
    for (const auto& b : r.buckets) {
      text += fmt::format("  {:>8}: {} {} {:.4f} [{:.4f}, {:.4f}]\n", static_cast<double>(b.t_ns) / 1e6, b.reads,
                          b.visible, b.probability(), b.low, b.high);
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

// Of two files' exit codes, the one the command exits with: bad input, then a violation, then
// an unproven verdict, then success. A CI job checking many histories fails on the worst.
int worse(int a, int b) {
  const auto rank = [](int code) {
    return code == kExitBadInput ? 3 : code == kExitViolated ? 2 : code == kExitInconclusive ? 1 : 0;
  };
  return rank(b) > rank(a) ? b : a;
}

// One history's verdict: its exit code, its result as JSON and as text (an error for bad input).
struct FileVerdict {
  int code = kExitHeld;
  nlohmann::json json = nlohmann::json::object();
  std::string text;
  std::string error;  // bad input: what is wrong, naming the file and line
};

FileVerdict check_file(const CheckOptions& options, const std::string& file, const check::Model* model,
                       check::Format format) {
  // The --timeout budget starts now, for each file: reading and parsing count toward it.
  const auto started = std::chrono::steady_clock::now();
  check::CheckBudget budget = options.budget;
  if (options.timeout_s > 0) {
    budget.deadline =
        started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.timeout_s));
  }
  FileVerdict v;
  const check::ParseResult parsed = check::load_history(file, format, model, budget.deadline,
                                                           options.independent ? check::Keys::independent : check::Keys::field);
  if (parsed.error) {
    v.code = kExitBadInput;
    v.error = parsed.error->to_string();
    return v;
  }
  int code = kExitHeld;
  if (model) {
    check::LinearizabilityResult result;
    if (parsed.timed_out) {
      const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      result.verdict = check::Verdict::unknown;
      result.reason = fmt::format("the --timeout of {} s ran out while reading the history ({:.1f} s)", options.timeout_s, read_s);
    } else {
      result = check::check_linearizability(parsed.history, *model, budget, !options.no_split);
    }
    v.json = check::to_json(result, parsed.history);
    v.text = check::describe(result, parsed.history);
    code = exit_code_of(result.verdict);
  }
  const int weak_code = options.weak() ? run_weak_checks(options, parsed.history, v.json, v.text) : kExitHeld;
  v.code = code == kExitHeld ? weak_code : code;
  return v;
}

// With several files, each gets one line: its verdict's first line (text), or one JSON object
// (--json, JSON lines) with "file" and "exit" added.
void print_line(const CheckOptions& options, const std::string& file, const FileVerdict& v) {
  if (options.json) {
    nlohmann::json line = v.json;
    line["file"] = file;
    line["exit"] = v.code;
    if (!v.error.empty()) line["error"] = v.error;
    std::cout << line.dump() << "\n";
    return;
  }
  const std::string what = !v.error.empty() ? "bad input: " + v.error : v.text.substr(0, v.text.find('\n'));
  std::cout << terminal_safe(file) << ": " << terminal_safe(what) << "\n";
}

int run_check(const CheckOptions& options) {
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

  if (options.files.size() == 1) {  // one history: its full explanation
    const FileVerdict v = check_file(options, options.files[0], model, *format);
    if (!v.error.empty()) std::cerr << "dsim check: " << terminal_safe(v.error) << "\n";
    if (!v.error.empty()) return v.code;
    std::cout << (options.json ? v.json.dump(2) + "\n" : terminal_safe(v.text));
    return v.code;
  }
  int code = kExitHeld;
  std::map<int, std::size_t> counts;
  for (const std::string& file : options.files) {
    const FileVerdict v = check_file(options, file, model, *format);
    print_line(options, file, v);
    code = worse(code, v.code);
    ++counts[v.code];
  }
  if (!options.json) {
    std::cerr << fmt::format("dsim check: {} histories: {} held, {} violated, {} inconclusive, {} bad input\n",
                             options.files.size(), counts[kExitHeld], counts[kExitViolated], counts[kExitInconclusive],
                             counts[kExitBadInput]);
  }
  return code;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* command = app.add_subcommand(
      "check", "Check a recorded history for linearizability against a model");
  command->add_option("files", options->files,
                      "History files (Jepsen log, EDN lines, dsim JSON); with several, one verdict line each "
                      "(JSON lines with --json) and the exit code of the worst")
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
  command->add_flag("--independent", options->independent,
                    "Jepsen line formats: each value is a [key value] tuple, as jepsen.independent (and dsim export) write them");
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
