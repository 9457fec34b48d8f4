// A node's local clock: local = offset + (1 + drift_ppm * 1e-6) * true, piecewise, because steps,
// drift changes and resyncs re-base it at the moment they happen. Integer arithmetic only, so
// every machine computes the same local times.
#pragma once

#include <cstdint>

#include "sim/core/time.h"

namespace dsim {

class LocalClock {
 public:
  static constexpr std::int64_t kDriftPpmLimit = 500'000;  // |drift| bound: the clock stays monotonic
  // |local - true| bound. Each clock step is bounded, but steps add up (16,000 steps of +7 days
  // pass INT64_MAX ns), so a step saturates here: about 100 years, far beyond any run yet far
  // from overflow, also with drift over the longest run.
  static constexpr TimeNs kOffsetLimitNs = 100LL * 365 * 24 * 3600 * kNsPerSec;

  LocalClock() = default;
  LocalClock(TimeNs offset_ns, std::int64_t drift_ppm);

  // The local reading at true time `true_ns` (true_ns >= the last re-base).
  TimeNs local_at(TimeNs true_ns) const;
  // The earliest true time at which the local clock reads at least `local_ns`.
  TimeNs true_at(TimeNs local_ns) const;

  void step(TimeNs now_true_ns, TimeNs delta_ns);        // jump forward or backward (saturating)
  void set_drift(TimeNs now_true_ns, std::int64_t drift_ppm);
  void resync(TimeNs now_true_ns);                      // read true time again; drift stays

  std::int64_t drift_ppm() const { return drift_ppm_; }
  TimeNs offset_at(TimeNs true_ns) const { return local_at(true_ns) - true_ns; }

 private:
  void rebase(TimeNs now_true_ns, TimeNs local_ns);

  TimeNs base_true_ns_ = 0;
  TimeNs base_local_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
};

}  // namespace dsim
