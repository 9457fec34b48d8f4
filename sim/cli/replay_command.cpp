// `dsim replay FILE`: run a failure file and say whether it still fails the way it was recorded.
// The run happens in a worker process, so a recorded crash ("crash:SIGSEGV") replays too.
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/run_output.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/fuzz/driver.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/pool.h"

namespace dsim::cli {

namespace {

constexpr std::size_t kSidecarBytesMax = 1u << 20;  // FILE.expect.json: a signature and a few figures

struct ReplayArgs {
  std::string file;
  std::string trace_path;
  bool quiet = false;
};

// How the file is expected to fail: from its sidecar FILE.expect.json when there is one, else
// from the scenario's own `expect`.
struct Recorded {
  std::optional<std::string> signature;    // exact, from the sidecar
  std::optional<std::string> fingerprint;  // from the sidecar; absent for a crash
  ExpectSpec expect;
};

bool matches_expect(const ExpectSpec& expect, const std::string& sig, bool liveness) {
  if (liveness) return expect.liveness == ExpectSpec::Outcome::violated;
  if (expect.safety != ExpectSpec::Outcome::violated) return false;
  if (expect.violations.empty()) return true;
  for (const std::string& prefix : expect.violations) {
    if (sig.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

int run(const ReplayArgs& args) {
  auto loaded = load_scenario(args.file);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(args.file);
    return kExitBadInput;
  }
  const Scenario scenario = std::get<Scenario>(std::move(loaded));
  if (std::string error; !args.trace_path.empty() && !can_write_file(args.trace_path, &error)) {
    std::cerr << "dsim replay: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  Recorded recorded;
  recorded.expect = scenario.expect;
  const std::string sidecar = fuzz::expect_path(args.file);
  if (std::filesystem::exists(sidecar)) {
    std::string error;
    const auto text = read_file(sidecar, kSidecarBytesMax, &error);
    const auto j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    if (!j.is_object() || !j.contains("signature") || !j["signature"].is_string() ||
        (j.contains("fingerprint") && !j["fingerprint"].is_string())) {
      std::cerr << fmt::format("dsim replay: {}: expected a JSON object with a \"signature\" string{}\n",
                               terminal_safe(sidecar), text ? "" : " (" + error + ")");
      return kExitBadInput;
    }
    recorded.signature = j["signature"].get<std::string>();
    if (j.contains("fingerprint")) recorded.fingerprint = j["fingerprint"].get<std::string>();
  }

  // One worker process runs the scenario and reports its signature and fingerprint as one line.
  nlohmann::json observed;
  int signal = 0;
  std::vector<std::string> errors;
  fuzz::run_pooled(
      1, 1,
      [&](std::size_t, const fuzz::Emit& emit) {
        RunOptions options;
        options.trace = !args.trace_path.empty();
        const RunResult r = run_scenario(scenario, options);
        const auto sig = fuzz::signature(r);
        const bool liveness = sig && fuzz::is_liveness(r, *sig);
        std::string error;
        if (!args.trace_path.empty() && !write_trace_file(args.trace_path, scenario, r, &error)) {
          emit(nlohmann::json{{"error", error}}.dump());
        }
        nlohmann::json line = {{"fingerprint", fingerprint_hex(r.fingerprint)}, {"liveness", liveness},
                               {"events", r.stats.events}};
        if (sig) line["signature"] = *sig;
        emit(line.dump());
      },
      [&](std::size_t, fuzz::JobOutput out) {
        signal = out.signal;
        for (const auto& l : out.lines) {
          auto j = nlohmann::json::parse(l, nullptr, false);
          if (j.is_object() && j.contains("error")) {
            errors.push_back(j["error"].get<std::string>());
          } else if (j.is_object()) {
            observed = j;
          }
        }
      });
  for (const auto& e : errors) std::cerr << "dsim replay: " << terminal_safe(e) << "\n";
  // The trace could not be written: an infrastructure error, whatever the run did (as `dsim run`).
  if (!errors.empty() && signal == 0) return kExitBadInput;

  std::optional<std::string> sig;
  std::string fingerprint;
  bool liveness = false;
  if (signal != 0) {
    sig = "crash:" + fuzz::signal_name(signal);
  } else if (observed.is_object()) {
    if (observed.contains("signature")) sig = observed["signature"].get<std::string>();
    fingerprint = observed["fingerprint"].get<std::string>();
    liveness = observed["liveness"].get<bool>();
  }
  const auto say = [&](const std::string& text) {
    if (!args.quiet) std::cout << fmt::format("dsim replay {}: {}\n", terminal_safe(args.file), terminal_safe(text));
  };
  if (!sig) {
    say(fmt::format("PASSES now (fingerprint {}): the recorded failure no longer happens", fingerprint));
    return kExitHeld;
  }
  bool same = false;
  std::string recorded_text;
  if (recorded.signature) {
    same = *sig == *recorded.signature && (!recorded.fingerprint || *recorded.fingerprint == fingerprint);
    recorded_text = fmt::format("{} (fingerprint {})", *recorded.signature, recorded.fingerprint.value_or("none"));
  } else {
    same = matches_expect(recorded.expect, *sig, liveness);
    recorded_text = "the failure its expect section describes";
  }
  if (same) {
    say(fmt::format("REPRODUCED {} (fingerprint {})", *sig, fingerprint.empty() ? "none" : fingerprint));
    return kExitViolated;
  }
  say(fmt::format("FAILS DIFFERENTLY: {} (fingerprint {}); recorded: {}", *sig, fingerprint.empty() ? "none" : fingerprint,
                  recorded_text));
  return kExitInconclusive;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand("replay", "Run a failure file and confirm it fails the way it was recorded");
  cmd->add_option("file", args->file, "Failure file (e.g. dsim-failures/<signature>/seed-7-shrunk.json)")->required();
  cmd->add_option("--trace", args->trace_path, "Write the replay's trace (native JSON) to this file")->check(non_empty_path());
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->footer(
      "Reads FILE.expect.json (signature and fingerprint) when present, else FILE's expect section.\n"
      "Exit: 1 the recorded failure reproduces, 0 the run now passes, 3 it fails differently, 2 bad input.");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
