// The Raft log: entries 1..last_index() in memory, one storage key per entry on disk. Each entry
// also has a digest of itself and a rolling hash of the whole prefix ending at it, so the
// observer can check log matching by comparing one number per (index, term). They are computed
// when first asked for: a run without the observer never pays for them.
//
// The log only stages writes in storage; the node calls sync() before it sends anything that
// depends on them (a vote, an acknowledgement), batching one sync per handler.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/raft/messages.h"
#include "sim/node/storage.h"

namespace dsim::raft {

class RaftLog {
 public:
  // Reads the log back from storage at start. Entries must be contiguous from 1; a gap (which a
  // crash losing unsynced writes cannot make, since every append is synced before it is
  // acknowledged, but a torn suffix could) ends the log there.
  void load(Storage& storage);

  std::uint64_t last_index() const { return entries_.size(); }
  std::uint64_t last_term() const { return entries_.empty() ? 0 : entries_.back().term; }
  // 0 for index 0 and for indexes past the end (no entry).
  std::uint64_t term_at(std::uint64_t index) const {
    return index == 0 || index > entries_.size() ? 0 : entries_[index - 1].term;
  }
  const Entry& at(std::uint64_t index) const {
    assert(index >= 1 && index <= entries_.size());
    return entries_[index - 1];
  }
  std::uint64_t digest_at(std::uint64_t index) const {
    assert(index >= 1 && index <= entries_.size());
    hash_through(index);
    return digests_[index - 1];
  }
  // A hash of entries 1..index; 0 for index 0.
  std::uint64_t prefix_at(std::uint64_t index) const {
    assert(index <= entries_.size());
    if (index == 0) return 0;
    hash_through(index);
    return prefixes_[index - 1];
  }

  // Raft §5.4.1: a candidate's log is at least as up to date as ours.
  bool is_up_to_date(std::uint64_t last_term, std::uint64_t last_index) const {
    return last_term > this->last_term() || (last_term == this->last_term() && last_index >= this->last_index());
  }

  // etcd's findConflictByTerm: the largest index <= `index` whose term is <= `term` (0 if none).
  // Bounded by the log length.
  std::uint64_t find_conflict_by_term(std::uint64_t index, std::uint64_t term) const;

  // Entries [from, from + max) that exist, copied for a message.
  std::vector<Entry> slice(std::uint64_t from, std::uint32_t max) const;

  void append(Storage& storage, Entry entry);
  // Removes entries from `index` on (index >= 1).
  void truncate_from(Storage& storage, std::uint64_t index);
  // Replaces the entry at entry.index in place, keeping the entries after it. Only the
  // no-truncate-on-conflict bug does this: a correct follower truncates instead.
  void overwrite(Storage& storage, Entry entry);

  // How many truncations (and overwrites) this log has seen: the observer's hint that it must
  // re-check a suffix.
  std::uint64_t rewrites() const { return rewrites_; }

 private:
  // Extends the digests and prefix hashes to cover entries 1..index.
  void hash_through(std::uint64_t index) const;
  // Forgets the hashes from `index` on (its entry changed or went away).
  void unhash_from(std::uint64_t index);

  std::vector<Entry> entries_;
  // The hashes of entries 1..digests_.size(), a prefix of the log; both vectors are the same size.
  mutable std::vector<std::uint64_t> digests_;
  mutable std::vector<std::uint64_t> prefixes_;
  std::uint64_t rewrites_ = 0;
};

// The storage key of the entry at `index`: "log/" and 20 zero-padded digits, so that keys sort
// by index. Built in place: a key per append would otherwise be a formatted heap string.
class LogKey {
 public:
  explicit LogKey(std::uint64_t index);
  std::string_view view() const { return {bytes_, sizeof bytes_}; }
  operator std::string_view() const { return view(); }

 private:
  char bytes_[24];  // "log/" + 20 digits: every uint64 fits
};

}  // namespace dsim::raft
