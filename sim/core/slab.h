// A slab of values addressed by slot number, with slot reuse: how in-flight messages are kept
// while the event queue holds only their slot. Reuse order is deterministic (last freed first).
#pragma once

#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace dsim {

template <class T>
class Slab {
 public:
  std::uint64_t put(T value) {
    if (!free_.empty()) {
      const std::uint64_t slot = free_.back();
      free_.pop_back();
      slots_[slot] = std::move(value);
      return slot;
    }
    slots_.push_back(std::move(value));
    return slots_.size() - 1;
  }
  T& operator[](std::uint64_t slot) {
    assert(slot < slots_.size());
    return slots_[slot];
  }
  const T& operator[](std::uint64_t slot) const {
    assert(slot < slots_.size());
    return slots_[slot];
  }
  // Removes the value and frees its slot.
  T take(std::uint64_t slot) {
    assert(slot < slots_.size());
    T value = std::move(slots_[slot]);
    slots_[slot] = T{};
    free_.push_back(slot);
    return value;
  }

  // Values held now (slots put and not yet taken).
  std::size_t size() const { return slots_.size() - free_.size(); }
  // Every slot, in slot order; a freed slot holds T{}. For rare whole-slab reports only.
  const std::vector<T>& slots() const { return slots_; }

 private:
  std::vector<T> slots_;
  std::vector<std::uint64_t> free_;
};

}  // namespace dsim
