// A heartbeat-gossip member (van Renesse, Minsky, Hayden 1998; the failure detector of the
// Dynamo design): every period it increments its own counter and sends its whole table of
// (member, generation, counter) to `fanout` random peers; a merge keeps the newer heartbeat of
// each member and notes when it last grew. No growth for T: suspected; for T2: removed. A
// removed member comes back when a newer heartbeat of it arrives.
#pragma once

#include <cstdint>
#include <vector>

#include "protocols/membership/member.h"

namespace dsim::membership {

class HeartbeatNode final : public MemberNode {
 public:
  explicit HeartbeatNode(const Options& options) : MemberNode(options) {}

  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, const Message& message) override;
  void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) override;

 private:
  void gossip(Context& ctx);
  void merge(Context& ctx, const std::vector<Beat>& beats);
  void expire(Context& ctx);

  std::vector<std::uint64_t> generation_;
  std::vector<std::uint64_t> counter_;
  std::vector<TimeNs> grew_ns_;   // local time the member's heartbeat last grew here
  std::vector<NodeId> scratch_;
};

}  // namespace dsim::membership
