// A node's durable storage: an ordered key-value store that survives crashes. Writes land in a
// pending layer (the OS page cache) and become durable at sync(). A plain crash keeps pending
// writes (the kernel still has them); a crash that loses unsynced writes (power loss) drops them;
// a wipe loses the disk entirely. The engine owns the Storage; a restarted node gets it back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/fields.h"

namespace dsim {

class Storage {
 public:
  Storage() = default;
  // Copies rebuild the dirty list, whose iterators point into their own map; moves keep it.
  Storage(const Storage& other);
  Storage& operator=(const Storage& other);
  Storage(Storage&&) noexcept = default;
  Storage& operator=(Storage&&) noexcept = default;

  // Reads see the newest write, synced or not, as a real file system does.
  std::optional<std::string> get(std::string_view key) const;
  void put(std::string_view key, std::string value);
  void erase(std::string_view key);
  // Erases every key in [from, to) — e.g. truncating a log stored one entry per key.
  void erase_range(std::string_view from, std::string_view to);
  // Makes every write so far durable.
  void sync();

  // Typed helpers over the field encoding (see core/fields.h).
  template <class T>
  void put_value(std::string_view key, const T& value) {
    put(key, fields::encode(value));
  }
  // False when the key is absent or its bytes do not decode as a T.
  template <class T>
  bool get_value(std::string_view key, T& value) const {
    const std::string* bytes = find(key);
    return bytes && fields::decode(*bytes, value);
  }

  // Calls f(key, value) for every key starting with `prefix`, in key order. `f` must not write
  // to this storage: the scan walks the live map.
  template <class F>
  void scan_prefix(std::string_view prefix, F&& f) const {
    for (auto it = slots_.lower_bound(prefix); it != slots_.end(); ++it) {
      if (std::string_view(it->first).substr(0, prefix.size()) != prefix) break;
      if (const std::string* value = it->second.visible()) f(it->first, *value);
    }
  }

  // ---- For the engine (fault injection) ----
  void lose_unsynced();
  void wipe();
  std::size_t unsynced_count() const { return dirty_.size(); }
  std::uint64_t sync_count() const { return sync_count_; }
  std::uint64_t digest() const;
  // The durable contents only, as a crash that loses unsynced writes would leave them. A copy:
  // for tests and tools, not the hot path.
  std::map<std::string, std::string> durable() const;

 private:
  // One key's durable value and, while it is dirty, its pending write (nullopt: an erase).
  // Invariant: every slot in the map is durable or dirty; sync and lose_unsynced drop the rest.
  struct Slot {
    std::optional<std::string> durable;
    std::optional<std::string> pending;
    bool dirty = false;
    const std::string* visible() const {
      const auto& v = dirty ? pending : durable;
      return v ? &*v : nullptr;
    }
  };
  using Slots = std::map<std::string, Slot, std::less<>>;

  // The newest value of `key`, or nullptr when it is absent or erased.
  const std::string* find(std::string_view key) const;
  Slot& slot(std::string_view key);  // found or inserted; marked dirty
  void drop_if_empty(Slots::iterator it);

  // One map for both layers: a write finds its key once, and sync moves values in place
  // instead of re-inserting every key into a second map.
  Slots slots_;
  std::vector<Slots::iterator> dirty_;  // slots with a pending write, each once
  std::uint64_t sync_count_ = 0;
};

}  // namespace dsim
