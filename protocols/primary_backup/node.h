// A primary-backup node: the primary when it is node 0, a backup otherwise.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>

#include "protocols/primary_backup/messages.h"
#include "sim/node/process.h"

namespace dsim::primary_backup {

struct Options {
  TimeNs retransmit_ns = 50 * kNsPerMs;   // resend an unacknowledged write this often
  std::size_t queue_max = 64;             // writes waiting behind the one in flight
  // The sync policy. 0: every write is synced before anyone hears of it. Above 0 (group commit,
  // like appendfsync everysec): writes are acknowledged unsynced and synced together this often,
  // so a power loss forgets the writes of the last window, and a restarted primary reuses their
  // versions for new writes.
  TimeNs sync_ns = 0;
  bool bug_read_from_backup = false;      // backups answer reads from their own copy
  bool bug_skip_sync = false;             // acknowledge without syncing storage
  // Test-only switches: bugs that kill or flood the process, so that the fuzzer's crash and
  // livelock handling is tested on a real protocol (tests/fuzz/runaway_test.cpp).
  bool bug_abort_on_recovery = false;     // a restarted node aborts while loading what it stored
  bool bug_retransmit_without_delay = false;  // the retransmit timer is armed with 0 ms
};

class Node final : public Process {
 public:
  explicit Node(const Options& options) : options_(options) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

  // For the observer: every write this node has stored, by version.
  const std::map<std::uint64_t, Entry>& entries() const { return entries_; }

 private:
  static constexpr NodeId kPrimary = 0;

  void store(Context& ctx, const Entry& entry);
  bool may_diverge() const { return options_.bug_skip_sync || options_.sync_ns > 0; }
  void start_next_write(Context& ctx);
  void broadcast(Context& ctx);
  void answer_read(Context& ctx, const Request& request) const;
  std::optional<nlohmann::json> committed_value(const std::string& key) const;

  Options options_;
  bool duplicate(Context& ctx, const Request& request);

  std::map<std::uint64_t, Entry> entries_;   // stored writes (volatile copy of storage)
  std::map<std::uint64_t, std::uint64_t> version_of_request_;  // request id -> its write
  std::uint64_t committed_version_ = 0;      // primary: highest version acknowledged by all
  // Primary only: the write being replicated, who acknowledged it, and the queue behind it.
  std::optional<std::pair<Entry, Request>> in_flight_;
  std::set<NodeId> acked_;
  // The one retransmit timer armed (0: none). Each broadcast replaces it: a timer left armed by
  // every write would keep firing for as long as writes follow one another, and under load those
  // chains multiply into a message storm.
  TimerId retransmit_timer_ = 0;
  std::deque<Request> queue_;
};

}  // namespace dsim::primary_backup
