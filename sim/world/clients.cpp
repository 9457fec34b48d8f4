// Clients: closed-loop, one operation at a time each (a Jepsen "process"), recording what they
// saw as a history. An operation is retried — same request id — after a redirect or a timeout,
// up to attempts_max; it ends `ok`, `fail` (no attempt can have taken effect) or `info` (some
// attempt may have). A client that gives up after redirects records `fail` with output
// {"error": ...}: nothing happened, but no node refused it either, so models must not read it as
// evidence (a failed cas otherwise says its expected value did not match).
#include <algorithm>
#include <cassert>

#include "sim/core/fields.h"
#include "sim/core/hash.h"
#include "sim/net/latency.h"
#include "sim/world/world.h"

namespace dsim {

bool World::clients_may_issue(std::uint32_t client) const {
  const auto& w = scenario_.workload;
  return queue_.now_ns() < stop_issuing_ns_ && (w.ops_max == 0 || static_cast<std::int64_t>(ops_issued_) < w.ops_max) &&
         !generator_->exhausted(client);
}

NodeId World::first_target(std::uint32_t client, const OpTemplate& t) {
  if (t.node) {
    assert(*t.node < nodes_.size() && "a generator targets a node of the cluster");
    return *t.node;
  }
  const auto& w = scenario_.workload;
  switch (w.target) {
    case WorkloadSpec::Target::node: return w.target_node;
    case WorkloadSpec::Target::round_robin:
      return static_cast<NodeId>((client + clients_[client].issued) % nodes_.size());
    case WorkloadSpec::Target::any: break;
  }
  return static_cast<NodeId>(clients_[client].rng.below(nodes_.size()));
}

// The main phase while it lasts, then the final operations dealt to this client.
std::optional<OpTemplate> World::next_op(Client& c, std::uint32_t client) {
  if (final_phase_ != FinalPhase::started && clients_may_issue(client)) return generator_->next(client, c.rng);
  if (c.final_ops.empty()) return std::nullopt;
  OpTemplate t = std::move(c.final_ops.front());
  c.final_ops.pop_front();
  return t;
}

// The main phase is over once every client is idle; the final phase starts when the cluster is
// calm too, plus the generator's delay.
void World::client_idle(std::uint32_t client) {
  clients_[client].idle = true;
  if (final_phase_ != FinalPhase::waiting) return;
  if (!std::all_of(clients_.begin(), clients_.end(), [](const Client& c) { return c.idle; })) return;
  final_phase_ = FinalPhase::scheduled;
  const TimeNs at_ns = std::max(queue_.now_ns(), calm_ns_) + *generator_->final_after_ns();
  queue_.push(at_ns, kFinalPhase, 0, 0);
}

void World::start_final_phase() {
  assert(final_phase_ == FinalPhase::scheduled);
  final_phase_ = FinalPhase::started;
  std::vector<OpTemplate> ops = generator_->final_ops();
  for (std::size_t i = 0; i < ops.size(); ++i) clients_[i % clients_.size()].final_ops.push_back(std::move(ops[i]));
  for (std::uint32_t c = 0; c < clients_.size(); ++c) {
    if (!clients_[c].idle || clients_[c].final_ops.empty()) continue;
    clients_[c].idle = false;
    queue_.push(queue_.now_ns(), kClientNext, c, 0);
  }
}

void World::client_next(std::uint32_t client) {
  Client& c = clients_[client];
  assert(!c.op);
  const std::optional<OpTemplate> next = next_op(c, client);
  if (!next) return client_idle(client);
  const OpTemplate& t = *next;
  const std::uint64_t op = history_.ops.size();
  check::Operation operation;
  operation.process = client;
  operation.f = t.f;
  operation.key = t.key;
  operation.value = t.value;
  operation.type = check::OpType::info;
  operation.invoke_ns = queue_.now_ns();
  heap_bytes_ += operation_heap_bytes(operation);
  history_.ops.push_back(std::move(operation));
  history_client_.push_back(client);
  answered_ns_.push_back(kTimeNever);
  ++ops_issued_;
  c.op = op;
  c.attempt = 0;
  c.maybe_applied = false;
  c.node = first_target(client, t);
  c.pinned = t.pinned && t.node.has_value();
  ++c.issued;
  const auto actor = static_cast<std::int64_t>(nodes_.size() + client);
  record(TraceKind::invoke, actor, hash_combine(hash_bytes(t.f), hash_bytes(fields::json_text(t.value))), [&] {
    const auto& o = history_.ops[op];
    return nlohmann::json{{"op", op}, {"f", o.f}, {"key", o.key ? nlohmann::json(*o.key) : nlohmann::json(nullptr)},
                          {"value", o.value}};
  });
  client_send(client);
}

void World::client_send(std::uint32_t client) {
  Client& c = clients_[client];
  assert(c.op);
  const std::uint64_t op = *c.op;
  const check::Operation& o = history_.ops[op];
  Request request{op, client, c.attempt, o.f, o.key, o.value};
  const auto actor = static_cast<std::int64_t>(nodes_.size() + client);
  record(TraceKind::send, actor, hash_combine(op, c.node), [&] {
    return nlohmann::json{{"to", c.node}, {"op", op}, {"type", "Request"},
                          {"payload", {{"f", o.f}, {"key", o.key ? nlohmann::json(*o.key) : nlohmann::json(nullptr)},
                                       {"value", o.value}, {"attempt", c.attempt}}}};
  });
  const TimeNs latency_ns = sample_latency(scenario_.network.client_latency, c.rng);
  const auto slot = requests_.put(ClientRequestFlight{std::move(request), c.node, op});
  queue_.push(queue_.now_ns() + latency_ns, kRequestArrive, c.node, slot);
  queue_.push(queue_.now_ns() + scenario_.workload.timeout_ns, kClientTimeout, client,
              op * kAttemptsLimit + c.attempt);
}

void World::arrive_request(std::uint64_t slot) {
  const ClientRequestFlight& f = requests_[slot];
  Node& n = nodes_[f.node];
  if (n.process && n.paused) {
    n.missed.push_back(Missed{kRequestArrive, slot});
    return;
  }
  if (!n.process) {
    ClientRequestFlight flight = requests_.take(slot);
    record(TraceKind::drop, flight.node, flight.op, [&] {
      return nlohmann::json{{"from", nodes_.size() + flight.request.client}, {"op", flight.op}, {"type", "Request"},
                            {"reason", "crashed"}};
    });
    return;
  }
  if (defer(f.node, kRequestArrive, slot)) return;
  handle_request(slot);
}

void World::handle_request(std::uint64_t slot) {
  ClientRequestFlight flight = requests_.take(slot);
  Node& n = nodes_[flight.node];
  assert(n.process && !n.paused);
  record(TraceKind::deliver, flight.node, hash_combine(flight.op, flight.request.attempt), [&] {
    nlohmann::json data = {{"from", nodes_.size() + flight.request.client}, {"op", flight.op}, {"type", "Request"}};
    add_queued(data);
    return data;
  });
  n.process->on_request(n.ctx, flight.request);
  after_node_event(flight.node);
}

void World::client_timeout(std::uint32_t client, std::uint64_t op, std::uint32_t attempt) {
  Client& c = clients_[client];
  if (!c.op || *c.op != op || c.attempt != attempt) return;  // answered already
  c.maybe_applied = true;
  if (c.attempt + 1 >= scenario_.workload.attempts_max) {
    client_complete(client, check::OpType::info, nullptr, /*answered=*/false);
    return;
  }
  ++c.attempt;
  if (!c.pinned) c.node = static_cast<NodeId>((c.node + 1) % nodes_.size());
  client_send(client);
}

void World::client_reply(std::uint64_t slot) {
  ClientReplyFlight f = replies_.take(slot);
  Client& c = clients_[f.client];
  const auto actor = static_cast<std::int64_t>(nodes_.size() + f.client);
  record(TraceKind::deliver, actor, hash_combine(f.op, static_cast<std::uint64_t>(f.reply.status)), [&] {
    return nlohmann::json{{"from", f.node}, {"op", f.op}, {"type", "Reply"}};
  });
  // A late answer to an earlier attempt of the current operation still counts: it carries the
  // same request id, so it is an answer about this operation.
  if (!c.op || *c.op != f.op) return;
  switch (f.reply.status) {
    case Reply::Status::ok:
      client_complete(f.client, check::OpType::ok, std::move(f.reply.value), true);
      return;
    case Reply::Status::fail:
      // A definite failure of this attempt; an earlier timed-out attempt may still have applied.
      client_complete(f.client, c.maybe_applied ? check::OpType::info : check::OpType::fail, nullptr, true);
      return;
    case Reply::Status::redirect:
      if (f.attempt != c.attempt) return;  // a stale redirect: the current attempt is elsewhere
      if (c.attempt + 1 >= scenario_.workload.attempts_max) {
        // Every node asked said "not here": nothing happened, and nothing made progress either.
        client_complete(f.client, c.maybe_applied ? check::OpType::info : check::OpType::fail,
                        nlohmann::json{{"error", "gave up after redirects"}}, /*answered=*/false);
        return;
      }
      ++c.attempt;
      if (!c.pinned) {
        c.node = f.reply.leader_hint && *f.reply.leader_hint < nodes_.size()
                     ? *f.reply.leader_hint
                     : static_cast<NodeId>((c.node + 1) % nodes_.size());
      }
      client_send(f.client);
      return;
  }
}

void World::client_complete(std::uint32_t client, check::OpType type, nlohmann::json output, bool answered) {
  Client& c = clients_[client];
  assert(c.op);
  if (answered) answered_ns_[*c.op] = queue_.now_ns();
  check::Operation& o = history_.ops[*c.op];
  o.type = type;
  o.output = std::move(output);
  heap_bytes_ += json_heap_bytes(o.output);
  if (type != check::OpType::info) o.complete_ns = queue_.now_ns();
  const auto actor = static_cast<std::int64_t>(nodes_.size() + client);
  const char* type_name = type == check::OpType::ok ? "ok" : type == check::OpType::fail ? "fail" : "info";
  record(TraceKind::complete, actor, hash_combine(hash_bytes(type_name), hash_bytes(fields::json_text(o.output))), [&] {
    return nlohmann::json{{"op", *c.op}, {"type", type_name}, {"value", o.output}};
  });
  c.op.reset();
  const TimeNs pause_ns = generator_->completed(client, o).value_or(scenario_.workload.think_ns);
  queue_.push(queue_.now_ns() + pause_ns, kClientNext, client, 0);
}

}  // namespace dsim
