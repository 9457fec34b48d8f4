// Slow nodes: a node starved of CPU or stuck in garbage collection. A slow node is a busy CPU
// with a queue in front of it (a single server, in queueing terms): every event it would handle
// (a message, a due timer, a client request) joins its backlog; the node works on one at a time,
// in arrival order, and when it starts one it draws what that one costs from each active slow
// fault. The handler runs when the work is done, so the node handles each event later than it
// would have, and a burst piles up: busy_until = max(arrival, busy_until) + cost.
//
// With "order": "timers-first" the node takes the oldest due timer in its backlog before the
// oldest message or request, as an event loop that checks its timer heap before reading its
// sockets: a timeout fires even while the reply it waits for sits unread. The node never
// preempts the event it has started; ties among timers go by arrival, so the run stays determined.
//
// The cost is drawn as the node starts an event, not as the event arrives: when the slowness ends,
// whatever is still queued is handled at once, in order, as a node out of its GC pause works
// through its queue at full speed.
//
// Draws come from the node's own "slow" stream, and nothing here runs unless a node is or was
// slow: a run without slow faults takes exactly the path it took before they existed.
#include <algorithm>
#include <cassert>
#include <iterator>

#include "sim/net/latency.h"
#include "sim/world/world.h"

namespace dsim {

bool World::defer(NodeId node, EventKind kind, std::uint64_t arg) {
  Node& n = nodes_[node];
  if (n.slow.empty() && n.backlog.empty()) return false;
  assert(n.process && !n.paused);
  n.backlog.push_back(Backlogged{kind, arg, n.backlog_seq_next++, queue_.now_ns(), kTimeNever});
  if (n.backlog.size() == 1) start_backlogged(node);
  return true;
}

// The node starts on the front of its backlog: what it costs now, and a kHandle when it is done.
void World::start_backlogged(NodeId node) {
  Node& n = nodes_[node];
  assert(!n.backlog.empty());
  pick_next_backlogged(n);
  TimeNs cost_ns = 0;
  for (std::size_t fault : n.slow) {
    const std::optional<LatencySpec>& delay = scenario_.faults[fault].latency;
    assert(delay && "validation gives every slow fault a delay");
    cost_ns += std::min(sample_latency(*delay, n.slow_rng), kSlowEventDelayMax);
  }
  Backlogged& b = n.backlog.front();
  b.done_ns = queue_.now_ns() + std::min(cost_ns, kSlowEventDelayMax);
  queue_.push(b.done_ns, kHandle, node, b.seq);
}

// Brings the event the node takes next to the front; the others keep their arrival order.
void World::pick_next_backlogged(Node& n) {
  if (!n.slow.empty()) {
    n.timers_first = std::any_of(n.slow.begin(), n.slow.end(), [&](std::size_t fault) {
      return scenario_.faults[fault].slow_order == FaultAction::SlowOrder::timers_first;
    });
  }
  if (!n.timers_first) return;
  const auto timer = std::find_if(n.backlog.begin(), n.backlog.end(), [](const Backlogged& b) { return b.kind == kTimer; });
  if (timer != n.backlog.end()) std::rotate(n.backlog.begin(), timer, std::next(timer));
  assert(n.backlog.front().done_ns == kTimeNever && "the node has not started on it");
}

void World::handle_backlogged(NodeId node, std::uint64_t seq) {
  Node& n = nodes_[node];
  if (n.backlog.empty() || n.backlog.front().seq != seq) return;  // cleared by a crash, or re-pushed at resume
  if (n.paused) return;  // done while paused: resume_backlog hands it on
  const Backlogged b = n.backlog.front();
  n.backlog.pop_front();
  handling_arrived_ns_ = b.arrived_ns;
  switch (b.kind) {
    case kDeliver: handle_message(b.arg); break;
    case kTimer: handle_timer(node, b.arg); break;
    case kRequestArrive: handle_request(b.arg); break;
    default: assert(false && "only node events are backlogged");
  }
  handling_arrived_ns_ = kTimeNever;
  if (!n.backlog.empty()) start_backlogged(node);
}

void World::add_queued(nlohmann::json& data) const {
  if (handling_arrived_ns_ != kTimeNever) data["queued_ns"] = queue_.now_ns() - handling_arrived_ns_;
}

// A crash loses what the node had taken in but not yet handled, as a process loses its queues.
void World::clear_backlog(NodeId node) {
  Node& n = nodes_[node];
  for (const Backlogged& b : n.backlog) {
    if (b.kind == kDeliver) {
      Flight flight = flights_.take(b.arg);
      ++stats_.messages_dropped;
      record(TraceKind::drop, node, hash_bytes("crashed"), [&] {
        return nlohmann::json{{"from", flight.from}, {"msg", flight.id}, {"type", flight.message->type()},
                              {"reason", "crashed"}};
      });
    } else if (b.kind == kRequestArrive) {
      ClientRequestFlight flight = requests_.take(b.arg);
      record(TraceKind::drop, node, flight.op, [&] {
        return nlohmann::json{{"from", nodes_.size() + flight.request.client}, {"op", flight.op},
                              {"type", "Request"}, {"reason", "crashed"}};
      });
    }
  }
  n.backlog.clear();
  n.slow.clear();
  n.timers_first = false;
}

// A pause freezes the node: the event it was working on, if that work finished while it was
// paused, is handled at resume, before what the pause queued (which joins the backlog after it);
// work that ends after the resume keeps its time.
void World::resume_backlog(NodeId node) {
  Node& n = nodes_[node];
  if (!n.backlog.empty() && n.backlog.front().done_ns <= queue_.now_ns()) {
    queue_.push(queue_.now_ns(), kHandle, node, n.backlog.front().seq);
  }
}

}  // namespace dsim
