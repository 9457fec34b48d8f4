#include "protocols/membership/swim.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace dsim::membership {

namespace {

enum TimerKind : std::uint64_t { kTick = 1, kProbeTimeout, kProbeEnd, kRelayNack, kRelayExpire, kSuspicion };
constexpr std::uint64_t tag(TimerKind kind, std::uint64_t value) { return (std::uint64_t{kind} << 56) | value; }
constexpr std::size_t kRelaysMax = 256;  // ping-reqs this node serves at once; more are ignored

}  // namespace

SwimNode::SwimNode(const Options& options) : MemberNode(options), buffer_(options.buffer_max) {}

void SwimNode::on_start(Context& ctx) {
  begin_event();
  init_view(ctx);
  const NodeId self = ctx.self();
  // A restart takes a fresh incarnation, above any the group may hold for this node, so its first
  // alive update overrides the suspicion or removal its crash caused.
  const std::optional<std::uint64_t> stored = load_incarnation(ctx);
  const bool restarted = stored.has_value();
  incarnation_ = options_.bugs.swim_no_incarnation ? 0 : (restarted ? *stored + 1 : 0);
  store_incarnation(ctx, incarnation_);
  incarnations_.assign(ctx.cluster_size(), 0);
  incarnations_[self] = incarnation_;
  if (restarted) buffer_.enqueue(Update{self, Status::alive, incarnation_, self});
  for (NodeId n = 0; n < ctx.cluster_size(); ++n) {
    if (n != self) order_.push_back(n);
  }
  next_ = order_.size();  // shuffled at the first tick
  ctx.annotate("mode", "swim");
  ctx.set_timer(static_cast<TimeNs>(ctx.rng().below(static_cast<std::uint64_t>(options_.period_ns))), tag(kTick, 0));
  finish_event(ctx);
}

void SwimNode::on_message(Context& ctx, NodeId from, const Message& message) {
  begin_event();
  if (const Ping* ping = message.as<Ping>()) {
    apply(ctx, ping->updates);
    send(ctx, from, Ack{ping->seq, piggyback(from)});
  } else if (const Ack* ack = message.as<Ack>()) {
    on_ack(ctx, from, *ack);
  } else if (const PingReq* req = message.as<PingReq>()) {
    on_ping_req(ctx, from, *req);
  } else if (const Nack* nack = message.as<Nack>()) {
    if (probe_.active && nack->seq == probe_.seq) ++probe_.nacks;
  }
  finish_event(ctx);
}

void SwimNode::on_timer(Context& ctx, TimerId timer, std::uint64_t t) {
  begin_event();
  const auto kind = static_cast<TimerKind>(t >> 56);
  const std::uint64_t value = t & ((std::uint64_t{1} << 56) - 1);
  switch (kind) {
    case kTick: tick(ctx); break;
    case kProbeTimeout: probe_timeout(ctx, value); break;
    case kProbeEnd: probe_end(ctx, value); break;
    case kRelayNack: {
      auto it = relays_.find(value);
      if (it != relays_.end() && !it->second.acked) send(ctx, it->second.origin, Nack{it->second.origin_seq});
      break;
    }
    case kRelayExpire: relays_.erase(value); break;
    case kSuspicion: {
      auto it = suspicions_.find(static_cast<NodeId>(value));
      if (it != suspicions_.end() && it->second.timer == timer) declare_dead(ctx, it->first);
      break;
    }
  }
  finish_event(ctx);
}

void SwimNode::tick(Context& ctx) {
  maybe_reconnect(ctx);
  const auto target = next_target(ctx);
  if (!target) {
    ctx.set_timer(options_.period_ns, tag(kTick, 0));
    return;
  }
  probe_ = Probe{++seq_, *target, incarnations_[*target], true, false, 0, 0};
  send(ctx, *target, Ping{probe_.seq, piggyback(*target)});
  ctx.set_timer(scaled(options_.probe_timeout_ns), tag(kProbeTimeout, probe_.seq));
  ctx.set_timer(scaled(options_.period_ns), tag(kProbeEnd, probe_.seq));
}

void SwimNode::probe_timeout(Context& ctx, std::uint64_t seq) {
  if (!probe_.active || probe_.seq != seq || probe_.acked) return;
  // k distinct live members other than the target, drawn uniformly (partial Fisher-Yates).
  std::vector<NodeId> candidates;
  for (NodeId n = 0; n < status_.size(); ++n) {
    if (n != ctx.self() && n != probe_.target && status_[n] == Status::alive) candidates.push_back(n);
  }
  const std::size_t k = std::min<std::size_t>(options_.indirect_checks, candidates.size());
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t j = i + ctx.rng().below(candidates.size() - i);
    std::swap(candidates[i], candidates[j]);
    send(ctx, candidates[i], PingReq{seq, probe_.target, piggyback(candidates[i])});
  }
  probe_.nacks_expected = options_.local_health ? static_cast<std::uint32_t>(k) : 0;
}

