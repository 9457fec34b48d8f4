// Running a scenario: the one entry point the CLI, the tests, the fuzzer and the benchmarks use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/node/observer.h"
#include "sim/scenario/scenario.h"
#include "sim/trace/trace.h"

namespace dsim {

struct RunOptions {
  bool trace = false;                 // record every event (needed for --trace and determinism diffs)
  std::optional<TimeNs> until_ns;     // stop earlier than the scenario's duration
};

struct RunStats {
  std::uint64_t events = 0;           // events processed by the engine
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;     // loss, partitions, crashed or wiped receivers
  std::uint64_t messages_duplicated = 0;
  std::uint64_t timers_fired = 0;
  TimeNs end_ns = 0;                  // virtual time when the run stopped
  std::string stop_reason;            // "end of run", "event budget", "memory budget", "quiescent",
                                      // "violation" (a safety finding or a livelock watchdog)
};

struct RunResult {
  std::uint64_t fingerprint = 0;      // rolling hash over every processed event
  RunStats stats;
  std::vector<Finding> findings;      // safety and liveness, in the order found
  nlohmann::json metrics = nlohmann::json::object();  // protocol and workload figures
  check::History history;             // what the clients saw
  nlohmann::json linearizability;     // the checker's result, when the scenario asks for it
  nlohmann::json history_checks = nlohmann::json::object();  // lost_writes, staleness, t_visibility figures
  TimeNs calm_ns = 0;                 // when the last fault was undone
  // The scenario says something about liveness: it checks it (checks.liveness) or expects it to
  // hold or to be violated. Otherwise its liveness findings are reported but judge nothing (2PC
  // blocking when its coordinator dies is what 2PC does), and fuzz::signature skips them.
  bool liveness_claimed = false;
  bool expectation_held = false;
  std::string expectation_detail;     // why it held or not, one line
  Trace trace;                        // empty unless RunOptions::trace
};

// What a run says of its scenario's claim. A "bad-input" finding (the history cannot be checked
// as asked) overrides everything; else held when the expectation held; else inconclusive when
// some check or budget could not judge (an "inconclusive" finding), else violated.
enum class Verdict { held, violated, inconclusive, bad_input };
Verdict verdict(const RunResult& result);

// When the cluster is calm: checks.calm_ms, or when the last fault is undone.
TimeNs calm_time(const Scenario& scenario);

RunResult run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace dsim
