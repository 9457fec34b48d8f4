#include "sim/net/latency.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace dsim {

namespace {
// Clamp before converting: a wild draw from a heavy tail must not overflow an int64.
TimeNs to_ns(double ns) {
  constexpr double kMaxNs = 1e15;  // ~11.6 days: longer than any run
  return static_cast<TimeNs>(std::llround(std::clamp(ns, 0.0, kMaxNs)));
}
}  // namespace

namespace {
// One component of a mixture, drawn with probability proportional to its weight: one uniform
// draw, then the component's own draws.
const LatencySpec& pick_component(const LatencySpec& spec, Rng& rng) {
  assert(!spec.components.empty() && spec.components.size() == spec.weights.size());
  double total = 0.0;
  for (double w : spec.weights) total += w;
  double u = rng.unit() * total;
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    if (u < spec.weights[i]) return spec.components[i];
    u -= spec.weights[i];
  }
  return spec.components.back();  // rounding at the top end
}
}  // namespace

TimeNs sample_latency(const LatencySpec& spec, Rng& rng) {
  const auto mean = static_cast<double>(spec.mean_ns);
  const auto stddev = static_cast<double>(spec.stddev_ns);
  TimeNs ns = 0;
  switch (spec.dist) {
    case LatencySpec::Dist::constant:
      ns = spec.mean_ns;
      break;
    case LatencySpec::Dist::uniform:
      ns = rng.between(spec.min_ns, spec.max_ns);
      break;
    case LatencySpec::Dist::normal:
      ns = to_ns(mean + stddev * rng.normal());
      break;
    case LatencySpec::Dist::exponential:
      ns = to_ns(rng.exponential(mean));
      break;
    case LatencySpec::Dist::lognormal: {
      // Parameters of the underlying normal chosen so the samples have this mean and stddev.
      const double variance_ratio = 1.0 + (stddev * stddev) / (mean * mean);
      const double sigma = std::sqrt(std::log(variance_ratio));
      const double mu = std::log(mean) - 0.5 * sigma * sigma;
      ns = to_ns(std::exp(mu + sigma * rng.normal()));
      break;
    }
    case LatencySpec::Dist::pareto: {
      // Inverse transform: x_m / U^(1/alpha) with U in (0, 1].
      const double u = 1.0 - rng.unit();
      ns = to_ns(static_cast<double>(spec.scale_ns) * std::pow(u, -1.0 / spec.shape));
      break;
    }
    case LatencySpec::Dist::mixture: {
      const LatencySpec& component = pick_component(spec, rng);
      assert(component.dist != LatencySpec::Dist::mixture);
      ns = sample_latency(component, rng);
      break;
    }
  }
  return std::max<TimeNs>({ns, spec.floor_ns, 1});
}

}  // namespace dsim
