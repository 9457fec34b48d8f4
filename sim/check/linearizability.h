// Checks a history for linearizability against a model: is there a total order of the
// operations, consistent with real time (A before B whenever A completed before B was
// invoked), in which every operation's observed outcome is what the model says?
//
// Budgets: the search is exponential in the worst case, so it is bounded by a number of steps
// and by the bytes its memo may use, both deterministic (the verdict of a simulation run must
// not depend on the machine). A wall-clock limit is an optional extra, for the command line.
// When a budget runs out the verdict is `unknown`, never a hang or an out-of-memory kill.
// See docs/checker.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/check/model.h"

namespace dsim::check {

struct CheckBudget {
  std::int64_t steps_max = 100'000'000;        // search steps over all partitions
  std::int64_t memo_bytes_max = 256LL << 20;   // memo and interned values, per partition
  std::optional<double> wall_seconds_max;      // none inside simulations: not deterministic
  // When set, the end of the wall-clock budget, in place of wall_seconds_max from the check's
  // start: a caller that spent part of the budget before the check (reading the history) says so.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Illegal partitions (keys) to explain before stopping. One proves the verdict; searching the
  // remaining keys only to report them too can cost more than everything else together.
  std::int64_t failures_max = 1;
};

enum class Verdict { ok, illegal, unknown };

const char* verdict_name(Verdict);  // "ok", "illegal", "unknown"

// Why one partition (one key, or the whole history) has no linearization.
struct PartitionFailure {
  bool split = false;                 // the history was checked per key
  std::optional<std::string> key;     // the key, when split
  // The longest partial linearization the search found: indices into History::ops, in order.
  std::vector<std::size_t> linearized;
  // The operations that could come next in real time, none of which the model accepts in the
  // state the partial linearization leads to. Indices into History::ops, in history order.
  std::vector<std::size_t> blocked;
  std::string state;                  // that state, described by the model
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::ok;
  std::vector<PartitionFailure> failures;  // illegal: at least one, in key order
  std::string reason;                      // unknown: which budget ran out, or what is invalid
  bool invalid_history = false;            // unknown because the model does not fit the history
  std::int64_t steps = 0;
  std::int64_t memo_bytes_peak = 0;
  std::int64_t partitions = 0;             // how many were searched
};

// Never throws on any history; an operation the model does not understand makes the verdict
// `unknown` with the reason. `split_by_key` applies to keyed models only.
LinearizabilityResult check_linearizability(const History& history, const Model& model,
                                            const CheckBudget& budget, bool split_by_key = true);

// For traces and the visualizer (format in docs/checker.md).
nlohmann::json to_json(const LinearizabilityResult& result, const History& history);

// Multi-line text for the terminal.
std::string describe(const LinearizabilityResult& result, const History& history);

}  // namespace dsim::check
