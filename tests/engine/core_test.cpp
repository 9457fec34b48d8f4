// The deterministic core: random streams, the event queue, the flat map, field encoding.
#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <set>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/core/event_queue.h"
#include "sim/core/fields.h"
#include "sim/core/flat_map.h"
#include "sim/core/rng.h"

namespace dsim {
namespace {

TEST(Rng, SameSeedAndPurposeGiveTheSameStream) {
  Rng a = Rng::derive(42, "network");
  Rng b = Rng::derive(42, "network");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, PurposesAndIndicesAreIndependentStreams) {
  std::set<std::uint64_t> firsts;
  for (std::uint64_t node = 0; node < 64; ++node) firsts.insert(Rng::derive(7, "node", node).next_u64());
  firsts.insert(Rng::derive(7, "network").next_u64());
  firsts.insert(Rng::derive(8, "network").next_u64());
  EXPECT_EQ(firsts.size(), 66u);
}

TEST(Rng, KnownValuesNeverChange) {
  // A fingerprint is only replayable forever if the generator is: pin its first outputs.
  Rng r(1);
  const std::uint64_t first = r.next_u64();
  Rng again(1);
  EXPECT_EQ(first, again.next_u64());
  EXPECT_EQ(Rng(1).next_u64(), first);
  EXPECT_NE(Rng(2).next_u64(), first);
}

RC_GTEST_PROP(Rng, BelowStaysInRange, (std::uint64_t seed, std::uint64_t bound)) {
  RC_PRE(bound > 0u);
  Rng r(seed);
  for (int i = 0; i < 100; ++i) RC_ASSERT(r.below(bound) < bound);
}

RC_GTEST_PROP(Rng, BetweenIsInclusive, (std::uint64_t seed, std::int32_t a, std::int32_t b)) {
  const std::int64_t lo = std::min(a, b), hi = std::max(a, b);
  Rng r(seed);
  for (int i = 0; i < 100; ++i) {
    const auto v = r.between(lo, hi);
    RC_ASSERT(v >= lo);
    RC_ASSERT(v <= hi);
  }
}

TEST(Rng, UnitAndChanceAreCalibrated) {
  Rng r(3);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += r.chance(0.25);
  EXPECT_NEAR(hits / 100000.0, 0.25, 0.01);
  EXPECT_FALSE(r.chance(0.0));
  EXPECT_TRUE(r.chance(1.0));
}

// Events pop in (time, scheduling order): exactly a stable sort of the pushes by time.
RC_GTEST_PROP(EventQueue, PopsInTimeThenSchedulingOrder, (std::vector<std::uint16_t> times)) {
  EventQueue q;
  for (std::size_t i = 0; i < times.size(); ++i) q.push(times[i], 0, 0, i);
  std::vector<std::size_t> expected(times.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i;
  std::stable_sort(expected.begin(), expected.end(), [&](auto a, auto b) { return times[a] < times[b]; });
  TimeNs last = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Event e = q.pop();
    RC_ASSERT(e.arg == expected[i]);
    RC_ASSERT(e.at_ns >= last);
    RC_ASSERT(q.now_ns() == e.at_ns);
    last = e.at_ns;
  }
  RC_ASSERT(q.empty());
}

// Interleaved pushes and pops, as a simulation does them: time never goes backwards.
RC_GTEST_PROP(EventQueue, TimeNeverGoesBackwards, (std::vector<std::pair<bool, std::uint16_t>> ops)) {
  EventQueue q;
  std::multimap<std::pair<TimeNs, std::uint64_t>, int> model;
  std::uint64_t seq = 0;
  for (const auto& [pop, delay] : ops) {
    if (pop && !q.empty()) {
      const TimeNs before = q.now_ns();
      const Event e = q.pop();
      RC_ASSERT(e.at_ns >= before);
      RC_ASSERT(e.at_ns == model.begin()->first.first);
      RC_ASSERT(e.seq == model.begin()->first.second);
      model.erase(model.begin());
    } else {
      q.push(q.now_ns() + delay, 0, 0, 0);
      model.emplace(std::make_pair(q.now_ns() + delay, seq++), 0);
    }
  }
}

// A simulation's mix: every step schedules a fixed-delay timeout (the queue's FIFO lane takes
// those) and a few short random delays. Long enough for the lane to compact many times; the
// order must still be exactly (time, scheduling order).
TEST(EventQueue, FixedDelayTimeoutsAmongShortDelaysKeepTheOrder) {
  EventQueue q;
  std::multimap<std::pair<TimeNs, std::uint64_t>, std::uint64_t> model;
  std::uint64_t seq = 0;
  Rng rng(7);
  auto push = [&](TimeNs at_ns) {
    q.push(at_ns, 0, 0, seq);
    model.emplace(std::make_pair(at_ns, seq), seq);
    ++seq;
  };
  for (int step = 0; step < 50'000; ++step) {
    push(q.now_ns() + 5'000);
    for (std::uint64_t n = rng.below(3); n > 0; --n) push(q.now_ns() + static_cast<TimeNs>(rng.below(100)));
    for (std::uint64_t n = 1 + rng.below(3); n > 0 && !q.empty(); --n) {
      ASSERT_EQ(q.size(), model.size());
      ASSERT_EQ(q.top().arg, model.begin()->second);
      const Event e = q.pop();
      ASSERT_EQ(e.arg, model.begin()->second);
      ASSERT_EQ(e.at_ns, model.begin()->first.first);
      model.erase(model.begin());
    }
  }
  while (!q.empty()) {
    ASSERT_EQ(q.pop().arg, model.begin()->second);
    model.erase(model.begin());
  }
  EXPECT_TRUE(model.empty());
}

struct Inner {
  std::string name;
  std::optional<std::int64_t> weight;
  DSIM_FIELDS(name, weight)
};
struct Outer {
  std::uint64_t term = 0;
  std::int32_t delta = 0;
  bool flag = false;
  std::vector<Inner> items;
  std::map<std::string, std::uint32_t> counts;
  DSIM_FIELDS(term, delta, flag, items, counts)
  bool operator==(const Outer& o) const {
    if (term != o.term || delta != o.delta || flag != o.flag || counts != o.counts || items.size() != o.items.size())
      return false;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].name != o.items[i].name || items[i].weight != o.items[i].weight) return false;
    }
    return true;
  }
};

