#include "sim/node/clock.h"

#include <algorithm>
#include <cassert>

namespace dsim {

namespace {
constexpr __int128 kPpm = 1'000'000;

// Floor division for a positive divisor (C++ '/' truncates toward zero).
__int128 floor_div(__int128 a, __int128 b) {
  __int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}
}  // namespace

LocalClock::LocalClock(TimeNs offset_ns, std::int64_t drift_ppm)
    : base_true_ns_(0), base_local_ns_(offset_ns), drift_ppm_(drift_ppm) {
  assert(drift_ppm > -kDriftPpmLimit - 1 && drift_ppm < kDriftPpmLimit + 1);
}

TimeNs LocalClock::local_at(TimeNs true_ns) const {
  assert(true_ns >= base_true_ns_);
  // Without drift the 128-bit product and floor division below add nothing; every node reads
  // its clock on most events, so skip them.
  if (drift_ppm_ == 0) return static_cast<TimeNs>(static_cast<__int128>(base_local_ns_) + (true_ns - base_true_ns_));
  const __int128 elapsed = true_ns - base_true_ns_;
  return static_cast<TimeNs>(base_local_ns_ + elapsed + floor_div(elapsed * drift_ppm_, kPpm));
}

TimeNs LocalClock::true_at(TimeNs local_ns) const {
  if (local_ns <= base_local_ns_) return base_true_ns_;
  if (drift_ppm_ == 0) {  // the search below would settle on exactly this
    const __int128 t = static_cast<__int128>(base_true_ns_) + (static_cast<__int128>(local_ns) - base_local_ns_);
    return t > kTimeNever ? kTimeNever : static_cast<TimeNs>(t);
  }
  // Smallest elapsed e with e + floor(e * d / 1e6) >= L, i.e. roughly ceil(L * 1e6 / (1e6 + d));
  // then corrected by at most a step either way for the floor in local_at.
  const __int128 rate = kPpm + drift_ppm_;
  const __int128 target = static_cast<__int128>(local_ns) - base_local_ns_;
  __int128 e = floor_div(target * kPpm + rate - 1, rate);
  auto reading = [&](__int128 x) { return x + floor_div(x * drift_ppm_, kPpm); };
  while (e > 0 && reading(e - 1) >= target) --e;
  while (reading(e) < target) ++e;
  const __int128 t = base_true_ns_ + e;
  return t > kTimeNever ? kTimeNever : static_cast<TimeNs>(t);
}

void LocalClock::rebase(TimeNs now_true_ns, TimeNs local_ns) {
  assert(now_true_ns >= base_true_ns_);
  base_true_ns_ = now_true_ns;
  base_local_ns_ = local_ns;
}

void LocalClock::step(TimeNs now_true_ns, TimeNs delta_ns) {
  const __int128 offset = static_cast<__int128>(local_at(now_true_ns)) + delta_ns - now_true_ns;
  const __int128 bounded = std::clamp<__int128>(offset, -kOffsetLimitNs, kOffsetLimitNs);
  rebase(now_true_ns, static_cast<TimeNs>(now_true_ns + bounded));
}

void LocalClock::set_drift(TimeNs now_true_ns, std::int64_t drift_ppm) {
  assert(drift_ppm >= -kDriftPpmLimit && drift_ppm <= kDriftPpmLimit);
  rebase(now_true_ns, local_at(now_true_ns));
  drift_ppm_ = drift_ppm;
}

void LocalClock::resync(TimeNs now_true_ns) { rebase(now_true_ns, now_true_ns); }

}  // namespace dsim
