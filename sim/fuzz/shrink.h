// Shrinking a failing scenario: greedy delta debugging over the concrete scenario. A candidate
// (fewer faults, shorter fault windows, fewer operations or clients, fewer nodes, an earlier end)
// is kept only when it is a valid scenario, fails with the same signature, and still needs its
// faults to fail (the cause control below). Deterministic: the candidates and their order depend
// on nothing but the scenario, so every machine shrinks a failure to the same file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::fuzz {

struct ShrinkOptions {
  std::uint32_t runs_max = 200;  // simulations, candidates and controls together
};

// What the shrinker needs to know of one run.
struct Trial {
  std::optional<std::string> signature;  // nullopt: the run passed
  bool liveness = false;                 // the signature names a liveness finding
  std::uint64_t events = 0;
  std::uint64_t ops = 0;                 // client operations issued
  std::uint64_t fingerprint = 0;
  TimeNs first_finding_ns = 0;           // 0: no finding (or unknown: the run crashed)
};

Trial trial_of(const RunResult& result);

// Runs a candidate. In this process for most failures; in a child process of its own for a
// failure that kills the process (crash:SIG...), so that each crashing candidate kills only it.
using Runner = std::function<Trial(const Scenario&)>;
Trial run_in_process(const Scenario& scenario);

// What a scenario costs to read: the figures a shrink report compares.
struct Size {
  std::uint64_t faults = 0;
  std::uint64_t ops = 0;     // client operations the run issued
  std::uint64_t events = 0;  // events the engine processed
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
  TimeNs duration_ns = 0;
};

// How the shrinker keeps the cause of a failure (docs/fuzzing.md, "Shrinking"): the failing
// scenario is run once without its faults. If that passes, the faults cause the failure, and a
// candidate is kept only if it too passes without its faults (`faults`): a cluster or workload
// cut so small that it fails on its own is not the bug. If it fails the same way, the failure
// needs no faults and candidates are judged on their signature alone (`none`). If it fails in
// another way, a candidate's fault-free run must not show the signature (`signature`).
enum class CauseControl { faults, signature, none };

// The control's scenario: `s` without its faults, judged from the same calm point (liveness after
// calm needs operations after calm, with or without the faults that made calm late).
Scenario fault_free(const Scenario& s);

struct ShrinkResult {
  Scenario scenario;         // the smallest failing scenario found (the input when none smaller)
  Trial trial;               // its run
  RunResult result;          // its run in full, traced when asked (in-process shrinks only)
  Size before, after;
  CauseControl control = CauseControl::none;
  std::uint32_t runs = 0;      // simulations spent, candidates and controls
  std::uint32_t accepted = 0;  // candidates kept
};

Size size_of(const Scenario& scenario, const RunResult& result);
Size size_of(const Scenario& scenario, const Trial& trial);
const char* control_name(CauseControl control);

// `failing` must fail with `signature` (its run is `failing_result`). `trace`: re-run the final
// scenario with tracing so the caller can write its trace.
ShrinkResult shrink(const Scenario& failing, const RunResult& failing_result, const std::string& signature,
                    const ShrinkOptions& options, bool trace);

// The same search with another way to run candidates (`failing_trial` is failing's run through
// it). ShrinkResult::result is left empty: the caller re-runs the final scenario as it can.
ShrinkResult shrink_with(const Scenario& failing, const Trial& failing_trial, const std::string& signature,
                         const ShrinkOptions& options, const Runner& runner);

}  // namespace dsim::fuzz
