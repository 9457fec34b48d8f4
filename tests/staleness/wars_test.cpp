// The WARS model (PBS §5) against the paper's setting: N = 3, R = W = 1, W exponential with
// rate 4 per ms (mean 0.25 ms), A = R = S exponential with mean 1 ms.
#include <gtest/gtest.h>

#include "sim/net/wars.h"

namespace dsim {
namespace {

LatencySpec exponential_ms(double mean_ms) {
  LatencySpec l;
  l.dist = LatencySpec::Dist::exponential;
  l.mean_ns = static_cast<TimeNs>(mean_ms * 1e6);
  l.stddev_ns = 0;
  l.floor_ns = 0;
  return l;
}

WarsSpec paper_spec() {
  WarsSpec s;
  s.n = 3;
  s.r = 1;
  s.w = 1;
  s.w_latency = exponential_ms(0.25);
  s.a_latency = s.r_latency = s.s_latency = exponential_ms(1.0);
  s.trials = 200'000;
  return s;
}

TEST(Wars, ReproducesThePaperCurve) {
  const auto points = wars_t_visibility(paper_spec(), {0, 500'000, 1'000'000, 2'000'000}, 7);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_NEAR(points[0].probability, 0.94, 0.01);   // right after the write
  EXPECT_GT(points[2].probability, 0.995);          // ~99.9% by about 1 ms
  EXPECT_NEAR(points[2].probability, 0.999, 0.003);
  for (std::size_t i = 1; i < points.size(); ++i) EXPECT_GE(points[i].probability, points[i - 1].probability);
}

TEST(Wars, StrictQuorumsAlwaysSeeTheWrite) {
  WarsSpec s = paper_spec();
  s.r = 2;
  s.w = 2;
  s.trials = 20'000;
  for (const auto& p : wars_t_visibility(s, {0, 1'000'000}, 1)) EXPECT_DOUBLE_EQ(p.probability, 1.0);
}

TEST(Wars, DeterministicPerSeed) {
  WarsSpec s = paper_spec();
  s.trials = 5'000;
  const auto a = wars_t_visibility(s, {0}, 3);
  const auto b = wars_t_visibility(s, {0}, 3);
  EXPECT_EQ(a[0].probability, b[0].probability);
}

}  // namespace
}  // namespace dsim