// Any sequence of inserts and lookups (through every growth of the table) agrees with std::map.
RC_GTEST_PROP(FlatMap, AgreesWithStdMap, (std::vector<std::pair<bool, std::uint32_t>> ops)) {
  FlatMap<std::uint64_t> flat;
  std::map<std::uint64_t, std::uint64_t> reference;
  for (const auto& [insert, low] : ops) {
    // Keys shaped like link keys (from << 32 | to), from a small range so lookups hit.
    const std::uint64_t key = (static_cast<std::uint64_t>(low % 64) << 32) | (low % 4096);
    std::uint64_t* found = flat.find(key);
    const auto it = reference.find(key);
    RC_ASSERT((found != nullptr) == (it != reference.end()));
    if (found) {
      RC_ASSERT(*found == it->second);
      ++*found;
      ++it->second;
    } else if (insert) {
      flat.insert(key, low);
      reference.emplace(key, low);
    }
  }
  RC_ASSERT(flat.size() == reference.size());
}

RC_GTEST_PROP(Fields, EncodeDecodeRoundTrips,
              (std::uint64_t term, std::int32_t delta, bool flag, std::vector<std::string> names,
               std::map<std::string, std::uint32_t> counts)) {
  Outer o{term, delta, flag, {}, counts};
  for (std::size_t i = 0; i < names.size(); ++i) {
    o.items.push_back(Inner{names[i], i % 2 ? std::optional<std::int64_t>(-static_cast<std::int64_t>(i)) : std::nullopt});
  }
  Outer back;
  RC_ASSERT(fields::decode(fields::encode(o), back));
  RC_ASSERT(back == o);
  RC_ASSERT(fields::digest(back) == fields::digest(o));
}

TEST(Fields, TruncatedEncodingIsRejected) {
  Outer o{5, -3, true, {Inner{"abc", 4}}, {{"x", 1}}};
  const std::string bytes = fields::encode(o);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    Outer back;
    EXPECT_FALSE(fields::decode(std::string_view(bytes).substr(0, cut), back)) << "cut at " << cut;
  }
}

TEST(Fields, JsonNamesEveryField) {
  Outer o{5, -3, true, {Inner{"abc", std::nullopt}}, {{"x", 1}}};
  const auto j = fields::to_json(o);
  EXPECT_EQ(j["term"], 5);
  EXPECT_EQ(j["delta"], -3);
  EXPECT_EQ(j["items"][0]["name"], "abc");
  EXPECT_TRUE(j["items"][0]["weight"].is_null());
}

// json_text writes scalars itself; it must agree with dump() byte for byte, since storage
// encodings and fingerprints were made with dump().
void expect_json_text_matches_dump(const nlohmann::json& j) {
  std::string dumped;
  try {
    dumped = j.dump();
  } catch (const nlohmann::json::exception&) {
    RC_ASSERT_THROWS_AS(fields::json_text(j), nlohmann::json::exception);  // invalid UTF-8
    return;
  }
  RC_ASSERT(fields::json_text(j) == dumped);
}

RC_GTEST_PROP(Fields, JsonTextMatchesDump,
              (std::int64_t i, std::uint64_t u, bool b, double d, std::string s, std::vector<std::int32_t> items)) {
  for (const nlohmann::json& j : {nlohmann::json(i), nlohmann::json(u), nlohmann::json(b), nlohmann::json(d),
                                  nlohmann::json(s), nlohmann::json(items), nlohmann::json(nullptr),
                                  nlohmann::json{{"k", s}}}) {
    expect_json_text_matches_dump(j);
  }
}

TEST(Fields, JsonTextEscapesLikeDump) {
  for (const char* s : {"", "plain", "q\"uote", "back\\slash", "tab\t", "\x01", "\x7f", "caf\xc3\xa9"}) {
    EXPECT_EQ(fields::json_text(nlohmann::json(s)), nlohmann::json(s).dump()) << s;
  }
  EXPECT_EQ(fields::json_text(nlohmann::json(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
}

}  // namespace
}  // namespace dsim
