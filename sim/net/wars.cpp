#include "sim/net/wars.h"

#include <algorithm>
#include <cassert>

#include "sim/core/rng.h"
#include "sim/net/latency.h"

namespace dsim {

namespace {

struct Replica {
  TimeNs write_ns = 0;  // W_i
  TimeNs read_ns = 0;   // R_i
  TimeNs response_ns = 0;  // R_i + S_i
};

}  // namespace

std::vector<WarsPoint> wars_t_visibility(const WarsSpec& spec, const std::vector<TimeNs>& t_ns, std::uint64_t seed) {
  assert(spec.n >= 1 && spec.r >= 1 && spec.r <= spec.n && spec.w >= 1 && spec.w <= spec.n && spec.trials >= 1);
  Rng rng = Rng::derive(seed, "wars");
  std::vector<std::uint64_t> consistent(t_ns.size(), 0);
  std::vector<Replica> replicas(spec.n);
  std::vector<TimeNs> acked_ns(spec.n);
  for (std::uint64_t trial = 0; trial < spec.trials; ++trial) {
    for (std::uint32_t i = 0; i < spec.n; ++i) {
      Replica& rep = replicas[i];
      rep.write_ns = sample_latency(spec.w_latency, rng);
      acked_ns[i] = rep.write_ns + sample_latency(spec.a_latency, rng);
      rep.read_ns = sample_latency(spec.r_latency, rng);
      rep.response_ns = rep.read_ns + sample_latency(spec.s_latency, rng);
    }
    std::nth_element(acked_ns.begin(), acked_ns.begin() + (spec.w - 1), acked_ns.end());
    const TimeNs commit_ns = acked_ns[spec.w - 1];
    // The R first responders; ties broken by replica index, so the order is deterministic.
    std::stable_sort(replicas.begin(), replicas.end(),
                     [](const Replica& a, const Replica& b) { return a.response_ns < b.response_ns; });
    for (std::size_t k = 0; k < t_ns.size(); ++k) {
      const TimeNs read_sent_ns = commit_ns + t_ns[k];
      const bool seen = std::any_of(replicas.begin(), replicas.begin() + spec.r, [&](const Replica& rep) {
        return rep.write_ns <= read_sent_ns + rep.read_ns;
      });
      consistent[k] += seen;
    }
  }
  std::vector<WarsPoint> points;
  for (std::size_t k = 0; k < t_ns.size(); ++k) {
    points.push_back(WarsPoint{t_ns[k], static_cast<double>(consistent[k]) / static_cast<double>(spec.trials)});
  }
  return points;
}

}  // namespace dsim
