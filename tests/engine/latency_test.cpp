// Latency sampling: Pareto and mixtures hold their documented means and quantiles (fixed seeds,
// tolerances several standard errors wide), existing distributions keep their draw sequences,
// and a message's type routes it to its own latency.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "sim/net/latency.h"
#include "sim/net/network.h"

namespace dsim {
namespace {

constexpr int kDraws = 200'000;

std::vector<double> draws_ms(const LatencySpec& spec, std::uint64_t seed, int n = kDraws) {
  Rng rng(seed);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(static_cast<double>(sample_latency(spec, rng)) / kNsPerMs);
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

LatencySpec pareto(double scale_ms, double shape) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::pareto;
  spec.mean_ns = spec.stddev_ns = spec.floor_ns = 0;
  spec.scale_ns = static_cast<TimeNs>(scale_ms * kNsPerMs);
  spec.shape = shape;
  return spec;
}

LatencySpec constant_ms(double ms) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::constant;
  spec.mean_ns = static_cast<TimeNs>(ms * kNsPerMs);
  spec.stddev_ns = spec.floor_ns = 0;
  return spec;
}

LatencySpec exponential_ms(double mean_ms) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::exponential;
  spec.mean_ns = static_cast<TimeNs>(mean_ms * kNsPerMs);
  spec.stddev_ns = spec.floor_ns = 0;
  return spec;
}

TEST(Latency, ParetoMeanAndQuantilesMatchTheory) {
  // shape 3: finite variance, so the sample mean converges; mean = scale * 3/2.
  const auto v = draws_ms(pareto(1.0, 3.0), 11);
  EXPECT_NEAR(mean(v), 1.5, 0.02);
  // Quantile q is scale * (1 - q)^(-1/shape).
  EXPECT_NEAR(quantile(v, 0.5), std::pow(0.5, -1.0 / 3), 0.01);
  EXPECT_NEAR(quantile(v, 0.99), std::pow(0.01, -1.0 / 3), 0.1);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 1.0) << "never below the scale";
}

TEST(Latency, ParetoHeavyTailIsClampedNotOverflowed) {
  Rng rng(3);
  for (int i = 0; i < 10'000; ++i) {
    const TimeNs ns = sample_latency(pareto(1.0, 0.01), rng);
    EXPECT_GE(ns, kNsPerMs);
    EXPECT_LE(ns, static_cast<TimeNs>(1e15));
  }
}

TEST(Latency, FloorAppliesToParetoAndMixtures) {
  LatencySpec p = pareto(0.1, 2.0);
  p.floor_ns = 5 * kNsPerMs;
  const auto v = draws_ms(p, 5, 10'000);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), 5.0);
}

TEST(Latency, MixtureDrawsComponentsInProportionToTheirWeights) {
  LatencySpec m;
  m.dist = LatencySpec::Dist::mixture;
  m.mean_ns = m.stddev_ns = m.floor_ns = 0;
  m.components = {constant_ms(1), constant_ms(10), exponential_ms(100)};
  m.weights = {6, 3, 1};
  const auto v = draws_ms(m, 17);
  const auto count = [&](double ms) { return std::count(v.begin(), v.end(), ms); };
  // Binomial standard error at 200k draws is about 0.0011; allow 5 of them.
  EXPECT_NEAR(static_cast<double>(count(1.0)) / kDraws, 0.6, 0.006);
  EXPECT_NEAR(static_cast<double>(count(10.0)) / kDraws, 0.3, 0.006);
  EXPECT_NEAR(mean(v), 0.6 * 1 + 0.3 * 10 + 0.1 * 100, 0.5);
}

// The draws of the distributions that existed before mixtures and Pareto are unchanged: a
// mixture of one component draws one uniform, then exactly what the component alone draws.
TEST(Latency, OneComponentMixtureIsTheComponentAfterOneUniform) {
  LatencySpec normal;  // the default: same-dc
  LatencySpec m;
  m.dist = LatencySpec::Dist::mixture;
  m.mean_ns = m.stddev_ns = m.floor_ns = 0;
  m.components = {normal};
  m.weights = {1};
  Rng a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    b.unit();
    ASSERT_EQ(sample_latency(m, a), sample_latency(normal, b));
  }
}

TEST(Latency, ExponentialMeanHolds) { EXPECT_NEAR(mean(draws_ms(exponential_ms(1), 9)), 1.0, 0.01); }

NetworkSpec typed_network() {
  NetworkSpec spec;
  spec.latency = constant_ms(1);
  spec.latency_by_type = {{"Write", constant_ms(2)}, {"Read", constant_ms(3)}};
  LinkSpec slow_link;  // n0 -> n2: its own latency for every type but Read, which has its own
  slow_link.from = {0};
  slow_link.to = {2};
  slow_link.latency = constant_ms(7);
  slow_link.latency_by_type = {{"Read", constant_ms(9)}};
  spec.links = {slow_link};
  spec.reorder = 1.0;  // no FIFO clamping: each delivery time is its own draw
  return spec;
}

TEST(Latency, MessageTypesRouteToTheirOwnLatency) {
  Network net(typed_network(), 3, Rng(1));
  const auto at = [&](NodeId from, NodeId to, std::string_view type) {
    return net.route(from, to, 0, type).deliver_at_ns / kNsPerMs;
  };
  EXPECT_EQ(at(0, 1, "Ping"), 1) << "a type without an entry takes the network latency";
  EXPECT_EQ(at(0, 1, "Write"), 2);
  EXPECT_EQ(at(1, 0, "Read"), 3);
  EXPECT_EQ(at(0, 2, "Write"), 7) << "a link's latency is more specific than a network-wide type";
  EXPECT_EQ(at(0, 2, "Read"), 9) << "a link's own type entry is the most specific";
  EXPECT_EQ(at(2, 0, "Read"), 3) << "links are directed";
}

TEST(Latency, NetworkFaultLatencyHoldsForEveryType) {
  Network net(typed_network(), 3, Rng(1));
  net.set_override(1, Network::Override{std::nullopt, std::nullopt, std::nullopt, constant_ms(5)});
  EXPECT_EQ(net.route(0, 1, 0, "Write").deliver_at_ns, 5 * kNsPerMs);
  EXPECT_EQ(net.route(0, 2, 0, "Read").deliver_at_ns, 5 * kNsPerMs);
  net.clear_override(1);
  EXPECT_EQ(net.route(0, 1, 0, "Write").deliver_at_ns, 2 * kNsPerMs);
}

// The PBS model's W, A, R, S delays: exponential, W at rate 4 per ms, the others mean 1 ms.
TEST(Latency, PbsDelaysHaveTheirMeans) {
  NetworkSpec spec;
  spec.latency = exponential_ms(1);
  spec.latency_by_type = {{"Write", exponential_ms(0.25)}, {"WriteAck", exponential_ms(1)},
                          {"Read", exponential_ms(1)}, {"ReadReply", exponential_ms(1)}};
  spec.reorder = 1.0;
  Network net(spec, 2, Rng(23));
  for (const auto& [type, want_ms] : {std::pair<std::string_view, double>{"Write", 0.25}, {"WriteAck", 1.0},
                                      {"Read", 1.0}, {"ReadReply", 1.0}}) {
    double sum = 0;
    constexpr int kN = 50'000;
    for (int i = 0; i < kN; ++i) sum += static_cast<double>(net.route(0, 1, 0, type).deliver_at_ns);
    EXPECT_NEAR(sum / kN / kNsPerMs, want_ms, want_ms * 0.03) << type;
  }
}

}  // namespace
}  // namespace dsim
