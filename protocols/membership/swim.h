// A SWIM member (Das, Gupta, Motivala 2002) with Lifeguard's options (Dadgar et al. 2018):
//   - each protocol period, ping the next member of a shuffled round-robin order; no ack within
//     the probe timeout: ask k others to ping it (ping-req); still no ack by the period's end:
//     suspect it;
//   - a suspicion is an update (member, suspect, incarnation); the member itself refutes it by
//     raising its incarnation and spreading (member, alive, incarnation'); an unrefuted suspicion
//     becomes a removal (dead) after the suspicion timeout;
//   - updates ride on pings, acks and ping-reqs (Dissemination), lambda * log N times each;
//   - a removed member is pinged now and then with its own obituary, so that after a partition
//     heals it can refute and come back (Serf's reconnect, without which a healed partition
//     would leave both sides removed from each other for ever).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "protocols/membership/dissemination.h"
#include "protocols/membership/member.h"

namespace dsim::membership {

class SwimNode final : public MemberNode {
 public:
  explicit SwimNode(const Options& options);

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;

  std::uint32_t local_health() const { return health_; }

 private:
  struct Probe {
    std::uint64_t seq = 0;
    NodeId target = 0;
    std::uint64_t incarnation = 0;  // the target's, when the probe began: a failed probe suspects that one
    bool active = false;
    bool acked = false;
    std::uint32_t nacks_expected = 0;
    std::uint32_t nacks = 0;
  };
  struct Relay {
    NodeId origin = 0;
    std::uint64_t origin_seq = 0;
    bool acked = false;
  };
  struct Suspicion {
    TimeNs started_ns = 0;
    TimerId timer = 0;
    std::vector<NodeId> confirmers;  // independent suspicions after the first
  };

  void tick(Context& ctx);
  void probe_timeout(Context& ctx, std::uint64_t seq);
  void probe_end(Context& ctx, std::uint64_t seq);
  void maybe_reconnect(Context& ctx);
  std::optional<NodeId> next_target(Context& ctx);
  void on_ping_req(Context& ctx, NodeId from, const PingReq& req);
  void on_ack(Context& ctx, NodeId from, const Ack& ack);

  void apply(Context& ctx, const std::vector<Update>& updates);
  void on_alive(Context& ctx, const Update& u);
  void on_suspect(Context& ctx, const Update& u);
  void on_dead(Context& ctx, const Update& u);
  void refute(Context& ctx, std::uint64_t incarnation);
  void start_suspicion(Context& ctx, NodeId node, NodeId by);
  void confirm(Context& ctx, NodeId node, NodeId by);
  void declare_dead(Context& ctx, NodeId node);
  void end_suspicion(Context& ctx, NodeId node);
  TimeNs suspicion_timeout_ns(std::size_t confirmations) const;

  std::vector<Update> piggyback(NodeId to);
  TimeNs scaled(TimeNs ns) const { return options_.local_health ? ns * (health_ + 1) : ns; }
  void adjust_health(int delta);
  void finish_event(Context& ctx);

  std::vector<std::uint64_t> incarnations_;  // the incarnation this node knows for each member
  std::map<NodeId, Suspicion> suspicions_;
  std::map<std::uint64_t, Relay> relays_;  // by the seq of this node's ping to the target
  std::vector<NodeId> order_;
  std::size_t next_ = 0;
  Probe probe_;
  std::uint64_t seq_ = 0;
  std::uint32_t health_ = 0;  // Lifeguard's local health score: 0 healthy .. local_health_max - 1
  std::uint64_t published_incarnation_ = ~0ull;
  std::uint32_t published_health_ = ~0u;
  Dissemination buffer_;
};

}  // namespace dsim::membership
