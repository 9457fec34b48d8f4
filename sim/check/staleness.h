// Staleness of reads in a register or key-value history whose writes have unique values
// (per key): k-staleness and t-visibility (Bailis et al., "Probabilistically Bounded
// Staleness", VLDB 2012), measured from the history alone.
//
// Writes are f "write" / "put", reads f "read" / "get" (ok, output: the value, null = never
// written). A read returns the version of the one write that wrote its value, or the initial
// version. Write B is *definitely newer* than write A when B was invoked after A completed.
//
// k-staleness of a read: the number of acknowledged writes to its key, acknowledged before the
// read was invoked (real-time order), that are definitely newer than the version it returned. 0
// for every read of a linearizable history.
//
// t-visibility: each ok read is paired with the acknowledged write to its key whose
// acknowledgement came last at or before the read's invoke; t = invoke - acknowledgement. The
// read sees that write when it returns its value, or the value of a write that is not
// definitely older than it (one that had not completed when the paired write was invoked). Note
// that t = 0 counts: a read invoked in the very instant of the acknowledgement. Pairs fall into buckets [t_i, t_{i+1}); the
// last bucket is open. Per bucket: reads, visible, P(visible) with a 95% Wilson interval.
//
// Keys where some value was written twice, or that see other mutations (cas, append, add), are
// skipped and counted: their versions are ambiguous.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim::check {

struct StalenessResult {
  std::uint64_t reads = 0;            // ok reads on usable keys, with an explained value
  std::uint64_t stale = 0;            // reads with k > 0
  std::uint64_t k_max = 0;
  std::map<std::uint64_t, std::uint64_t> k_histogram;  // k -> reads
  std::uint64_t unexplained = 0;      // ok reads returning a value no write wrote
  std::uint64_t keys_skipped = 0;     // ambiguous keys (see above)
  std::vector<nlohmann::json> worst;  // up to 5 reads with the largest k: {"op", "key", "k"}

  double stale_share() const { return reads == 0 ? 0.0 : static_cast<double>(stale) / static_cast<double>(reads); }
};

struct VisibilityBucket {
  std::int64_t t_ns = 0;     // lower bound of the bucket
  std::uint64_t reads = 0;
  std::uint64_t visible = 0;
  double probability() const { return reads == 0 ? 0.0 : static_cast<double>(visible) / static_cast<double>(reads); }
  double low = 0.0, high = 0.0;  // 95% Wilson score interval
};

struct VisibilityResult {
  std::vector<VisibilityBucket> buckets;
  std::uint64_t unpaired = 0;  // ok reads with no acknowledged write before them, or t < the first bucket
};

StalenessResult check_staleness(const History& history);
// `t_ns`: increasing bucket bounds, not empty.
VisibilityResult check_t_visibility(const History& history, const std::vector<std::int64_t>& t_ns);

// The 95% Wilson score interval for `successes` of `trials` (trials > 0).
std::pair<double, double> wilson_interval(std::uint64_t successes, std::uint64_t trials);

nlohmann::json to_json(const StalenessResult& result);
nlohmann::json to_json(const VisibilityResult& result);
std::string summary_line(const StalenessResult& result);

}  // namespace dsim::check
