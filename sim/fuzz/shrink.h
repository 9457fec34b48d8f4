// Shrinking a failing scenario: greedy delta debugging over the concrete scenario. A candidate
// (fewer faults, shorter fault windows, fewer operations or clients, fewer nodes, an earlier end)
// is kept only when it is a valid scenario and fails with the same signature. Deterministic: the
// candidates and their order depend on nothing but the scenario, so every machine shrinks a
// failure to the same file.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::fuzz {

struct ShrinkOptions {
  std::uint32_t runs_max = 200;  // candidate runs; each costs one simulation
};

// What a scenario costs to read: the figures a shrink report compares.
struct Size {
  std::uint64_t faults = 0;
  std::uint64_t ops = 0;     // client operations the run issued
  std::uint64_t events = 0;  // events the engine processed
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
  TimeNs duration_ns = 0;
};

struct ShrinkResult {
  Scenario scenario;         // the smallest failing scenario found (the input when none smaller)
  RunResult result;          // its run, traced when the caller asked for it
  Size before, after;
  std::uint32_t runs = 0;      // candidates simulated
  std::uint32_t accepted = 0;  // candidates that kept the signature
};

Size size_of(const Scenario& scenario, const RunResult& result);

// `failing` must fail with `signature` (its run is `failing_result`). `trace`: re-run the final
// scenario with tracing so the caller can write its trace.
ShrinkResult shrink(const Scenario& failing, const RunResult& failing_result, const std::string& signature,
                    const ShrinkOptions& options, bool trace);

}  // namespace dsim::fuzz
