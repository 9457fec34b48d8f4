// The broadcast checker, with Maelstrom's definitions (the Gossip Glomers' broadcast workload).
//
// The history holds `broadcast` operations whose value is a unique integer and `read` operations
// whose output is the array of every value the node had seen. A read whose invoke value is an
// integer is a *final read* of that node (issued after calm, pinned to the node by the workload).
//
//   lost         an acknowledged broadcast missing from some node's final read;
//   unexpected   a read returned a value no client ever asked to broadcast;
//   stable latency of a value: from its broadcast's invoke until the last read (invoked after
//                that) which lacked it completed, i.e. from then on every read had it; 0 when no
//                read ever lacked it. Median and max over the acknowledged values not lost;
//   msgs-per-op  messages sent between servers / every client operation (final reads included).
//
// Bounds are optional: each one exceeded is a problem named after it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim::check {

struct BroadcastBounds {
  std::optional<double> msgs_per_op_max;
  std::optional<std::int64_t> stable_median_max_ns;
  std::optional<std::int64_t> stable_max_max_ns;
};

struct BroadcastProblem {
  std::string name;     // "lost", "unexpected", "no-final-reads", "msgs-per-op", "stable-median", "stable-max"
  std::string detail;   // one line a person can read
  bool inconclusive = false;  // the claim could not be judged (no final read answered)
  nlohmann::json data;
};

struct BroadcastResult {
  std::vector<BroadcastProblem> problems;
  nlohmann::json metrics = nlohmann::json::object();
};

BroadcastResult check_broadcast(const History& history, std::uint64_t server_messages, const BroadcastBounds& bounds);

}  // namespace dsim::check
