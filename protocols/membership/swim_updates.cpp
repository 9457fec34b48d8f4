// SWIM's update rules (the paper's §4.2 with memberlist's orderings): an update about a member
// overrides what this node holds when its incarnation is newer, or equal and its status stronger
// (suspect over alive, dead over both); only the member itself raises its incarnation.
#include <algorithm>
#include <cassert>
#include <cmath>

#include "protocols/membership/swim.h"

namespace dsim::membership {

namespace {
constexpr std::uint64_t kSuspicionTag = std::uint64_t{6} << 56;
}  // namespace

void SwimNode::apply(Context& ctx, const std::vector<Update>& updates) {
  for (const Update& u : updates) {
    if (u.node >= status_.size()) continue;
    switch (u.status) {
      case Status::alive: on_alive(ctx, u); break;
      case Status::suspect: on_suspect(ctx, u); break;
      case Status::dead: on_dead(ctx, u); break;
    }
  }
}

void SwimNode::on_alive(Context& ctx, const Update& u) {
  if (u.node == ctx.self()) {
    // Only this node speaks for itself; a higher incarnation than its own means it lost its
    // record (a wiped disk): outbid it.
    if (u.incarnation > incarnation_ && !options_.bugs.swim_no_incarnation) refute(ctx, u.incarnation);
    return;
  }
  if (u.incarnation <= incarnations_[u.node]) return;
  incarnations_[u.node] = u.incarnation;
  end_suspicion(ctx, u.node);
  set_status(u.node, Status::alive, incarnations_[u.node]);
  buffer_.enqueue(u);
}

void SwimNode::on_suspect(Context& ctx, const Update& u) {
  if (u.node == ctx.self()) {
    refute(ctx, u.incarnation);
    return;
  }
  const NodeId n = u.node;
  if (status_[n] == Status::dead || u.incarnation < incarnations_[n]) return;
  if (status_[n] == Status::suspect && u.incarnation == incarnations_[n]) {
    confirm(ctx, n, u.by);
    return;
  }
  incarnations_[n] = u.incarnation;
  start_suspicion(ctx, n, u.by);
  buffer_.enqueue(u);
}

void SwimNode::on_dead(Context& ctx, const Update& u) {
  if (u.node == ctx.self()) {
    refute(ctx, u.incarnation);
    return;
  }
  const NodeId n = u.node;
  if (status_[n] == Status::dead || u.incarnation < incarnations_[n]) return;
  incarnations_[n] = u.incarnation;
  end_suspicion(ctx, n);
  set_status(n, Status::dead, incarnations_[n]);
  buffer_.enqueue(u);
}

void SwimNode::refute(Context& ctx, std::uint64_t incarnation) {
  // The bug: no incarnation to raise, so an alive update cannot override the suspicion.
  if (options_.bugs.swim_no_incarnation) return;
  if (incarnation >= incarnation_) {
    incarnation_ = incarnation + 1;
    incarnations_[ctx.self()] = incarnation_;
    store_incarnation(ctx, incarnation_);
    // Lifeguard: being suspected hints that this node is the slow one.
    adjust_health(1);
  }
  // Also when the rumour is older than the refutation: whoever sent it has not heard.
  buffer_.enqueue(Update{ctx.self(), Status::alive, incarnation_, ctx.self()});
}

TimeNs SwimNode::suspicion_timeout_ns(std::size_t confirmations) const {
  const double scale = options_.bugs.suspicion_ignores_size ? 1.0 : node_scale(members());
  const double min_ns = options_.suspicion_mult * scale * static_cast<double>(options_.period_ns);
  if (!options_.dynamic_suspicion) return static_cast<TimeNs>(min_ns);
  // Lifeguard: start at max and fall logarithmically towards min as independent suspicions
  // arrive; K of them reach min.
  const double max_ns = options_.suspicion_max_mult * min_ns;
  const double k = options_.suspicion_confirmations;
  const double frac = std::log(static_cast<double>(confirmations) + 1) / std::log(k + 1);
  return static_cast<TimeNs>(std::max(min_ns, max_ns - frac * (max_ns - min_ns)));
}

void SwimNode::start_suspicion(Context& ctx, NodeId node, NodeId by) {
  end_suspicion(ctx, node);
  set_status(node, Status::suspect, incarnations_[node]);
  Suspicion s;
  s.started_ns = ctx.now();
  s.timer = ctx.set_timer(suspicion_timeout_ns(0), kSuspicionTag | node);
  (void)by;  // the first suspicion is not a confirmation
  suspicions_[node] = std::move(s);
}

void SwimNode::confirm(Context& ctx, NodeId node, NodeId by) {
  if (!options_.dynamic_suspicion || by == ctx.self()) return;
  auto it = suspicions_.find(node);
  if (it == suspicions_.end()) return;
  Suspicion& s = it->second;
  if (s.confirmers.size() >= options_.suspicion_confirmations) return;
  if (std::find(s.confirmers.begin(), s.confirmers.end(), by) != s.confirmers.end()) return;
  s.confirmers.push_back(by);
  // Pass the confirmation on, so others count it too.
  buffer_.enqueue(Update{node, Status::suspect, incarnations_[node], by});
  const TimeNs due_ns = s.started_ns + suspicion_timeout_ns(s.confirmers.size());
  ctx.cancel_timer(s.timer);
  if (due_ns <= ctx.now()) {
    declare_dead(ctx, node);
    return;
  }
  s.timer = ctx.set_timer(due_ns - ctx.now(), kSuspicionTag | node);
}

void SwimNode::declare_dead(Context& ctx, NodeId node) {
  end_suspicion(ctx, node);
  set_status(node, Status::dead, incarnations_[node]);
  buffer_.enqueue(Update{node, Status::dead, incarnations_[node], ctx.self()});
}

void SwimNode::end_suspicion(Context& ctx, NodeId node) {
  auto it = suspicions_.find(node);
  if (it == suspicions_.end()) return;
  ctx.cancel_timer(it->second.timer);
  suspicions_.erase(it);
}

}  // namespace dsim::membership
