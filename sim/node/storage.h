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

#include "sim/core/fields.h"

namespace dsim {

class Storage {
 public:
  // Reads see the newest write, synced or not, as a real file system does.
  std::optional<std::string> get(const std::string& key) const;
  void put(const std::string& key, std::string value);
  void erase(const std::string& key);
  // Erases every key in [from, to) — e.g. truncating a log stored one entry per key.
  void erase_range(const std::string& from, const std::string& to);
  // Makes every write so far durable.
  void sync();

  // Typed helpers over the field encoding (see core/fields.h).
  template <class T>
  void put_value(const std::string& key, const T& value) {
    put(key, fields::encode(value));
  }
  // False when the key is absent or its bytes do not decode as a T.
  template <class T>
  bool get_value(const std::string& key, T& value) const {
    const auto bytes = get(key);
    return bytes && fields::decode(*bytes, value);
  }

  // Calls f(key, value) for every key starting with `prefix`, in key order.
  template <class F>
  void scan_prefix(const std::string& prefix, F&& f) const {
    for (const auto& [key, value] : merged_from(prefix)) {
      if (key.compare(0, prefix.size(), prefix) != 0) break;
      f(key, value);
    }
  }

  // ---- For the engine (fault injection) ----
  void lose_unsynced() { pending_.clear(); }
  void wipe();
  std::size_t unsynced_count() const { return pending_.size(); }
  std::uint64_t sync_count() const { return sync_count_; }
  std::uint64_t digest() const;
  // The durable contents only, as a crash that loses unsynced writes would leave them.
  const std::map<std::string, std::string>& durable() const { return durable_; }

 private:
  std::map<std::string, std::string> merged_from(const std::string& prefix) const;

  std::map<std::string, std::string> durable_;
  // nullopt marks an erase that is not yet durable.
  std::map<std::string, std::optional<std::string>> pending_;
  std::uint64_t sync_count_ = 0;
};

}  // namespace dsim
