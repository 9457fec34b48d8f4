// Percentiles by nearest rank: the smallest value with at least `share` of the values at or below
// it. Always one of the values (never interpolated), so a p99 is a latency that happened.
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

namespace dsim {

// `sorted` ascending and not empty; share in (0, 1].
template <class T>
const T& nearest_rank(const std::vector<T>& sorted, double share) {
  assert(!sorted.empty() && share > 0 && share <= 1);
  // The epsilon keeps 0.5 x 4 at rank 2 when the product lands a hair above a whole number.
  const auto rank = static_cast<std::size_t>(std::ceil(share * static_cast<double>(sorted.size()) - 1e-9));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace dsim
