// The network model: partitions, clogs, FIFO links, loss and duplication.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/fault/partition.h"
#include "sim/net/network.h"

namespace dsim {
namespace {

NetworkSpec constant_latency(TimeNs ns) {
  NetworkSpec spec;
  spec.latency.dist = LatencySpec::Dist::constant;
  spec.latency.mean_ns = ns;
  spec.latency.floor_ns = 0;
  return spec;
}

TEST(Network, PartitionsBlockOnlyTheirDirection) {
  Network net(constant_latency(kNsPerMs), 3, Rng(1));
  net.add_partition(7, LinkSet::one_way({0}, {1, 2}, 3));
  EXPECT_EQ(net.route(0, 1, 0).fate, Routing::Fate::blocked);
  EXPECT_EQ(net.route(1, 0, 0).fate, Routing::Fate::deliver);
  EXPECT_EQ(net.route(1, 2, 0).fate, Routing::Fate::deliver);
  net.add_partition(8, LinkSet::between_groups({{0, 1}, {2}}, 3));
  net.remove_partition(7);
  EXPECT_EQ(net.route(0, 1, 0).fate, Routing::Fate::deliver);
  EXPECT_EQ(net.route(2, 0, 0).fate, Routing::Fate::blocked);
  net.heal();
  EXPECT_EQ(net.route(2, 0, 0).fate, Routing::Fate::deliver);
}

TEST(Network, OverlappingPartitionsCountPerLink) {
  Network net(constant_latency(kNsPerMs), 2, Rng(1));
  net.add_partition(1, LinkSet::listed({{0, 1}}));
  net.add_partition(2, LinkSet::listed({{0, 1}}));
  net.remove_partition(1);
  EXPECT_TRUE(net.blocked(0, 1));
  net.remove_partition(2);
  EXPECT_FALSE(net.blocked(0, 1));
}

TEST(Network, ClogsReleaseOnlyTheLinksThatOpen) {
  Network net(constant_latency(kNsPerMs), 3, Rng(1));
  net.add_clog(1, LinkSet::touching({0}, 3));
  net.add_clog(2, LinkSet::listed({{0, 1}}));
  EXPECT_TRUE(net.clogged(0, 1));
  net.remove_clog(1);
  EXPECT_TRUE(net.clogged(0, 1)) << "still held by the other clog";
  EXPECT_FALSE(net.clogged(1, 0));
  net.add_clog(3, LinkSet::touching({2}, 3));
  net.release_clogs(LinkSet::one_way({2}, {0}, 3));
  EXPECT_FALSE(net.clogged(2, 0)) << "released";
  EXPECT_TRUE(net.clogged(0, 2)) << "the other direction is still held";
  net.release_all_clogs();
  EXPECT_FALSE(net.clogged(0, 1));
  EXPECT_FALSE(net.clogged(0, 2));
}

// Without reordering, a link delivers in send order whatever the latency draws.
RC_GTEST_PROP(Network, LinksAreFifoUnlessReordering, (std::uint64_t seed, std::vector<std::uint8_t> gaps)) {
  NetworkSpec spec;
  spec.latency.dist = LatencySpec::Dist::exponential;
  spec.latency.mean_ns = kNsPerMs;
  Network net(spec, 2, Rng(seed));
  TimeNs now = 0, last = 0;
  for (auto gap : gaps) {
    now += gap * kNsPerUs;
    const Routing r = net.route(0, 1, now);
    RC_ASSERT(r.fate == Routing::Fate::deliver);
    RC_ASSERT(r.deliver_at_ns > now);
    RC_ASSERT(r.deliver_at_ns >= last);
    last = r.deliver_at_ns;
  }
}

TEST(Network, LossAndDuplicationFollowTheirProbabilities) {
  NetworkSpec spec = constant_latency(kNsPerMs);
  spec.loss = 0.2;
  spec.duplicate = 0.1;
  Network net(spec, 2, Rng(9));
  int lost = 0, dup = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const Routing r = net.route(0, 1, 0);
    lost += r.fate == Routing::Fate::lost;
    dup += r.duplicate_at_ns.has_value();
  }
  EXPECT_NEAR(lost / double(n), 0.2, 0.01);
  EXPECT_NEAR(dup / double(n - lost), 0.1, 0.01);
}

TEST(Network, LatencyHasItsFloorAndMean) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::lognormal;
  spec.mean_ns = 10 * kNsPerMs;
  spec.stddev_ns = 5 * kNsPerMs;
  spec.floor_ns = 2 * kNsPerMs;
  Rng rng(4);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const TimeNs ns = sample_latency(spec, rng);
    ASSERT_GE(ns, spec.floor_ns);
    sum += static_cast<double>(ns);
  }
  EXPECT_NEAR(sum / 100000 / kNsPerMs, 10.0, 0.3);
}

}  // namespace
}  // namespace dsim
