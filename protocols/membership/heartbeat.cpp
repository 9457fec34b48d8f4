#include "protocols/membership/heartbeat.h"

#include <algorithm>
#include <cassert>

namespace dsim::membership {

void HeartbeatNode::on_start(Context& ctx) {
  begin_event();
  init_view(ctx);
  const std::uint32_t n = ctx.cluster_size();
  // The generation grows at every restart: a counter that starts again at 0 must still be newer.
  const std::optional<std::uint64_t> stored = load_incarnation(ctx);
  incarnation_ = stored ? *stored + 1 : 0;
  store_incarnation(ctx, incarnation_);
  generation_.assign(n, 0);
  counter_.assign(n, 0);
  grew_ns_.assign(n, ctx.now());
  generation_[ctx.self()] = incarnation_;
  ctx.annotate("mode", "heartbeat");
  ctx.set_timer(static_cast<TimeNs>(ctx.rng().below(static_cast<std::uint64_t>(options_.period_ns))), 0);
  publish(ctx);
}

void HeartbeatNode::on_message(Context& ctx, NodeId, const Message& message) {
  begin_event();
  if (const HeartbeatTable* table = message.as<HeartbeatTable>()) merge(ctx, table->beats);
  publish(ctx);
}

void HeartbeatNode::on_timer(Context& ctx, TimerId, std::uint64_t) {
  begin_event();
  const NodeId self = ctx.self();
  ++counter_[self];
  grew_ns_[self] = ctx.now();
  gossip(ctx);
  expire(ctx);
  ctx.set_timer(options_.period_ns, 0);
  publish(ctx);
}

void HeartbeatNode::gossip(Context& ctx) {
  HeartbeatTable table;
  for (NodeId n = 0; n < status_.size(); ++n) {
    if (status_[n] != Status::dead) table.beats.push_back(Beat{n, generation_[n], counter_[n]});
  }
  // `fanout` distinct peers, uniformly (partial Fisher-Yates over everyone else: removed members
  // too, so a healed partition reconnects).
  scratch_.clear();
  for (NodeId n = 0; n < status_.size(); ++n) {
    if (n != ctx.self()) scratch_.push_back(n);
  }
  const std::size_t k = std::min<std::size_t>(options_.fanout, scratch_.size());
  for (std::size_t i = 0; i < k; ++i) {
    std::swap(scratch_[i], scratch_[i + ctx.rng().below(scratch_.size() - i)]);
    send(ctx, scratch_[i], table);
  }
}

void HeartbeatNode::merge(Context& ctx, const std::vector<Beat>& beats) {
  for (const Beat& b : beats) {
    if (b.node >= status_.size() || b.node == ctx.self()) continue;
    const NodeId n = b.node;
    const bool newer = b.generation != generation_[n] ? b.generation > generation_[n] : b.counter > counter_[n];
    const bool older = !newer && (b.generation != generation_[n] || b.counter != counter_[n]);
    if (options_.bugs.heartbeat_keep_older) {
      // The bug: the merge keeps the older heartbeat, so a member's growth never arrives.
      if (older) {
        generation_[n] = b.generation;
        counter_[n] = b.counter;
      }
      continue;
    }
    if (!newer) continue;
    generation_[n] = b.generation;
    counter_[n] = b.counter;
    grew_ns_[n] = ctx.now();
    set_status(n, Status::alive, generation_[n]);
  }
}

void HeartbeatNode::expire(Context& ctx) {
  const TimeNs now = ctx.now();
  for (NodeId n = 0; n < status_.size(); ++n) {
    if (n == ctx.self() || status_[n] == Status::dead) continue;
    const TimeNs quiet_ns = now - grew_ns_[n];
    if (quiet_ns > options_.remove_after_ns) {
      set_status(n, Status::dead, generation_[n]);
    } else if (quiet_ns > options_.suspect_after_ns) {
      set_status(n, Status::suspect, generation_[n]);
    }
  }
}

}  // namespace dsim::membership
