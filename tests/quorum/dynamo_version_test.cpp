// Dynamo's version reconciliation and Merkle trees, as pure functions.
#include <map>

#include <gtest/gtest.h>

#include "protocols/dynamo/merkle.h"
#include "protocols/dynamo/version.h"

namespace dsim::dynamo {
namespace {

Sibling s(int value, std::uint64_t ts, std::uint32_t origin, VectorClock clock = {}) {
  return Sibling{value, ts, origin, std::move(clock)};
}

TEST(DynamoVersion, LwwKeepsTheHighestTagWhateverTheOrder) {
  const Record a{{s(1, 10, 0)}}, b{{s(2, 20, 1)}}, c{{s(3, 20, 2)}};
  EXPECT_EQ(resolve(merge(a, b, Versioning::lww)), 2);
  EXPECT_EQ(resolve(merge(b, a, Versioning::lww)), 2);
  EXPECT_EQ(resolve(merge(b, c, Versioning::lww)), 3);  // equal ts: the coordinator id breaks the tie
  EXPECT_TRUE(covers(merge(a, b, Versioning::lww), a.siblings[0], Versioning::lww));
  EXPECT_FALSE(covers(a, b.siblings[0], Versioning::lww));
}

TEST(DynamoVersion, VectorClocksKeepConcurrentSiblingsAndDropAncestors) {
  EXPECT_EQ(compare({{0, 1}}, {{0, 1}, {1, 1}}), Order::before);
  EXPECT_EQ(compare({{0, 2}}, {{0, 1}, {1, 1}}), Order::concurrent);
  EXPECT_EQ(compare({{0, 1}, {1, 1}}, {{0, 1}}), Order::after);
  EXPECT_EQ(compare({}, {}), Order::equal);
  const Record x{{s(1, 5, 0, {{0, 1}})}}, y{{s(2, 6, 1, {{1, 1}})}};
  const Record both = merge(x, y, Versioning::vclock);
  ASSERT_EQ(both.siblings.size(), 2u);
  EXPECT_TRUE(covers(both, x.siblings[0], Versioning::vclock));
  EXPECT_TRUE(covers(both, y.siblings[0], Versioning::vclock));
  // A write that read both descends from both and replaces them.
  const Record z{{s(3, 7, 2, {{0, 1}, {1, 1}, {2, 1}})}};
  EXPECT_EQ(merge(both, z, Versioning::vclock).siblings.size(), 1u);
  EXPECT_EQ(context(both), (VectorClock{{0, 1}, {1, 1}}));
  // The known bug keeps one of the two.
  const Record dropped = merge(x, y, Versioning::vclock, true);
  EXPECT_EQ(dropped.siblings.size(), 1u);
  EXPECT_FALSE(covers(dropped, x.siblings[0], Versioning::vclock));
}

TEST(DynamoVersion, TheClientMergeUnionsSets) {
  const Record sets{{Sibling{nlohmann::json::array({1, 2}), 1, 0, {{0, 1}}}, Sibling{nlohmann::json::array({2, 3}), 2, 1, {{1, 1}}}}};
  EXPECT_EQ(resolve(sets), nlohmann::json::array({1, 2, 3}));
  EXPECT_EQ(resolve(Record{}), nullptr);
}

TEST(MerkleTree, DifferingSubtreesLeadToTheDifferingLeaves) {
  std::map<std::string, std::uint64_t> a, b;
  for (int i = 0; i < 500; ++i) a["key" + std::to_string(i)] = static_cast<std::uint64_t>(i);
  b = a;
  b["key42"] = 9999;
  const MerkleTree ta(a, 8), tb(b, 8);
  const MerkleTree same(a, 8);
  EXPECT_EQ(ta.hash(0, 0), same.hash(0, 0));
  EXPECT_NE(ta.hash(0, 0), tb.hash(0, 0));
  std::vector<TreeHash> level{{0, tb.hash(0, 0)}};
  std::vector<std::uint32_t> differ;
  for (std::uint32_t l = 0;; ++l) {
    differ = ta.differing(l, level);
    ASSERT_EQ(differ.size(), 1u) << "level " << l;  // exactly one path down
    if (l == 8) break;
    level = tb.children(l, differ);
  }
  EXPECT_EQ(differ.front(), MerkleTree::leaf_of("key42", 8));
  // Empty subtrees compare equal.
  EXPECT_EQ(MerkleTree({}, 4).hash(0, 0), 0u);
}

}  // namespace
}  // namespace dsim::dynamo
