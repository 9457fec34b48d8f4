#include "protocols/abd/node.h"

#include <cassert>

#include "sim/core/hash.h"

namespace dsim::abd {

namespace {
std::string storage_key(const std::string& key) { return "r/" + key; }
}  // namespace

void Node::on_start(Context& ctx) {
  ctx.storage().scan_prefix("r/", [&](const std::string& k, const std::string& bytes) {
    Stored s;
    const bool ok = fields::decode(bytes, s);
    assert(ok && "storage holds only registers this node encoded");
    (void)ok;
    registers_[k.substr(2)] = s;
  });
  // Replies to a previous incarnation's operations must not be taken for this one's.
  nonce_ = ctx.rng().next_u64();
}

void Node::store(Context& ctx, const std::string& key, const Stored& stored) {
  auto& mine = registers_[key];
  if (!(mine.tag < stored.tag)) return;
  mine = stored;
  ctx.storage().put_value(storage_key(key), stored);
  ctx.storage().sync();  // durable before acknowledged: a majority must keep what it promised
}

void Node::on_request(Context& ctx, const Request& request) {
  const bool read = request.f == "read" || request.f == "get";
  if (!read && request.f != "write" && request.f != "put") {
    return ctx.reply(request, Reply::fail("unsupported: " + request.f + " (ABD is a read/write register)"));
  }
  const std::uint64_t id = hash_combine(nonce_, ++next_op_);
  Op& op = ops_[id];
  op.request = request;
  op.read = read;
  op.key = request.key.value_or("");
  op.give_up_ns = ctx.now() + options_.op_timeout_ns;
  if (read) ++counters_.reads; else ++counters_.writes;
  start_round(ctx, id, op, Phase::query);
  ctx.set_timer(options_.retransmit_ns, id);
}

void Node::start_round(Context& ctx, std::uint64_t id, Op& op, Phase phase) {
  op.phase = phase;
  const std::uint32_t n = options_.replicas ? options_.replicas : ctx.cluster_size();
  op.wait = quorum::QuorumWait<Stored>(ring_->preference_list(op.key, n), quorum::majority(n), op.give_up_ns);
  for (NodeId to : op.wait.replicas()) send_round(ctx, id, op, to);
}

void Node::send_round(Context& ctx, std::uint64_t id, const Op& op, NodeId to) {
  ++counters_.messages;
  if (op.phase == Phase::query) {
    ctx.send(to, Query{id, op.key});
  } else {
    ctx.send(to, Update{id, op.key, op.chosen});
  }
}

void Node::query_done(Context& ctx, std::uint64_t id, Op& op) {
  Stored highest;
  for (const auto& [node, stored] : op.wait.answers()) {
    if (highest.tag < stored.tag) highest = stored;
  }
  if (op.read) {
    if (options_.bug_read_without_write_back) {
      ++counters_.write_backs_skipped;
      return finish(ctx, id, Reply::ok(highest.value));
    }
    ++counters_.write_backs;
    op.chosen = highest;
  } else {
    op.chosen = Stored{Tag{highest.tag.ts + 1, ctx.self(), id}, op.request.value};
  }
  start_round(ctx, id, op, Phase::update);
}

void Node::finish(Context& ctx, std::uint64_t id, Reply reply) {
  auto it = ops_.find(id);
  assert(it != ops_.end());
  ctx.reply(it->second.request, std::move(reply));
  ops_.erase(it);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  if (const auto* q = message.as<Query>()) {
    auto it = registers_.find(q->key);
    return ctx.send(from, QueryReply{q->op, it == registers_.end() ? Stored{} : it->second});
  }
  if (const auto* u = message.as<Update>()) {
    store(ctx, u->key, u->stored);
    return ctx.send(from, UpdateAck{u->op});
  }
  const auto* reply = message.as<QueryReply>();
  const auto* ack = message.as<UpdateAck>();
  const std::uint64_t id = reply ? reply->op : ack ? ack->op : 0;
  auto it = ops_.find(id);
  if (it == ops_.end()) return;  // an answer to a finished operation
  Op& op = it->second;
  // An answer for the other round (a late query reply during the update) is not evidence.
  if ((op.phase == Phase::query) != (reply != nullptr)) return;
  if (op.wait.answer(from, reply ? reply->stored : Stored{}) != quorum::QuorumWait<Stored>::State::reached) return;
  if (op.phase == Phase::query) return query_done(ctx, id, op);
  // The update round reached a majority: a write is done, a read answers what it wrote back.
  finish(ctx, id, Reply::ok(op.read ? op.chosen.value : nlohmann::json(nullptr)));
}

void Node::on_timer(Context& ctx, TimerId, std::uint64_t id) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;
  Op& op = it->second;
  if (op.wait.expire(ctx.now()) == quorum::QuorumWait<Stored>::State::failed) {
    ++counters_.gave_up;
    // A read took no effect that matters (its write-back only repeats a written value); a write
    // may have reached some replicas, so it is left unanswered and the client records `info`.
    if (op.read) return finish(ctx, id, Reply::fail("no majority answered"));
    ops_.erase(it);
    return;
  }
  for (NodeId to : op.wait.silent()) send_round(ctx, id, op, to);
  ctx.set_timer(options_.retransmit_ns, id);
}

}  // namespace dsim::abd
