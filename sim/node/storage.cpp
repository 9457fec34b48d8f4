#include "sim/node/storage.h"

#include <cassert>

#include "sim/core/hash.h"

namespace dsim {

Storage::Storage(const Storage& other) : slots_(other.slots_), sync_count_(other.sync_count_) {
  for (auto it = slots_.begin(); it != slots_.end(); ++it) {
    if (it->second.dirty) dirty_.push_back(it);
  }
}

Storage& Storage::operator=(const Storage& other) {
  if (this != &other) *this = Storage(other);
  return *this;
}

const std::string* Storage::find(std::string_view key) const {
  auto it = slots_.find(key);
  return it == slots_.end() ? nullptr : it->second.visible();
}

std::optional<std::string> Storage::get(std::string_view key) const {
  const std::string* value = find(key);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

Storage::Slot& Storage::slot(std::string_view key) {
  // Logs append keys in increasing order: one comparison with the last key instead of a walk
  // down the tree.
  auto it = !slots_.empty() && std::prev(slots_.end())->first < key ? slots_.end() : slots_.lower_bound(key);
  if (it == slots_.end() || it->first != key) it = slots_.emplace_hint(it, std::string(key), Slot{});
  if (!it->second.dirty) {
    it->second.dirty = true;
    dirty_.push_back(it);
  }
  return it->second;
}

void Storage::put(std::string_view key, std::string value) { slot(key).pending = std::move(value); }

void Storage::erase(std::string_view key) { slot(key).pending.reset(); }

void Storage::erase_range(std::string_view from, std::string_view to) {
  // Every slot is durable or dirty, so every key in the range gets a pending erase.
  for (auto it = slots_.lower_bound(from); it != slots_.end() && it->first < to; ++it) {
    if (!it->second.dirty) {
      it->second.dirty = true;
      dirty_.push_back(it);
    }
    it->second.pending.reset();
  }
}

void Storage::drop_if_empty(Slots::iterator it) {
  assert(!it->second.dirty);
  if (!it->second.durable) slots_.erase(it);
}

void Storage::sync() {
  for (auto it : dirty_) {
    Slot& s = it->second;
    assert(s.dirty);
    s.durable = std::move(s.pending);
    s.pending.reset();
    s.dirty = false;
    drop_if_empty(it);
  }
  dirty_.clear();
  ++sync_count_;
}

void Storage::lose_unsynced() {
  for (auto it : dirty_) {
    Slot& s = it->second;
    assert(s.dirty);
    s.pending.reset();
    s.dirty = false;
    drop_if_empty(it);
  }
  dirty_.clear();
}

void Storage::wipe() {
  dirty_.clear();
  slots_.clear();
}

std::map<std::string, std::string> Storage::durable() const {
  std::map<std::string, std::string> out;
  for (const auto& [key, s] : slots_) {
    if (s.durable) out.emplace_hint(out.end(), key, *s.durable);
  }
  return out;
}

// The durable layer in key order, then the pending one: the same value the two-map layout gave.
std::uint64_t Storage::digest() const {
  std::uint64_t h = 0;
  for (const auto& [key, s] : slots_) {
    if (s.durable) h = hash_combine(hash_combine(h, hash_bytes(key)), hash_bytes(*s.durable));
  }
  for (const auto& [key, s] : slots_) {
    if (s.dirty) h = hash_combine(hash_combine(h, hash_bytes(key)), s.pending ? hash_bytes(*s.pending) : 1);
  }
  return h;
}

}  // namespace dsim
