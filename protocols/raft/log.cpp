#include "protocols/raft/log.h"

#include <algorithm>
#include <cstring>

#include "sim/core/hash.h"

namespace dsim::raft {

namespace {
constexpr const char* kLogPrefix = "log/";
// Sorts after every "log/<20 digits>" key: the end of an erase_range over the log.
constexpr const char* kLogEnd = "log/~";
}  // namespace

LogKey::LogKey(std::uint64_t index) {
  std::memcpy(bytes_, kLogPrefix, 4);
  for (std::size_t i = sizeof bytes_; i > 4; --i) {
    bytes_[i - 1] = static_cast<char>('0' + index % 10);
    index /= 10;
  }
  assert(index == 0 && "20 digits hold every uint64");
}

void RaftLog::load(Storage& storage) {
  entries_.clear();
  digests_.clear();
  prefixes_.clear();
  bool gap = false;
  storage.scan_prefix(kLogPrefix, [&](const std::string&, const std::string& bytes) {
    if (gap) return;
    Entry e;
    const bool ok = fields::decode(bytes, e);
    assert(ok && "the log holds only entries this node encoded");
    if (!ok || e.index != entries_.size() + 1) {
      gap = true;
      return;
    }
    entries_.push_back(std::move(e));
  });
  // Drop whatever lies beyond a gap, so that storage and memory agree.
  if (gap) storage.erase_range(LogKey(entries_.size() + 1), kLogEnd);
}

void RaftLog::hash_through(std::uint64_t index) const {
  assert(index <= entries_.size());
  assert(digests_.size() == prefixes_.size());
  while (digests_.size() < index) {
    const Entry& e = entries_[digests_.size()];
    const std::uint64_t digest = fields::digest(e);
    const std::uint64_t before = prefixes_.empty() ? 0 : prefixes_.back();
    digests_.push_back(digest);
    prefixes_.push_back(hash_combine(hash_combine(before, e.term), digest));
  }
}

void RaftLog::unhash_from(std::uint64_t index) {
  assert(index >= 1);
  if (digests_.size() < index) return;
  digests_.resize(index - 1);
  prefixes_.resize(index - 1);
}

std::uint64_t RaftLog::find_conflict_by_term(std::uint64_t index, std::uint64_t term) const {
  index = std::min(index, last_index());
  // Terms never decrease along a log, so this walks back over one run of larger terms.
  while (index > 0 && term_at(index) > term) --index;
  return index;
}

std::vector<Entry> RaftLog::slice(std::uint64_t from, std::uint32_t max) const {
  std::vector<Entry> out;
  if (from == 0 || from > last_index()) return out;
  const std::uint64_t to = std::min<std::uint64_t>(last_index(), from + max - 1);
  out.reserve(to - from + 1);
  for (std::uint64_t i = from; i <= to; ++i) out.push_back(entries_[i - 1]);
  return out;
}

void RaftLog::append(Storage& storage, Entry entry) {
  assert(entry.index == last_index() + 1 && "appends are contiguous");
  storage.put_value(LogKey(entry.index), entry);
  entries_.push_back(std::move(entry));
}

void RaftLog::truncate_from(Storage& storage, std::uint64_t index) {
  assert(index >= 1);
  if (index > last_index()) return;
  storage.erase_range(LogKey(index), kLogEnd);
  entries_.resize(index - 1);
  unhash_from(index);
  ++rewrites_;
}

void RaftLog::overwrite(Storage& storage, Entry entry) {
  assert(entry.index >= 1 && entry.index <= last_index());
  storage.put_value(LogKey(entry.index), entry);
  unhash_from(entry.index);
  entries_[entry.index - 1] = std::move(entry);
  ++rewrites_;
}

}  // namespace dsim::raft
