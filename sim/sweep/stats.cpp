#include "sim/sweep/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/core/percentile.h"

namespace dsim::sweep {

double t95(std::size_t df) {
  assert(df >= 1);
  static constexpr double kTable[] = {12.706, 4.303, 3.182,       2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                      2.201,  2.179, 2.160,       2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                      2.080,  2.074, 2.069,       2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= 30) return kTable[df - 1];
  // Beyond the table t is nearly linear in 1/df: 2.042 at 30, 1.960 at infinity.
  return 1.960 + (2.042 - 1.960) * 30.0 / static_cast<double>(df);
}

Summary summarize(std::vector<double> values) {
  assert(!values.empty());
  std::sort(values.begin(), values.end());
  Summary s;
  s.n = values.size();
  double sum = 0;
  for (const double v : values) sum += v;  // sorted first, so the sum does not depend on the order given
  s.mean = sum / static_cast<double>(s.n);
  s.min = values.front();
  s.max = values.back();
  s.median = s.n % 2 == 1 ? values[s.n / 2] : (values[s.n / 2 - 1] + values[s.n / 2]) / 2;
  s.p99 = nearest_rank(values, 0.99);
  if (s.n >= 2) {
    double squares = 0;
    for (const double v : values) squares += (v - s.mean) * (v - s.mean);
    const double half = t95(s.n - 1) * std::sqrt(squares / static_cast<double>(s.n - 1)) / std::sqrt(static_cast<double>(s.n));
    s.ci95 = std::make_pair(s.mean - half, s.mean + half);
  }
  return s;
}

nlohmann::json to_json(const Summary& s) {
  return {{"n", s.n},
          {"mean", s.mean},
          {"median", s.median},
          {"p99", s.p99},
          {"min", s.min},
          {"max", s.max},
          {"ci95", s.ci95 ? nlohmann::json::array({s.ci95->first, s.ci95->second}) : nlohmann::json(nullptr)}};
}

}  // namespace dsim::sweep
