#include "sim/check/memo.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace dsim::check {

namespace {

constexpr std::size_t kChunkBytes = 1 << 20;
constexpr std::size_t kTableSlotsMin = 1024;

}  // namespace

Memo::Memo(std::size_t bitset_words, std::size_t state_words)
    : bitset_words_(bitset_words),
      stride_(bitset_words + state_words),
      records_per_chunk_(std::max<std::size_t>(1, kChunkBytes / (8 * stride_))) {
  assert(stride_ > 0);
}

std::int64_t Memo::bytes() const {
  const auto chunk_bytes = static_cast<std::int64_t>(records_per_chunk_ * stride_ * 8);
  return static_cast<std::int64_t>(chunks_.size()) * chunk_bytes +
         static_cast<std::int64_t>(slots_.size() * sizeof(Slot));
}

std::uint64_t* Memo::record(std::uint32_t index) {
  return chunks_[index / records_per_chunk_].get() + (index % records_per_chunk_) * stride_;
}

bool Memo::equals(std::uint32_t index, std::span<const std::uint64_t> linearized,
                  std::span<const Word> state) {
  // Records are a few words: a plain loop beats a call to memcmp.
  const std::uint64_t* words = record(index);
  for (std::size_t i = 0; i < bitset_words_; i++) {
    if (words[i] != linearized[i]) return false;
  }
  for (std::size_t i = 0; i < state.size(); i++) {
    if (words[bitset_words_ + i] != static_cast<std::uint64_t>(state[i])) return false;
  }
  return true;
}

bool Memo::grow_table(std::int64_t bytes_max) {
  const std::size_t size = std::max(kTableSlotsMin, slots_.size() * 2);
  if (bytes() + static_cast<std::int64_t>(size * sizeof(Slot)) > bytes_max) return false;
  std::vector<Slot> slots(size);
  for (const Slot& slot : slots_) {
    if (slot.record == 0) continue;
    std::size_t at = slot.hash & (size - 1);
    while (slots[at].record != 0) at = (at + 1) & (size - 1);
    slots[at] = slot;
  }
  slots_ = std::move(slots);
  return true;
}

bool Memo::insert(std::uint64_t hash, std::span<const std::uint64_t> linearized,
                  std::span<const Word> state, std::int64_t bytes_max) {
  assert(linearized.size() == bitset_words_ && state.size() == stride_ - bitset_words_);
  // Keep the load at most one half, so probes stay short.
  if ((static_cast<std::size_t>(count_) + 1) * 2 > slots_.size() && !grow_table(bytes_max)) {
    full_ = true;
    return false;
  }
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = hash & mask;
  for (; slots_[at].record != 0; at = (at + 1) & mask) {
    if (slots_[at].hash == hash && equals(slots_[at].record - 1, linearized, state)) return false;
  }
  if (count_ % records_per_chunk_ == 0) {
    const auto chunk_bytes = static_cast<std::int64_t>(records_per_chunk_ * stride_ * 8);
    if (bytes() + chunk_bytes > bytes_max || count_ == UINT32_MAX - 1) {
      full_ = true;
      return false;
    }
    chunks_.push_back(std::make_unique_for_overwrite<std::uint64_t[]>(records_per_chunk_ * stride_));
  }
  std::uint64_t* words = record(count_);
  std::memcpy(words, linearized.data(), bitset_words_ * 8);
  std::memcpy(words + bitset_words_, state.data(), state.size() * 8);
  slots_[at] = Slot{hash, ++count_};
  return true;
}

}  // namespace dsim::check
