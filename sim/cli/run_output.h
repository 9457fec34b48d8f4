// What `dsim run` prints and writes: the human summary and the native trace file.
#pragma once

#include <ostream>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::cli {

void print_summary(std::ostream& out, const std::string& file, const Scenario& scenario, const RunResult& result,
                   double wall_seconds);
// The summary as JSON (`dsim run --json`): verdict, findings, metrics, fingerprint and counts.
nlohmann::json summary_json(const std::string& file, const Scenario& scenario, const RunResult& result);
// Why and where a trace stopped being recorded (the footer's trace_cut).
nlohmann::json trace_cut_json(const Scenario& scenario, const Trace& trace);
// Writes the trace atomically; false (with `error`) when it could not be written.
bool write_trace_file(const std::string& path, const Scenario& scenario, const RunResult& result, std::string* error);
std::string fingerprint_hex(std::uint64_t fingerprint);

}  // namespace dsim::cli
