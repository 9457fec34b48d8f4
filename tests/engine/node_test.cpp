// Node-level mechanisms: local clocks and durable storage.
#include <algorithm>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/node/clock.h"
#include "sim/node/storage.h"

namespace dsim {
namespace {

TEST(LocalClock, OffsetAndDriftFollowTheFormula) {
  LocalClock c(5 * kNsPerMs, 100);  // +5 ms, 100 ppm fast
  EXPECT_EQ(c.local_at(0), 5 * kNsPerMs);
  EXPECT_EQ(c.local_at(kNsPerSec), 5 * kNsPerMs + kNsPerSec + 100 * kNsPerUs);
}

TEST(LocalClock, StepsAndResync) {
  LocalClock c(0, 0);
  c.step(kNsPerSec, -200 * kNsPerMs);
  EXPECT_EQ(c.local_at(kNsPerSec), 800 * kNsPerMs);
  EXPECT_EQ(c.local_at(2 * kNsPerSec), 1800 * kNsPerMs);
  c.resync(2 * kNsPerSec);
  EXPECT_EQ(c.local_at(3 * kNsPerSec), 3 * kNsPerSec);
}

// A local clock moves only as its drift and steps say: between changes, local time advances by
// exactly elapsed * (1 + drift * 1e-6), rounded down; and true_at inverts local_at.
RC_GTEST_PROP(LocalClock, MovesOnlyAsDriftAndStepsSay,
              (std::int32_t offset_us, std::vector<std::tuple<std::uint32_t, std::int32_t, bool>> changes)) {
  const auto drift0 = *rc::gen::inRange<std::int64_t>(-LocalClock::kDriftPpmLimit, LocalClock::kDriftPpmLimit + 1);
  LocalClock c(offset_us * kNsPerUs, drift0);
  TimeNs now = 0;
  TimeNs base_local = c.local_at(0);
  TimeNs base_true = 0;
  for (const auto& [gap_us, amount, is_step] : changes) {
    const TimeNs next = now + static_cast<TimeNs>(gap_us % 10'000'000) * kNsPerUs;
    const __int128 elapsed = next - base_true;
    const __int128 drift_part = elapsed * c.drift_ppm();
    __int128 q = drift_part / 1'000'000;
    if (drift_part % 1'000'000 != 0 && drift_part < 0) --q;
    RC_ASSERT(c.local_at(next) == static_cast<TimeNs>(base_local + elapsed + q));
    // Monotonic between changes.
    RC_ASSERT(c.local_at(next) >= c.local_at(now));
    // true_at is the earliest true time reaching a local reading.
    const TimeNs target = c.local_at(next);
    const TimeNs t = c.true_at(target);
    RC_ASSERT(c.local_at(t) >= target);
    if (t > now) RC_ASSERT(c.local_at(t - 1) < target);
    now = next;
    if (is_step) {
      c.step(now, static_cast<TimeNs>(amount) * kNsPerUs);
    } else {
      c.set_drift(now, amount % (LocalClock::kDriftPpmLimit + 1));
    }
    base_local = c.local_at(now);
    base_true = now;
  }
}

// Without drift (the common case, with a fast path) local time is true time plus the offset,
// and true_at is its exact inverse, clamped at the run's end of time.
RC_GTEST_PROP(LocalClock, WithoutDriftIsAnOffset, (std::int32_t offset_us, std::uint32_t at_us, std::int64_t local_ns)) {
  const TimeNs offset_ns = static_cast<TimeNs>(offset_us) * kNsPerUs;
  const TimeNs at_ns = static_cast<TimeNs>(at_us) * kNsPerUs;
  const LocalClock c(offset_ns, 0);
  RC_ASSERT(c.local_at(at_ns) == offset_ns + at_ns);
  RC_ASSERT(c.true_at(offset_ns + at_ns) == at_ns);
  const __int128 expected = std::max<__int128>(0, static_cast<__int128>(local_ns) - offset_ns);
  RC_ASSERT(c.true_at(local_ns) == (expected > kTimeNever ? kTimeNever : static_cast<TimeNs>(expected)));
}

TEST(Storage, ReadsSeeUnsyncedWrites) {
  Storage s;
  s.put("a", "1");
  EXPECT_EQ(s.get("a"), "1");
  EXPECT_EQ(s.unsynced_count(), 1u);
  s.sync();
  EXPECT_EQ(s.unsynced_count(), 0u);
  EXPECT_EQ(s.durable().at("a"), "1");
}

TEST(Storage, LosingUnsyncedWritesKeepsTheSyncedOnes) {
  Storage s;
  s.put("a", "1");
  s.sync();
  s.put("a", "2");
  s.put("b", "3");
  s.erase("a");
  s.lose_unsynced();
  EXPECT_EQ(s.get("a"), "1");
  EXPECT_FALSE(s.get("b"));
}

TEST(Storage, WipeLosesEverything) {
  Storage s;
  s.put("a", "1");
  s.sync();
  s.wipe();
  EXPECT_FALSE(s.get("a"));
}

TEST(Storage, ScanPrefixMergesPendingWrites) {
  Storage s;
  s.put("log/1", "a");
  s.put("log/2", "b");
  s.sync();
  s.put("log/3", "c");
  s.erase("log/1");
  s.put("other", "x");
  std::vector<std::string> seen;
  s.scan_prefix("log/", [&](const std::string& k, const std::string& v) { seen.push_back(k + "=" + v); });
  EXPECT_EQ(seen, (std::vector<std::string>{"log/2=b", "log/3=c"}));
  s.erase_range("log/2", "log/4");
  seen.clear();
  s.scan_prefix("log/", [&](const std::string& k, const std::string& v) { seen.push_back(k + "=" + v); });
  EXPECT_TRUE(seen.empty());
}

TEST(Storage, CopiesKeepTheirOwnPendingWrites) {
  Storage s;
  s.put("a", "1");
  s.sync();
  s.put("b", "2");
  s.erase("a");
  Storage copy = s;
  copy.sync();
  EXPECT_EQ(copy.durable(), (std::map<std::string, std::string>{{"b", "2"}}));
  EXPECT_EQ(s.unsynced_count(), 2u);  // the original is untouched
  s.lose_unsynced();
  EXPECT_EQ(s.durable(), (std::map<std::string, std::string>{{"a", "1"}}));
  copy = s;
  EXPECT_EQ(copy.get("a"), "1");
  EXPECT_EQ(copy.unsynced_count(), 0u);
}

TEST(Storage, WritesBeforeTheLastKeyLandInOrder) {
  Storage s;
  for (const char* k : {"log/3", "log/5", "log/1", "log/4", "hard", "log/2"}) s.put(k, k);
  std::vector<std::string> seen;
  s.scan_prefix("log/", [&](const std::string& k, const std::string&) { seen.push_back(k); });
  EXPECT_EQ(seen, (std::vector<std::string>{"log/1", "log/2", "log/3", "log/4", "log/5"}));
}

// Durable state equals replaying exactly the synced prefix of writes.
RC_GTEST_PROP(Storage, CrashKeepsExactlyTheSyncedWrites, (std::vector<std::tuple<std::uint8_t, std::uint8_t, bool>> ops)) {
  Storage s;
  std::map<std::string, std::string> synced, current;
  for (const auto& [key, value, sync] : ops) {
    const std::string k = std::to_string(key % 8);
    if (value % 5 == 0) {
      s.erase(k);
      current.erase(k);
    } else {
      s.put(k, std::to_string(value));
      current[k] = std::to_string(value);
    }
    if (sync) {
      s.sync();
      synced = current;
    }
  }
  for (const auto& [k, v] : current) RC_ASSERT(s.get(k) == v);
  s.lose_unsynced();
  RC_ASSERT(s.durable() == synced);
  for (int k = 0; k < 8; ++k) {
    auto it = synced.find(std::to_string(k));
    RC_ASSERT(s.get(std::to_string(k)) == (it == synced.end() ? std::nullopt : std::optional<std::string>(it->second)));
  }
}

}  // namespace
}  // namespace dsim
