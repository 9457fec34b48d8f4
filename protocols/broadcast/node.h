// A broadcast node: the set of values it has seen, the rumors it is still spreading, and the
// period timer that sends them (one batch per peer per period).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "protocols/broadcast/messages.h"
#include "protocols/broadcast/options.h"
#include "sim/node/process.h"

namespace dsim::broadcast {

class Node final : public Process {
 public:
  explicit Node(const Options& options) : options_(options) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;
  void on_request(Context& ctx, const Request& request) override;

  // For the observer: every value, in the order this node learned them, and those a client gave it.
  const std::vector<std::int64_t>& arrivals() const { return arrivals_; }
  const std::vector<std::int64_t>& origins() const { return origins_; }
  std::size_t hot_count() const { return hot_.size(); }

 private:
  enum Tag : std::uint64_t { kTick = 1, kAntiEntropy = 2 };
  // A rumor this node still spreads: who sent it (flood skips them) and, with a counter stop
  // rule, how many more unnecessary sends it survives.
  struct Hot {
    NodeId from = 0;
    std::uint32_t left = 0;
  };
  static constexpr NodeId kFromClient = UINT32_MAX;

  // Adds `v`; true when it was new. New values become hot (to spread), unless flooding without
  // relay and the value is not `own` (from a client, or recovered by anti-entropy).
  bool learn(std::int64_t v, NodeId from, bool own);
  bool insert_value(std::int64_t v);
  void receive_rumors(Context& ctx, NodeId from, const Rumors& m);
  void receive_sync(Context& ctx, NodeId from, const Sync& m);
  void tick(Context& ctx);
  void flood(Context& ctx);
  void push(Context& ctx, bool reply);
  void send_rumors(Context& ctx, NodeId to, std::vector<std::int64_t> values, bool reply);
  // The stop rule, after a send of `v` (blind) or feedback that the peer had `v`.
  void maybe_cool(Context& ctx, std::int64_t v);
  std::vector<std::int64_t> hot_values(std::size_t limit);
  std::vector<NodeId> peers(Context& ctx);

  const Options& options_;
  std::vector<std::int64_t> values_;  // sorted, unique
  std::vector<std::int64_t> arrivals_;
  std::vector<std::int64_t> origins_;
  std::map<std::int64_t, Hot> hot_;
  std::vector<NodeId> neighbours_;  // empty: everyone (topology none / total)
  std::uint32_t period_ = 0;
  std::int64_t batch_cursor_ = INT64_MIN;
};

}  // namespace dsim::broadcast
