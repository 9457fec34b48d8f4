// Lowe's memo: the set of (linearized operations, model state) configurations the search has
// already explored. Reaching one again cannot lead anywhere new, so the search skips it.
//
// Entries are found by a 64-bit hash and then compared exactly, so a hash collision costs
// time, never a wrong verdict. Records live in fixed-size chunks so that memory grows in small
// steps and `bytes()` is a faithful bound for the caller's budget.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sim/check/value_table.h"

namespace dsim::check {

class Memo {
 public:
  Memo(std::size_t bitset_words, std::size_t state_words);

  // Adds the configuration; false when it was already present. Returns false and adds
  // nothing, setting `full()`, when adding would take the memo past `bytes_max`.
  bool insert(std::uint64_t hash, std::span<const std::uint64_t> linearized,
              std::span<const Word> state, std::int64_t bytes_max);

  bool full() const { return full_; }
  std::int64_t bytes() const;

 private:
  std::uint64_t* record(std::uint32_t index);
  bool equals(std::uint32_t index, std::span<const std::uint64_t> linearized,
              std::span<const Word> state);
  bool grow_table(std::int64_t bytes_max);

  std::size_t bitset_words_;
  std::size_t stride_;  // words per record: the bitset, then the state
  std::size_t records_per_chunk_;
  std::vector<std::unique_ptr<std::uint64_t[]>> chunks_;
  std::uint32_t count_ = 0;
  // Open addressing with linear probing; record 0 is empty, else record index + 1. Hash and
  // record side by side: one cache miss per probe.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t record = 0;
  };
  std::vector<Slot> slots_;
  bool full_ = false;
};

}  // namespace dsim::check
