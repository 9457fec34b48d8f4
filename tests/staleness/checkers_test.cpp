// The weak-consistency history checkers on hand-built histories: exact counts.
#include <gtest/gtest.h>

#include "sim/check/lost_writes.h"
#include "sim/check/staleness.h"
#include "tests/check/support.h"

namespace dsim::check {
namespace {

using testing::op;

Operation add(std::int64_t p, int element, std::int64_t t0, std::int64_t t1, OpType type = OpType::ok) {
  return op(p, "add", element, nullptr, type, t0, t1, "s");
}
Operation set_read(std::int64_t p, nlohmann::json elements, std::int64_t t0, std::int64_t t1) {
  return op(p, "read", nullptr, std::move(elements), OpType::ok, t0, t1, "s");
}
Operation put(std::int64_t p, const std::string& key, int v, std::int64_t t0, std::int64_t t1, OpType type = OpType::ok) {
  return op(p, "write", v, nullptr, type, t0, t1, key);
}
Operation get(std::int64_t p, const std::string& key, nlohmann::json v, std::int64_t t0, std::int64_t t1) {
  return op(p, "read", nullptr, std::move(v), OpType::ok, t0, t1, key);
}

TEST(LostWrites, AcknowledgedMissingIsLostUnacknowledgedPresentIsFine) {
  History h;
  h.ops = {add(0, 1, 0, 10), add(1, 2, 0, 10), add(2, 3, 5, 0, OpType::info), add(3, 4, 5, 12, OpType::fail),
           add(0, 5, 11, 20), set_read(0, {1, 3}, 30, 40), set_read(1, {1, 3, 5}, 30, 41)};
  const LostWritesResult r = check_lost_writes(h);
  EXPECT_EQ(r.keys, 1u);
  EXPECT_EQ(r.attempted, 5u);
  EXPECT_EQ(r.acknowledged, 3u);
  EXPECT_EQ(r.final_reads, 2u);
  EXPECT_EQ(r.lost, 1u);  // 2: in neither read; 5 is in one of them
  EXPECT_EQ(r.missing_somewhere, 2u);
  EXPECT_EQ(r.recovered, 1u);  // 3
  EXPECT_EQ(r.unexpected, 0u);
  ASSERT_EQ(r.lost_examples.size(), 1u);
  EXPECT_EQ(r.lost_examples[0]["element"], 2);
  EXPECT_TRUE(r.violated());
  EXPECT_FALSE(r.inconclusive());

  const LostWritesResult any = check_lost_writes(h, LostWritesOptions{LostWritesOptions::Mode::any});
  EXPECT_EQ(any.lost, 2u);
}

TEST(LostWrites, FailedOrNeverAddedElementsAreUnexpected) {
  History h;
  h.ops = {add(0, 1, 0, 10), add(1, 2, 0, 10, OpType::fail), set_read(0, {1, 2, 9}, 20, 30)};
  const LostWritesResult r = check_lost_writes(h);
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.unexpected, 2u);
  EXPECT_TRUE(r.violated());
}

TEST(LostWrites, ReadsBeforeTheLastAddAreNotFinal) {
  History h;
  // The read overlaps the add of 2, so it is not a final read: no final read at all.
  h.ops = {add(0, 1, 0, 10), add(1, 2, 15, 25), set_read(0, {1}, 20, 30)};
  const LostWritesResult r = check_lost_writes(h);
  EXPECT_EQ(r.final_reads, 0u);
  EXPECT_TRUE(r.inconclusive());
  EXPECT_EQ(r.keys_without_final_read, std::vector<std::string>{"s"});
  // A null read is the empty set: everything acknowledged is lost.
  h.ops.push_back(set_read(0, nullptr, 40, 50));
  EXPECT_EQ(check_lost_writes(h).lost, 2u);
}

TEST(Staleness, CountsAcknowledgedDefinitelyNewerVersions) {
  History h;
  h.ops = {put(0, "x", 1, 0, 10),  put(0, "x", 2, 20, 30), put(0, "x", 3, 40, 50),
           put(1, "x", 4, 45, 0, OpType::info),
           get(2, "x", 1, 60, 70),   // behind 2 and 3: k = 2
           get(2, "x", 3, 80, 90),   // fresh
           get(2, "x", nullptr, 35, 36),  // initial version: 1 and 2 acknowledged before: k = 2
           get(2, "x", 4, 100, 110),  // an unacknowledged write: nothing acknowledged is newer
           get(2, "x", 7, 100, 110)};  // nobody wrote 7
  const StalenessResult r = check_staleness(h);
  EXPECT_EQ(r.reads, 4u);
  EXPECT_EQ(r.stale, 2u);
  EXPECT_EQ(r.k_max, 2u);
  EXPECT_EQ(r.k_histogram.at(0), 2u);
  EXPECT_EQ(r.k_histogram.at(2), 2u);
  EXPECT_EQ(r.unexplained, 1u);
  EXPECT_DOUBLE_EQ(r.stale_share(), 0.5);
}

TEST(Staleness, ConcurrentWritesAreNotDefinitelyNewer) {
  History h;
  // 2 overlaps 1: a read of 1 after both is not behind 2 (1 may have been ordered last).
  h.ops = {put(0, "x", 1, 0, 10), put(1, "x", 2, 5, 15), get(2, "x", 1, 20, 30)};
  EXPECT_EQ(check_staleness(h).k_max, 0u);
  // Writing a value twice (or a cas) makes versions ambiguous: the key is skipped.
  h.ops.push_back(put(1, "x", 1, 40, 50));
  const StalenessResult r = check_staleness(h);
  EXPECT_EQ(r.reads, 0u);
  EXPECT_EQ(r.keys_skipped, 1u);
}

TEST(TVisibility, BucketsByTimeSinceAcknowledgement) {
  History h;
  h.ops = {put(0, "a", 1, 0, 10),  get(1, "a", 1, 10, 20),      // t = 0, visible
           put(0, "b", 2, 0, 10),  get(1, "b", nullptr, 10, 20),  // t = 0, not visible
           put(0, "c", 3, 0, 10),  get(1, "c", 3, 15, 25),      // t = 5: bucket 5
           put(0, "d", 4, 0, 10),  get(1, "d", nullptr, 40, 50),  // t = 30: bucket 5 (open)
           get(1, "e", nullptr, 0, 5)};                        // no write: unpaired
  const VisibilityResult r = check_t_visibility(h, {0, 5});
  ASSERT_EQ(r.buckets.size(), 2u);
  EXPECT_EQ(r.buckets[0].reads, 2u);
  EXPECT_EQ(r.buckets[0].visible, 1u);
  EXPECT_EQ(r.buckets[1].reads, 2u);
  EXPECT_EQ(r.buckets[1].visible, 1u);
  EXPECT_EQ(r.unpaired, 1u);
  EXPECT_DOUBLE_EQ(r.buckets[0].probability(), 0.5);
  EXPECT_LT(r.buckets[0].low, 0.5);
  EXPECT_GT(r.buckets[0].high, 0.5);
}

TEST(TVisibility, ANewerValueCountsAsVisible) {
  History h;
  h.ops = {put(0, "a", 1, 0, 10), put(1, "a", 2, 5, 12), get(2, "a", 2, 12, 20)};
  // Paired with write 2 (acknowledged last); and a read of 1 would be fine too: 1 overlaps 2.
  EXPECT_EQ(check_t_visibility(h, {0}).buckets[0].visible, 1u);
  h.ops[2].output = 1;
  EXPECT_EQ(check_t_visibility(h, {0}).buckets[0].visible, 1u);
  h.ops[1] = put(1, "a", 2, 11, 12);  // now 2 is definitely newer than 1
  EXPECT_EQ(check_t_visibility(h, {0}).buckets[0].visible, 0u);
}

TEST(Wilson, IntervalContainsTheEstimate) {
  const auto [low, high] = wilson_interval(94, 100);
  EXPECT_NEAR(low, 0.875, 0.005);
  EXPECT_NEAR(high, 0.972, 0.005);
  const auto [l1, h1] = wilson_interval(100, 100);
  EXPECT_LT(l1, 1.0);
  EXPECT_DOUBLE_EQ(h1, 1.0);
}

}  // namespace
}  // namespace dsim::check
