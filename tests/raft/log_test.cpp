// The Raft log's storage layout: keys that sort by index, and a log that reads back what it wrote.
#include <cstdint>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "protocols/raft/log.h"
#include "sim/node/storage.h"

namespace dsim::raft {
namespace {

// The key format is on "disk": it must stay "log/" and 20 zero-padded digits.
RC_GTEST_PROP(RaftLog, KeysAreZeroPaddedIndexes, (std::uint64_t index)) {
  RC_ASSERT(std::string(LogKey(index).view()) == fmt::format("log/{:020}", index));
}

TEST(RaftLog, KeysAtTheEdges) {
  EXPECT_EQ(LogKey(0).view(), "log/00000000000000000000");
  EXPECT_EQ(LogKey(std::numeric_limits<std::uint64_t>::max()).view(), "log/18446744073709551615");
}

TEST(RaftLog, ReloadsWhatItAppendedAndTruncated) {
  Storage storage;
  RaftLog log;
  for (std::uint64_t i = 1; i <= 12; ++i) {
    Entry e;
    e.term = 1 + i / 5;
    e.index = i;
    e.f = "write";
    e.value = i;
    log.append(storage, e);
  }
  log.truncate_from(storage, 10);
  storage.sync();
  RaftLog back;
  back.load(storage);
  ASSERT_EQ(back.last_index(), 9u);
  for (std::uint64_t i = 1; i <= 9; ++i) {
    EXPECT_EQ(back.term_at(i), log.term_at(i));
    EXPECT_EQ(back.prefix_at(i), log.prefix_at(i));
  }
}

}  // namespace
}  // namespace dsim::raft
