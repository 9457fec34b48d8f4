#include "sim/node/storage.h"

#include "sim/core/hash.h"

namespace dsim {

std::optional<std::string> Storage::get(const std::string& key) const {
  if (auto it = pending_.find(key); it != pending_.end()) return it->second;
  if (auto it = durable_.find(key); it != durable_.end()) return it->second;
  return std::nullopt;
}

void Storage::put(const std::string& key, std::string value) { pending_[key] = std::move(value); }

void Storage::erase(const std::string& key) { pending_[key] = std::nullopt; }

void Storage::erase_range(const std::string& from, const std::string& to) {
  for (auto it = durable_.lower_bound(from); it != durable_.end() && it->first < to; ++it) {
    pending_[it->first] = std::nullopt;
  }
  for (auto it = pending_.lower_bound(from); it != pending_.end() && it->first < to; ++it) {
    it->second = std::nullopt;
  }
}

void Storage::sync() {
  for (auto& [key, value] : pending_) {
    if (value) {
      durable_[key] = std::move(*value);
    } else {
      durable_.erase(key);
    }
  }
  pending_.clear();
  ++sync_count_;
}

void Storage::wipe() {
  durable_.clear();
  pending_.clear();
}

std::map<std::string, std::string> Storage::merged_from(const std::string& prefix) const {
  std::map<std::string, std::string> out;
  for (auto it = durable_.lower_bound(prefix); it != durable_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace(it->first, it->second);
  }
  for (auto it = pending_.lower_bound(prefix); it != pending_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->second) {
      out[it->first] = *it->second;
    } else {
      out.erase(it->first);
    }
  }
  return out;
}

std::uint64_t Storage::digest() const {
  std::uint64_t h = 0;
  for (const auto& [key, value] : durable_) h = hash_combine(hash_combine(h, hash_bytes(key)), hash_bytes(value));
  for (const auto& [key, value] : pending_) {
    h = hash_combine(hash_combine(h, hash_bytes(key)), value ? hash_bytes(*value) : 1);
  }
  return h;
}

}  // namespace dsim
