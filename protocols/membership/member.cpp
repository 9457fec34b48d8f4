#include "protocols/membership/member.h"

#include <cassert>

namespace dsim::membership {

namespace {

// The only durable record: the incarnation (generation) this node last used. Everything else
// is soft state that probing and gossip rebuild within a few periods; persisting the member
// table would bring back, after a restart, suspicions the group has long refuted. Without the
// incarnation, a restarted node would start at 0 below what the group holds for it and stay
// dead to them until it heard (and outbid) its own obituary.
struct DurableIncarnation {
  std::uint64_t incarnation = 0;
  DSIM_FIELDS(incarnation)
};

constexpr const char* kIncarnationKey = "membership/incarnation";

}  // namespace

void MemberNode::init_view(Context& ctx) {
  status_.assign(ctx.cluster_size(), Status::alive);
  members_ = ctx.cluster_size();
  suspects_ = 0;
}

void MemberNode::set_status(NodeId node, Status to, std::uint64_t incarnation) {
  const Status from = status_[node];
  if (from == to) return;
  assert(node < status_.size());
  status_[node] = to;
  members_ += (to != Status::dead) - (from != Status::dead);
  suspects_ += (to == Status::suspect) - (from == Status::suspect);
  // Bounded: at most one entry per member and status per event.
  if (changes_.size() < 4 * status_.size()) changes_.push_back(Change{node, from, to, incarnation});
}

std::optional<std::uint64_t> MemberNode::load_incarnation(Context& ctx) {
  DurableIncarnation record;
  if (!ctx.storage().get_value(kIncarnationKey, record)) return std::nullopt;
  return record.incarnation;
}

void MemberNode::store_incarnation(Context& ctx, std::uint64_t incarnation) {
  ctx.storage().put_value(kIncarnationKey, DurableIncarnation{incarnation});
  ctx.storage().sync();
}

void MemberNode::publish(Context& ctx) {
  if (members_ != published_members_) {
    published_members_ = members_;
    ctx.annotate("members", members_);
  }
  if (suspects_ != published_suspects_) {
    published_suspects_ = suspects_;
    ctx.annotate("suspects", suspects_);
  }
}

}  // namespace dsim::membership