void SwimNode::probe_end(Context& ctx, std::uint64_t seq) {
  if (!probe_.active || probe_.seq != seq) return;
  probe_.active = false;
  if (!probe_.acked) {
    const NodeId target = probe_.target;
    if (status_[target] != Status::dead) {
      on_suspect(ctx, Update{target, Status::suspect, probe_.incarnation, ctx.self()});
    }
    // Lifeguard: missing nacks mean this node's own messages are not getting through.
    if (probe_.nacks_expected > 0) {
      adjust_health(static_cast<int>(probe_.nacks_expected - std::min(probe_.nacks, probe_.nacks_expected)));
    } else {
      adjust_health(1);
    }
  }
  tick(ctx);
}

void SwimNode::maybe_reconnect(Context& ctx) {
  if (members() == status_.size()) return;
  if (ctx.rng().below(options_.reconnect_periods) != 0) return;
  std::vector<NodeId> removed;
  for (NodeId n = 0; n < status_.size(); ++n) {
    if (status_[n] == Status::dead) removed.push_back(n);
  }
  if (removed.empty()) return;
  const NodeId to = removed[ctx.rng().below(removed.size())];
  // Not a probe: no ack is awaited. The ping carries the member's obituary (piggyback), so a
  // live member refutes it in its ack.
  send(ctx, to, Ping{++seq_, piggyback(to)});
}

std::optional<NodeId> SwimNode::next_target(Context& ctx) {
  for (std::size_t steps = 0; steps < 2 * order_.size() + 1; ++steps) {
    if (next_ >= order_.size()) {
      // A new round: a fresh random order (SWIM §4.3), so each member is probed once a round.
      for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[ctx.rng().below(i)]);
      next_ = 0;
      if (order_.empty()) return std::nullopt;
    }
    const NodeId n = order_[next_++];
    if (status_[n] != Status::dead) return n;
  }
  return std::nullopt;
}

void SwimNode::on_ping_req(Context& ctx, NodeId from, const PingReq& req) {
  apply(ctx, req.updates);
  if (relays_.size() >= kRelaysMax || req.target >= status_.size() || req.target == ctx.self()) return;
  const std::uint64_t seq = ++seq_;
  relays_[seq] = Relay{from, req.seq, false};
  send(ctx, req.target, Ping{seq, piggyback(req.target)});
  if (options_.local_health) ctx.set_timer(options_.probe_timeout_ns * 8 / 10, tag(kRelayNack, seq));
  ctx.set_timer(options_.period_ns, tag(kRelayExpire, seq));
}

void SwimNode::on_ack(Context& ctx, NodeId from, const Ack& ack) {
  apply(ctx, ack.updates);
  if (probe_.active && ack.seq == probe_.seq && !probe_.acked) {
    (void)from;  // direct (from the target) or relayed (from an intermediate)
    probe_.acked = true;
    adjust_health(-1);
    return;
  }
  auto it = relays_.find(ack.seq);
  if (it != relays_.end() && !it->second.acked) {
    it->second.acked = true;
    send(ctx, it->second.origin, Ack{it->second.origin_seq, piggyback(it->second.origin)});
  }
}

void SwimNode::adjust_health(int delta) {
  if (!options_.local_health) return;
  const int next = std::clamp(static_cast<int>(health_) + delta, 0, static_cast<int>(options_.local_health_max) - 1);
  health_ = static_cast<std::uint32_t>(next);
}

std::vector<Update> SwimNode::piggyback(NodeId to) {
  std::vector<Update> out;
  // Tell a member what this node believes of it: always when removed (so it can come back), and
  // when suspected with Lifeguard's buddy system (so it refutes at once).
  if (status_[to] == Status::dead || (options_.buddy && status_[to] == Status::suspect)) {
    out.push_back(Update{to, status_[to], incarnations_[to], 0});
  }
  const double scale = std::ceil(std::log10(static_cast<double>(members()) + 1));
  const auto limit = static_cast<std::uint32_t>(options_.retransmit_mult * std::max(1.0, scale));
  buffer_.take(options_.piggyback_max, limit, out);
  return out;
}

void SwimNode::finish_event(Context& ctx) {
  publish(ctx);
  if (incarnation_ != published_incarnation_) {
    published_incarnation_ = incarnation_;
    ctx.annotate("incarnation", incarnation_);
  }
  if (options_.local_health && health_ != published_health_) {
    published_health_ = health_;
    ctx.annotate("health", health_);
  }
}

}  // namespace dsim::membership
