// An ABD node: a replica of every register it is a preference-list member of, and a coordinator
// of any client operation sent to it (there is no leader).
//
//   write(v): query a majority for the highest tag; update a majority with (tag.ts + 1, self).
//   read():   query a majority for the highest (tag, value); update a majority with it (the
//             write-back, which makes a later read see at least this value); then answer.
//
// Replicas adopt an update only when its tag is higher, and make it durable before they
// acknowledge. No clocks: timers only retransmit to silent replicas (a lossy network) and give
// up on an operation after op_timeout.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "protocols/abd/messages.h"
#include "protocols/quorum/quorum_wait.h"
#include "protocols/quorum/ring.h"
#include "sim/node/process.h"

namespace dsim::abd {

struct Options {
  std::uint32_t replicas = 0;         // N: replicas per register (0: every node)
  std::uint32_t tokens_per_node = 8;  // virtual nodes on the ring
  TimeNs retransmit_ns = 20 * kNsPerMs;
  TimeNs op_timeout_ns = 1000 * kNsPerMs;
  bool bug_read_without_write_back = false;
};

struct Counters {
  std::uint64_t reads = 0, writes = 0, write_backs = 0, write_backs_skipped = 0, gave_up = 0, messages = 0;
};

class Node final : public Process {
 public:
  Node(const Options& options, std::shared_ptr<const quorum::Ring> ring) : options_(options), ring_(std::move(ring)) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

  // For the observer.
  const std::map<std::string, Stored>& registers() const { return registers_; }
  const Counters& counters() const { return counters_; }

 private:
  enum class Phase { query, update };
  struct Op {
    Request request;
    bool read = false;
    std::string key;
    Phase phase = Phase::query;
    Stored chosen;  // the update round's (tag, value)
    quorum::QuorumWait<Stored> wait;
    TimeNs give_up_ns = 0;
  };

  void start_round(Context& ctx, std::uint64_t id, Op& op, Phase phase);
  void send_round(Context& ctx, std::uint64_t id, const Op& op, NodeId to);
  void query_done(Context& ctx, std::uint64_t id, Op& op);
  void finish(Context& ctx, std::uint64_t id, Reply reply);
  void store(Context& ctx, const std::string& key, const Stored& stored);

  Options options_;
  std::shared_ptr<const quorum::Ring> ring_;
  std::map<std::string, Stored> registers_;  // volatile copy of storage
  std::map<std::uint64_t, Op> ops_;          // by op id
  std::uint64_t nonce_ = 0;                  // makes op ids unique across restarts
  std::uint64_t next_op_ = 0;
  Counters counters_;
};

}  // namespace dsim::abd
