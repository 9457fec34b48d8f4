// A Dynamo node: a replica of the keys whose preference list it is in, a fallback that keeps
// hints for unreachable replicas (sloppy quorum), and a coordinator of any client operation sent
// to it.
//
//   read        ask the key's replicas, answer at R replies with their reconciliation; repair
//               the replicas that answered older versions (before answering: sync; after: async).
//   write       LWW: tag with the local clock and write to the replicas, answer at W acks.
//               vclock: read first (R) for the causal context, then write a version descending
//               from every sibling read, so it supersedes them.
//   add/append  read-merge-write: read (R), merge the operation in (set-union / concatenation),
//               write (W) as above. Not atomic: two concurrent adds may each miss the other under
//               LWW, while under vector clocks they become siblings the next read unions.
//   cas         not supported (no atomic read-modify-write without consensus): answered `fail`.
//
// Replicas merge every version they receive and sync before they acknowledge. A replica that has
// not answered within replica_timeout is suspected for suspect_ms; with a sloppy quorum the
// coordinator then writes to the next healthy nodes on the ring, which keep durable hints and hand
// them to the home replica until it acknowledges. Every anti_entropy_ms a node compares a Merkle
// tree of the keys it shares with one peer and exchanges only the keys that differ.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/dynamo/merkle.h"
#include "protocols/dynamo/messages.h"
#include "protocols/dynamo/options.h"
#include "protocols/quorum/quorum_wait.h"
#include "protocols/quorum/ring.h"
#include "sim/node/process.h"

namespace dsim::dynamo {

struct Counters {
  std::uint64_t reads = 0, writes = 0, read_merge_writes = 0, gave_up = 0, reads_ok = 0, writes_ok = 0;
  std::uint64_t reads_with_siblings = 0, read_repairs = 0, hinted_writes = 0, handoffs = 0;
  std::uint64_t ae_exchanges = 0, ae_messages = 0, ae_bytes = 0, ae_keys_sent = 0;
};

class Node final : public Process {
 public:
  Node(const Options& options, std::shared_ptr<const quorum::Ring> ring) : options_(options), ring_(std::move(ring)) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

  // For the observer.
  const std::map<std::string, Record>& data() const { return data_; }
  const std::map<std::pair<NodeId, std::string>, Record>& hints() const { return hints_; }
  const Counters& counters() const { return counters_; }
  // Keys whose record changed, and writes acknowledged to clients, in the latest event.
  const std::vector<std::string>& changed() const { return changed_; }
  const std::vector<std::pair<std::string, Sibling>>& acknowledged() const { return acknowledged_; }

 private:
  enum class Kind { read, write, merge_write };
  enum class Phase { read, write, repair };
  struct Op {
    Request request;
    Kind kind = Kind::read;
    Phase phase = Phase::read;
    std::string key;
    quorum::QuorumWait<Record> wait;
    std::map<NodeId, NodeId> hint_for;  // fallback target -> the home replica it stands in for
    Record merged;                      // the read phase's reconciliation
    Sibling written;                    // the write phase's new version
    bool answered = false;              // async read repair keeps the op after answering
    TimeNs give_up_ns = 0;
  };

  // Coordinator.
  void start_phase(Context& ctx, std::uint64_t id, Op& op, Phase phase, std::uint32_t needed);
  void send_phase(Context& ctx, std::uint64_t id, const Op& op, NodeId to);
  void on_reply(Context& ctx, NodeId from, std::uint64_t id, const Record* record);
  void read_reached(Context& ctx, std::uint64_t id, Op& op);
  bool repair(Context& ctx, std::uint64_t id, Op& op);
  void begin_write(Context& ctx, std::uint64_t id, Op& op);
  void answer(Context& ctx, Op& op, Reply reply);
  void op_timer(Context& ctx, std::uint64_t id);
  void add_fallbacks(Context& ctx, std::uint64_t id, Op& op);
  std::vector<NodeId> targets(Context& ctx, const std::string& key, std::map<NodeId, NodeId>& hint_for);
  bool suspected(Context& ctx, NodeId node) const;

  // Replica.
  void on_put(Context& ctx, NodeId from, const Put& put);
  Record view(const std::string& key) const;
  void store(Context& ctx, const std::string& key, const Record& incoming, bool replace = false);
  void store_hint(Context& ctx, NodeId home, const std::string& key, const Record& incoming);
  void hand_off(Context& ctx);

  // Anti-entropy (anti_entropy.cpp).
  void start_exchange(Context& ctx);
  MerkleTree shared_tree(NodeId peer) const;
  void on_merkle_level(Context& ctx, NodeId from, const MerkleLevel& m);
  void on_merkle_keys(Context& ctx, NodeId from, const MerkleKeys& m);
  void on_merkle_records(Context& ctx, NodeId from, const MerkleRecords& m);
  template <class M>
  void send_ae(Context& ctx, NodeId to, M message);
  const std::vector<NodeId>& preference(const std::string& key) const;

  Options options_;
  std::shared_ptr<const quorum::Ring> ring_;
  std::map<std::string, Record> data_;                          // volatile copy of storage
  std::map<std::pair<NodeId, std::string>, Record> hints_;      // (home, key) -> hinted version
  std::map<std::uint64_t, Op> ops_;
  std::map<NodeId, TimeNs> suspect_until_;
  mutable std::map<std::string, std::vector<NodeId>> preference_;  // cache of the ring walk
  NodeId self_ = 0;
  std::uint64_t nonce_ = 0;
  std::uint64_t next_op_ = 0;
  NodeId next_peer_ = 0;
  Counters counters_;
  std::vector<std::string> changed_;
  std::vector<std::pair<std::string, Sibling>> acknowledged_;
};

}  // namespace dsim::dynamo
