// A run's named numeric metrics: the engine's (events, messages, simulated time), the clients'
// (operations by outcome, availability, latency percentiles) and each protocol's own, which its
// Observer publishes in ObserverReport::metrics at the end of the run. One JSON object, grouped
// by who measured it ("run", "clients", "raft" ...); a metric's name is its dotted path
// ("raft.split_votes"), the name `dsim sweep` aggregates and plots it by.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/node/protocol.h"

namespace dsim {

struct RunStats;

// The metrics every run publishes (run.*, clients.*) and those of the engine's own checks
// (broadcast.* with checks.broadcast; checks.* are the history checks' figures, by their names in
// the summary's history_checks), for `dsim list`. A protocol lists its own (ProtocolInfo::metrics).
std::vector<MetricInfo> engine_metric_infos();

// "run": events, messages sent / delivered / dropped / duplicated, timers fired, simulated_ms.
nlohmann::json engine_metrics(const RunStats& stats);

// "clients": ops, ok, fail, info, availability (ok / ops), and latency_ms_p50 / _p99 / _max of the
// operations that completed ok. Empty when there were no operations: nothing to measure.
nlohmann::json client_metrics(const check::History& history);

// Every number in `metrics` by its dotted path, sorted by name. Booleans, strings and nulls are
// not metrics (a final leader's id is a fact, but "raft.final_leader" has no mean).
std::map<std::string, double> flat_metrics(const nlohmann::json& metrics);

}  // namespace dsim
