// Virtual time: an integer count of nanoseconds since the start of a run. Integers, not floating
// point, so that every run orders events identically on every machine.
#pragma once

#include <cstdint>
#include <limits>

namespace dsim {

using TimeNs = std::int64_t;

inline constexpr TimeNs kNsPerUs = 1'000;
inline constexpr TimeNs kNsPerMs = 1'000'000;
inline constexpr TimeNs kNsPerSec = 1'000'000'000;
inline constexpr TimeNs kTimeNever = std::numeric_limits<TimeNs>::max();

constexpr TimeNs us_to_ns(std::int64_t us) { return us * kNsPerUs; }
constexpr TimeNs ms_to_ns(std::int64_t ms) { return ms * kNsPerMs; }
constexpr TimeNs sec_to_ns(std::int64_t sec) { return sec * kNsPerSec; }
constexpr double ns_to_ms(TimeNs ns) { return static_cast<double>(ns) / kNsPerMs; }

}  // namespace dsim
