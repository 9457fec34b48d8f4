// A map from 64-bit keys to small values, for state looked up on every event and never iterated
// (so its layout, which depends on the hash, can shape nothing). Open addressing with linear
// probing in one array: a lookup touches one cache line in the common case, where a node-based
// std::unordered_map touches the bucket array and then each node of the chain, each a miss once
// the table outgrows the cache.
#pragma once

#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/core/hash.h"

namespace dsim {

template <class V>
class FlatMap {
 public:
  // The reserved key that marks an empty slot; callers never use it.
  static constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};

  V* find(std::uint64_t key) {
    assert(key != kEmptyKey);
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmptyKey) return nullptr;
    }
  }

  // Inserts `value` under a key not yet present; the reference is valid until the next insert.
  V& insert(std::uint64_t key, V value) {
    assert(key != kEmptyKey && !find(key));
    if ((size_ + 1) * kLoadDen > slots_.size() * kLoadNum) grow();
    ++size_;
    return place(key, std::move(value));
  }

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t key = kEmptyKey;
    V value{};
  };
  // At most 3/4 full, so probe runs stay short.
  static constexpr std::size_t kLoadNum = 3, kLoadDen = 4;
  static constexpr std::size_t kSlotsMin = 16;

  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)) & mask(); }

  V& place(std::uint64_t key, V value) {
    std::size_t i = home(key);
    while (slots_[i].key != kEmptyKey) i = (i + 1) & mask();
    slots_[i] = Slot{key, std::move(value)};
    return slots_[i].value;
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? kSlotsMin : old.size() * 2, Slot{});
    assert((slots_.size() & mask()) == 0 && "a power of two");
    for (Slot& s : old) {
      if (s.key != kEmptyKey) place(s.key, std::move(s.value));
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace dsim
