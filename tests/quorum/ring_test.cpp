// The shared quorum machinery: ring placement and quorum waits.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "protocols/quorum/quorum_wait.h"
#include "protocols/quorum/ring.h"

namespace dsim::quorum {
namespace {

TEST(Ring, PreferenceListsAreDistinctNodes) {
  const Ring ring(5, 8);
  EXPECT_EQ(ring.tokens().size(), 40u);
  for (int k = 0; k < 200; ++k) {
    const auto key = fmt::format("k{}", k);
    const auto walk = ring.walk(key);
    ASSERT_EQ(walk.size(), 5u);
    EXPECT_EQ(std::set<NodeId>(walk.begin(), walk.end()).size(), 5u) << key;
    const auto list = ring.preference_list(key, 3);
    EXPECT_TRUE(std::equal(list.begin(), list.end(), walk.begin()));
    EXPECT_TRUE(ring.is_replica(key, 3, list[2]));
    EXPECT_FALSE(ring.is_replica(key, 3, walk[3]));
  }
}

TEST(Ring, PlacementIsDeterministicAndSpread) {
  const Ring a(5, 16), b(5, 16);
  ASSERT_EQ(a.tokens().size(), b.tokens().size());
  for (std::size_t i = 0; i < a.tokens().size(); ++i) EXPECT_EQ(a.tokens()[i].position, b.tokens()[i].position);
  // Each node is first for some keys: tokens come from a hash, not from node order.
  std::map<NodeId, int> first;
  for (int k = 0; k < 1000; ++k) ++first[a.walk(fmt::format("key-{}", k)).front()];
  ASSERT_EQ(first.size(), 5u);
  for (const auto& [node, count] : first) EXPECT_GT(count, 100) << node;
  // Adding a node moves only the keys it takes over (consistent hashing): at most ~1/6 + slack.
  const Ring bigger(6, 16);
  int moved = 0;
  for (int k = 0; k < 1000; ++k) {
    const auto key = fmt::format("key-{}", k);
    if (a.walk(key).front() != bigger.walk(key).front()) ++moved;
  }
  EXPECT_LT(moved, 300);
  EXPECT_GT(moved, 0);
}

TEST(Ring, SingleTokenRingWalksFromTheKeysPosition) {
  const Ring ring(3, 1);
  for (const auto& t : ring.tokens()) {
    // A position just at a token starts the walk at that token's node.
    EXPECT_EQ(ring.walk_from(t.position).front(), t.node);
  }
}

TEST(QuorumWait, ReachesAtNeededAnswers) {
  QuorumWait<int> wait({0, 1, 2}, 2, 100);
  EXPECT_EQ(wait.answer(0, 10), QuorumWait<int>::State::waiting);
  EXPECT_EQ(wait.answer(0, 11), QuorumWait<int>::State::waiting);  // a duplicate counts once
  EXPECT_EQ(wait.answer(7, 12), QuorumWait<int>::State::waiting);  // a stranger does not count
  EXPECT_EQ(wait.silent(), (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(wait.answer(2, 13), QuorumWait<int>::State::reached);
  EXPECT_EQ(wait.answers().at(0), 10);
}

TEST(QuorumWait, FailsWhenUnreachableOrExpired) {
  QuorumWait<int> wait({0, 1, 2}, 3, 100);
  EXPECT_EQ(wait.refuse(1), QuorumWait<int>::State::failed);
  QuorumWait<int> sloppy({0, 1, 2}, 3, 100);
  sloppy.refuse(1);
  sloppy.add_replica(3);  // a fallback stands in
  EXPECT_EQ(sloppy.state(), QuorumWait<int>::State::waiting);
  EXPECT_EQ(sloppy.expire(99), QuorumWait<int>::State::waiting);
  EXPECT_EQ(sloppy.expire(100), QuorumWait<int>::State::failed);
  EXPECT_EQ(majority(3), 2u);
  EXPECT_EQ(majority(4), 3u);
  EXPECT_EQ(majority(5), 3u);
}

}  // namespace
}  // namespace dsim::quorum

namespace dsim::quorum {
namespace {

// The placement the shipped scenarios rely on (they partition or crash a key's home replicas by
// name): a change to token placement must update them, and this test says so.
TEST(Ring, ShippedScenarioPlacement) {
  const Ring ring(5, 8);
  std::string shown;
  for (const char* key : {"k0", "k1", "k2", "k3"}) {
    shown += key;
    for (NodeId n : ring.walk(key)) shown += fmt::format(" {}", n);
    shown += ";";
  }
  std::cout << shown << "\n";
  EXPECT_EQ(shown, "k0 2 0 1 4 3;k1 3 0 4 2 1;k2 2 0 1 4 3;k3 0 4 1 3 2;");
}

}  // namespace
}  // namespace dsim::quorum
