// What both modes share and what the membership checker reads: each node's view of the group
// (a status per member, every node of the cluster being a member), the view changes of the
// event just handled, and a count of messages sent.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/membership/messages.h"
#include "protocols/membership/options.h"
#include "sim/node/process.h"

namespace dsim::membership {

struct Change {
  NodeId subject = 0;
  Status from = Status::alive;
  Status to = Status::alive;
  std::uint64_t incarnation = 0;  // of the subject, as this view holds it (generation in heartbeat mode)
};

class MemberNode : public Process {
 public:
  explicit MemberNode(const Options& options) : options_(options) {}

  Status status_of(NodeId node) const { return status_[node]; }
  // The changes of this node's view made by the event it handled last (cleared at each event).
  const std::vector<Change>& changes() const { return changes_; }
  std::uint64_t messages_sent() const { return sent_; }
  // Counts handled events, so a reader can tell a new change list from one it has seen.
  std::uint64_t events() const { return events_; }
  std::uint64_t incarnation() const { return incarnation_; }

 protected:
  // Called first by every handler: the change list describes one event.
  void begin_event() {
    changes_.clear();
    ++events_;
  }
  void init_view(Context& ctx);
  void set_status(NodeId node, Status to, std::uint64_t incarnation);
  template <class M>
  void send(Context& ctx, NodeId to, M message) {
    ++sent_;
    ctx.send(to, std::move(message));
  }
  // Durable: the incarnation (SWIM) or generation (heartbeat), read at start. See below.
  std::optional<std::uint64_t> load_incarnation(Context& ctx);  // nullopt at first boot
  void store_incarnation(Context& ctx, std::uint64_t incarnation);
  // Publishes member and suspect counts when they change.
  void publish(Context& ctx);
  std::uint32_t members() const { return members_; }

  const Options options_;
  std::vector<Status> status_;
  std::uint64_t incarnation_ = 0;

 private:
  std::vector<Change> changes_;
  std::uint64_t sent_ = 0;
  std::uint64_t events_ = 0;
  std::uint32_t members_ = 0;   // alive or suspect, self included
  std::uint32_t suspects_ = 0;
  std::uint32_t published_members_ = ~0u, published_suspects_ = ~0u;
};

}  // namespace dsim::membership
