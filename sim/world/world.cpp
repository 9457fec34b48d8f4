#include "sim/world/world.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

#include "sim/core/hash.h"

namespace dsim {

std::uint32_t World::NodeContext::cluster_size() const { return world_->size(); }
TimeNs World::NodeContext::now() const { return world_->nodes_[node_].clock.local_at(world_->queue_.now_ns()); }
void World::NodeContext::send(NodeId to, MessagePtr message) { world_->send(node_, to, std::move(message)); }
TimerId World::NodeContext::set_timer(TimeNs after_ns, std::uint64_t tag) {
  return world_->set_timer(node_, after_ns, tag);
}
void World::NodeContext::cancel_timer(TimerId timer) { world_->nodes_[node_].timers.erase(timer); }
Storage& World::NodeContext::storage() { return world_->nodes_[node_].storage; }
Rng& World::NodeContext::rng() { return world_->nodes_[node_].rng; }
void World::NodeContext::reply(const Request& request, Reply reply) {
  world_->reply(node_, request, std::move(reply));
}
void World::NodeContext::annotate(std::string_view key, const nlohmann::json& value) {
  world_->annotate(node_, key, value);
}

World::World(const Scenario& scenario, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      network_(scenario.network, scenario.cluster.size(), Rng::derive(scenario.run.seed, "network")) {
  const ProtocolInfo* info = ProtocolRegistry::instance().find(scenario.cluster.protocol);
  assert(info && "scenario validation guarantees a registered protocol");
  ClusterConfig config{scenario.cluster.size(), scenario.cluster.node_names, scenario.cluster.params,
                       scenario.cluster.bugs};
  protocol_ = info->make(config);
  if (scenario.checks.invariants) observer_ = protocol_->make_observer();
  if (scenario.workload.clients > 0) {
    const WorkloadInfo* workload = WorkloadRegistry::instance().find(scenario.workload.kind);
    assert(workload && "scenario validation guarantees a registered workload");
    generator_ = workload->make(scenario.workload.params);
    if (generator_) {
      generator_->setup(GeneratorSetup{scenario.cluster.size(), scenario.workload.clients});
      if (generator_->final_after_ns()) final_phase_ = FinalPhase::waiting;
    }
  }

  select_rng_ = Rng::derive(scenario.run.seed, "fault-select");
  keep_annotations_ = options.trace || std::any_of(scenario.faults.begin(), scenario.faults.end(),
                                                   [](const FaultAction& f) { return f.select.has_value(); });

  end_ns_ = scenario.run.duration_ns;
  if (options.until_ns) end_ns_ = std::min(end_ns_, *options.until_ns);
  stop_issuing_ns_ = scenario.workload.stop_ns.value_or(end_ns_);
  calm_ns_ = calm_time(scenario);

  nodes_.resize(scenario.cluster.size());
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    node.ctx = NodeContext(this, i);
    node.rng = Rng::derive(scenario.run.seed, "node", i);
    node.slow_rng = Rng::derive(scenario.run.seed, "slow", i);
    const ClockSpec& clock = scenario.clocks.at(i);
    node.clock = LocalClock(clock.offset_ns, clock.drift_ppm);
    trace_.actors.push_back(TraceActor{scenario.cluster.node_names[i], "node"});
  }
  clients_.resize(scenario.workload.clients);
  for (std::uint32_t c = 0; c < clients_.size(); ++c) {
    clients_[c].rng = Rng::derive(scenario.run.seed, "client", c);
    trace_.actors.push_back(TraceActor{fmt::format("c{}", c), "client"});
  }
}

World::~World() = default;

void World::record_finding(const Finding& finding) {
  findings_.push_back(finding);
  record(TraceKind::violation, -1, hash_bytes(finding.id()), [&] {
    return nlohmann::json{{"kind", finding.kind == Finding::Kind::safety ? "safety" : "liveness"},
                          {"id", finding.id()},
                          {"detail", finding.detail},
                          {"data", finding.data}};
  });
}

std::uint64_t World::recorded_bytes() const {
  return heap_bytes_ + history_.ops.capacity() * sizeof(check::Operation) +
         history_client_.capacity() * sizeof(std::uint32_t) + answered_ns_.capacity() * sizeof(TimeNs) +
         flights_.size() * (sizeof(Flight) + kMessageBytesEstimate);
}

// The trace has a budget of its own, as large as the run's (run.memory_mb_max): past it, recording
// stops and the trace says where, while the run goes on exactly as it would untraced.
void World::append_trace(TraceEvent event) {
  trace_bytes_ += sizeof(TraceEvent) + json_heap_bytes(event.data);
  if (trace_bytes_ > scenario_.run.memory_bytes_max) {
    trace_.cut = true;
    trace_.cut_ns = event.t_ns;
    return;
  }
  trace_.events.push_back(std::move(event));
}

void World::run(RunResult& result) {
  for (NodeId i = 0; i < nodes_.size(); ++i) boot(i);
  schedule_faults();
  for (std::uint32_t c = 0; c < clients_.size(); ++c) {
    // Staggered starts, so clients do not all fire in the same instant.
    const TimeNs jitter_ns = static_cast<TimeNs>(clients_[c].rng.below(
        static_cast<std::uint64_t>(std::max<TimeNs>(scenario_.workload.think_ns, 1))));
    queue_.push(scenario_.workload.start_ns + jitter_ns, kClientNext, c, 0);
  }

  stats_.stop_reason = "quiescent";
  while (!stopped_ && !queue_.empty()) {
    if (queue_.top().at_ns > end_ns_) {
      stats_.stop_reason = "end of run";
      break;
    }
    if (stats_.events >= scenario_.run.events_max) {
      stats_.stop_reason = "event budget";
      break;
    }
    if (recorded_bytes() > scenario_.run.memory_bytes_max) {
      stats_.stop_reason = "memory budget";
      break;
    }
    const Event e = queue_.pop();
    ++stats_.events;
    if (!queue_.empty()) prefetch_records(queue_.top());
    dispatch(e);
    if (!queue_.empty()) prefetch_objects(queue_.top());
  }
  if (stopped_) stats_.stop_reason = "violation";
  if (stats_.stop_reason == "end of run") queue_.advance_to(end_ns_);
  finish(result);
}

void World::dispatch(const Event& e) {
  switch (e.kind) {
    case kDeliver: deliver(e.arg); break;
    case kTimer: fire_timer(e.target, e.arg); break;
    case kFault: apply_fault(steps_[e.arg]); break;
    case kClientNext: client_next(e.target); break;
    case kClientTimeout:
      client_timeout(e.target, e.arg / kAttemptsLimit, static_cast<std::uint32_t>(e.arg % kAttemptsLimit));
      break;
    case kRequestArrive: arrive_request(e.arg); break;
    case kReplyArrive: client_reply(e.arg); break;
    case kFinalPhase: start_final_phase(); break;
    case kHandle: handle_backlogged(e.target, e.arg); break;
    default: assert(false && "unknown event kind");
  }
}

// With thousands of nodes and tens of thousands of messages in flight, what an event touches is
// rarely in the cache. The next event is known one event ahead, so its lines are fetched in two
// stages while this one runs: its flight and node record first, then (once those have arrived)
// the message and the process they point to. Hints only (the next event may yet change, and a
// prefetch of a null pointer does nothing): they cannot shape the run.
void World::prefetch_records(const Event& next) const {
  if (next.kind == kDeliver) __builtin_prefetch(&flights_[next.arg]);
  if (next.kind == kDeliver || next.kind == kTimer) __builtin_prefetch(&nodes_[next.target]);
}

void World::prefetch_objects(const Event& next) const {
  if (next.kind == kDeliver) __builtin_prefetch(flights_[next.arg].message.get());
  if (next.kind == kDeliver || next.kind == kTimer) __builtin_prefetch(nodes_[next.target].process.get());
}

void World::after_node_event(NodeId node) {
  if (!observer_ || stopped_) return;
  if (auto finding = observer_->after_event(*this, node)) {
    finding->kind = Finding::Kind::safety;
    if (finding->at_ns == 0) finding->at_ns = queue_.now_ns();
    record_finding(*finding);
    stopped_ = true;
  }
}

// ---- Nodes -------------------------------------------------------------------------------------

void World::boot(NodeId node) {
  Node& n = nodes_[node];
  assert(!n.process);
  n.process = protocol_->make_node(node);
  n.paused = false;
  record(TraceKind::start, node, 0, [] { return nlohmann::json::object(); });
  n.process->on_start(n.ctx);
  after_node_event(node);
}

void World::crash(NodeId node, bool lose_unsynced) {
  Node& n = nodes_[node];
  n.process.reset();
  n.paused = false;
  n.timers.clear();
  n.missed.clear();
  n.annotations.clear();
  clear_backlog(node);
  if (lose_unsynced) n.storage.lose_unsynced();
}

void World::send(NodeId from, NodeId to, MessagePtr message) {
  assert(message);
  assert(to < nodes_.size() && "send to a node that does not exist");
  ++stats_.messages_sent;
  count_activity(from, Activity::message);
  const std::uint64_t id = next_message_id_++;
  const std::uint64_t digest = message->digest();
  record(TraceKind::send, from, hash_combine(digest, to), [&] {
    return nlohmann::json{{"to", to}, {"msg", id}, {"type", message->type()}, {"payload", message->to_json()}};
  });
  const Routing routing = network_.route(from, to, queue_.now_ns(), message->type());
  if (routing.fate != Routing::Fate::deliver) {
    ++stats_.messages_dropped;
    const bool lost = routing.fate == Routing::Fate::lost;
    record(TraceKind::drop, from, lost ? 1 : 2, [&] {
      return nlohmann::json{{"to", to}, {"msg", id}, {"type", message->type()}, {"reason", lost ? "loss" : "partition"}};
    });
    return;
  }
  if (routing.duplicate_at_ns) {
    ++stats_.messages_duplicated;
    const std::uint64_t copy = next_message_id_++;
    record(TraceKind::duplicate, from, copy, [&] {
      return nlohmann::json{{"to", to}, {"msg", id}, {"copy", copy}, {"type", message->type()},
                            {"deliver_at", *routing.duplicate_at_ns}};
    });
    const auto slot = flights_.put(Flight{from, to, copy, digest, message});
    queue_.push(*routing.duplicate_at_ns, kDeliver, to, slot);
  }
  const auto slot = flights_.put(Flight{from, to, id, digest, std::move(message)});
  queue_.push(routing.deliver_at_ns, kDeliver, to, slot);
}

void World::deliver(std::uint64_t slot) {
  const Flight& f = flights_[slot];
  Node& n = nodes_[f.to];
  const char* drop_reason = nullptr;
  if (network_.blocked(f.from, f.to)) {
    drop_reason = "partition";
  } else if (network_.clogged(f.from, f.to)) {
    held_[{f.from, f.to}].push_back(slot);
    record(TraceKind::hold, f.to, f.id, [&] { return nlohmann::json{{"from", f.from}, {"msg", f.id}}; });
    return;
  } else if (!n.process) {
    drop_reason = "crashed";
  } else if (n.paused) {
    n.missed.push_back(Missed{kDeliver, slot});
    return;
  }
  if (drop_reason) {
    Flight flight = flights_.take(slot);
    ++stats_.messages_dropped;
    record(TraceKind::drop, flight.to, hash_bytes(drop_reason), [&] {
      return nlohmann::json{{"from", flight.from}, {"msg", flight.id}, {"type", flight.message->type()},
                            {"reason", drop_reason}};
    });
    return;
  }
  if (defer(f.to, kDeliver, slot)) return;
  handle_message(slot);
}

void World::handle_message(std::uint64_t slot) {
  Flight flight = flights_.take(slot);
  Node& n = nodes_[flight.to];
  assert(n.process && !n.paused);
  ++stats_.messages_delivered;
  record(TraceKind::deliver, flight.to, hash_combine(flight.digest, flight.from), [&] {
    nlohmann::json data = {{"from", flight.from}, {"msg", flight.id}, {"type", flight.message->type()}};
    add_queued(data);
    return data;
  });
  n.process->on_message(n.ctx, flight.from, *flight.message);
  after_node_event(flight.to);
}

// Only links holding messages are looked at (never every link a clog covered), in link order.
void World::release_opened_links() {
  for (auto it = held_.begin(); it != held_.end();) {
    const NodePair link = it->first;
    if (network_.clogged(link.first, link.second)) {
      ++it;
      continue;
    }
    for (std::uint64_t slot : it->second) queue_.push(queue_.now_ns(), kDeliver, link.second, slot);
    it = held_.erase(it);
  }
}

TimerId World::set_timer(NodeId node, TimeNs after_ns, std::uint64_t tag) {
  assert(after_ns >= 0);
  Node& n = nodes_[node];
  const TimerId id = next_timer_id_++;
  Timer timer;
  timer.tag = tag;
  timer.due_local_ns = n.clock.local_at(queue_.now_ns()) + after_ns;
  timer.due_true_ns = std::max(queue_.now_ns(), n.clock.true_at(timer.due_local_ns));
  n.timers.emplace(id, timer);
  queue_.push(timer.due_true_ns, kTimer, node, id);
  return id;
}

// After a clock change every pending timer's true due time moves; the old queue entries become
// stale (their time no longer matches) and are skipped when they surface.
void World::reschedule_timers(NodeId node) {
  Node& n = nodes_[node];
  for (auto& [id, timer] : n.timers) {
    if (timer.due_true_ns == kTimeNever) continue;  // already due while paused
    const TimeNs due = std::max(queue_.now_ns(), n.clock.true_at(timer.due_local_ns));
    if (due == timer.due_true_ns) continue;
    timer.due_true_ns = due;
    queue_.push(due, kTimer, node, id);
  }
}

void World::fire_timer(NodeId node, TimerId id) {
  Node& n = nodes_[node];
  auto it = n.timers.find(id);
  if (it == n.timers.end() || it->second.due_true_ns != queue_.now_ns()) return;  // cancelled or stale
  if (n.paused) {
    n.missed.push_back(Missed{kTimer, id});
    it->second.due_true_ns = kTimeNever;  // due; fires on resume
    return;
  }
  if (defer(node, kTimer, id)) {
    it->second.due_true_ns = kTimeNever;  // due; fires when the slow node gets to it
    return;
  }
  handle_timer(node, id);
}

void World::handle_timer(NodeId node, TimerId id) {
  Node& n = nodes_[node];
  assert(n.process && !n.paused);
  auto it = n.timers.find(id);
  if (it == n.timers.end()) return;  // cancelled while it waited
  const std::uint64_t tag = it->second.tag;
  n.timers.erase(it);
  ++stats_.timers_fired;
  count_activity(node, Activity::timer);
  record(TraceKind::timer, node, tag, [&] {
    nlohmann::json data = {{"timer", id}, {"tag", tag}};
    add_queued(data);
    return data;
  });
  n.process->on_timer(n.ctx, id, tag);
  after_node_event(node);
}

void World::reply(NodeId node, const Request& request, Reply reply) {
  const std::uint32_t client = request.client;
  assert(client < clients_.size());
  const TimeNs latency_ns = sample_latency(scenario_.network.client_latency, clients_[client].rng);
  const std::uint64_t op = request.id;
  record(TraceKind::send, node, hash_combine(op, static_cast<std::uint64_t>(reply.status)), [&] {
    return nlohmann::json{{"to", nodes_.size() + client}, {"op", op}, {"type", "Reply"},
                          {"payload", {{"status", reply.status == Reply::Status::ok     ? "ok"
                                                  : reply.status == Reply::Status::fail ? "fail"
                                                                                        : "redirect"},
                                       {"value", reply.value},
                                       {"error", reply.error}}}};
  });
  const auto slot = replies_.put(ClientReplyFlight{client, op, request.attempt, node, std::move(reply)});
  queue_.push(queue_.now_ns() + latency_ns, kReplyArrive, client, slot);
}

void World::annotate(NodeId node, std::string_view key, const nlohmann::json& value) {
  // Annotations shape nothing but the trace and the faults that choose their node by them.
  if (!keep_annotations_) return;
  auto& annotations = nodes_[node].annotations;
  auto it = annotations.find(key);
  if (it != annotations.end() && it->second.value == value) return;
  annotations[std::string(key)] = Annotation{value, queue_.now_ns()};
  if (tracing()) {
    append_trace(TraceEvent{queue_.now_ns(), TraceKind::annotate, node, nlohmann::json{{"key", key}, {"value", value}}});
  }
}

}  // namespace dsim
