#include "sim/check/value_table.h"

#include <cassert>

namespace dsim::check {

Word ValueTable::intern(std::string_view text) {
  std::string key(text);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const Word id = static_cast<Word>(texts_.size());
  it = ids_.emplace(std::move(key), id).first;
  texts_.push_back(&it->first);
  observed_.push_back(false);
  // Node overhead estimated at 64 bytes; the point is a bound, not an exact figure.
  bytes_ += static_cast<std::int64_t>(text.size()) + 64 + static_cast<std::int64_t>(sizeof(void*));
  return id;
}

const std::string& ValueTable::text(Word id) const {
  assert(id >= 0 && static_cast<std::size_t>(id) < texts_.size());
  return *texts_[static_cast<std::size_t>(id)];
}

void ValueTable::observe(Word id) {
  assert(id >= 0 && static_cast<std::size_t>(id) < texts_.size());
  if (observed_[static_cast<std::size_t>(id)]) return;
  observed_[static_cast<std::size_t>(id)] = true;
  observed_texts_.insert(*texts_[static_cast<std::size_t>(id)]);
  bytes_ += 64;
}

std::size_t ValueTable::DerivedHash::operator()(const DerivedKey& key) const {
  std::uint64_t h = static_cast<std::uint64_t>(key.a) * 0x9e3779b97f4a7c15ULL;
  h ^= static_cast<std::uint64_t>(key.b) + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<std::uint64_t>(key.function) * 0xc2b2ae3d27d4eb4fULL;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

Word ValueTable::derived(std::int32_t function, Word a, Word b) const {
  if (observe_everything_) return kNone;  // results differ in that mode: no sharing
  auto it = derived_.find(DerivedKey{function, a, b});
  return it == derived_.end() ? kNone : it->second;
}

void ValueTable::set_derived(std::int32_t function, Word a, Word b, Word result) {
  if (observe_everything_) return;
  derived_[DerivedKey{function, a, b}] = result;
  bytes_ += 48;  // node and bucket, roughly
}

bool ValueTable::is_observed(Word id) const {
  if (observe_everything_) return true;
  return id >= 0 && static_cast<std::size_t>(id) < observed_.size() &&
         observed_[static_cast<std::size_t>(id)];
}

bool ValueTable::is_prefix_of_observed(std::string_view text) const {
  if (observe_everything_) return true;
  // The observed values that have `text` as a prefix sort right at or after it.
  auto it = observed_texts_.lower_bound(text);
  return it != observed_texts_.end() && it->starts_with(text);
}

}  // namespace dsim::check
