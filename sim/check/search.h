// The Wing–Gong search for a linearization of one partition, with Lowe's memo.
//
// Calls and returns form a doubly linked list in real-time order. The operations that may come
// next are the calls before the first return; the search linearizes one (if the model accepts
// it and the configuration is new), lifts its call and return out of the list, and goes on;
// when a return is reached first, that operation cannot be linearized in time and the search
// backtracks. Unknown (`info`) operations have no return: they are open-ended, and the search
// succeeds once only they remain.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/check/model.h"
#include "sim/check/partition.h"
#include "sim/check/value_table.h"

namespace dsim::check {

struct SearchLimits {
  std::int64_t steps_max = 0;       // for this partition
  std::int64_t memo_bytes_max = 0;  // memo plus interned values
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct SearchOutcome {
  enum class Status { ok, illegal, out_of_budget } status = Status::ok;
  std::string reason;  // which budget ran out
  std::int64_t steps = 0;
  std::int64_t memo_bytes_peak = 0;
  // For illegal: the longest partial linearization explored, as partition op indices in order.
  std::vector<std::int32_t> deepest;
  // A longer one, if any, ending in a step the search did not explore because it dooms the
  // rest (UnobservedGuard): often what a person wants to see, as the next read then fails.
  std::vector<std::int32_t> deepest_doomed;
};

SearchOutcome search(const Partition& partition, const Model& model, ValueTable& values,
                     const SearchLimits& limits);

}  // namespace dsim::check
