#include "protocols/dynamo/node.h"

#include <algorithm>
#include <cassert>
#include <set>

#include <fmt/format.h>

#include "sim/core/hash.h"

namespace dsim::dynamo {

namespace {

constexpr std::uint64_t kHandoffTag = 1;
constexpr std::uint64_t kAntiEntropyTag = 2;
constexpr std::uint64_t kOpBit = std::uint64_t{1} << 63;  // op ids never collide with the tags above
constexpr std::size_t kHandoffsPerRound = 64;

std::string data_key(const std::string& key) { return "d/" + key; }
std::string hint_key(NodeId home, const std::string& key) { return fmt::format("h/{:05}/{}", home, key); }

// The new value of a read-merge-write: a set add (union, sorted) or a string append.
nlohmann::json merged_value(const Request& request, const nlohmann::json& current) {
  if (request.f == "append") return (current.is_string() ? current.get<std::string>() : "") + request.value.get<std::string>();
  std::set<nlohmann::json> elements;
  if (current.is_array()) elements.insert(current.begin(), current.end());
  elements.insert(request.value);
  return nlohmann::json(std::vector<nlohmann::json>(elements.begin(), elements.end()));
}

}  // namespace

void Node::on_start(Context& ctx) {
  ctx.storage().scan_prefix("d/", [&](const std::string& k, const std::string& bytes) {
    const bool ok = fields::decode(bytes, data_[k.substr(2)]);
    assert(ok && "storage holds only records this node encoded");
    (void)ok;
  });
  ctx.storage().scan_prefix("h/", [&](const std::string& k, const std::string& bytes) {
    const auto home = static_cast<NodeId>(std::stoul(k.substr(2, 5)));
    const bool ok = fields::decode(bytes, hints_[{home, k.substr(8)}]);
    assert(ok && "storage holds only hints this node encoded");
    (void)ok;
  });
  self_ = ctx.self();
  nonce_ = ctx.rng().next_u64();
  next_peer_ = (ctx.self() + 1) % ctx.cluster_size();
  if (options_.sloppy_quorum) ctx.set_timer(options_.handoff_ns, kHandoffTag);
  // Spread the first exchanges so that nodes do not all compare at once.
  if (options_.anti_entropy_ns > 0 && ctx.cluster_size() > 1) {
    const auto spread = static_cast<TimeNs>(ctx.rng().below(static_cast<std::uint64_t>(options_.anti_entropy_ns)));
    ctx.set_timer(options_.anti_entropy_ns + spread, kAntiEntropyTag);
  }
}

const std::vector<NodeId>& Node::preference(const std::string& key) const {
  auto it = preference_.find(key);
  if (it == preference_.end()) it = preference_.emplace(key, ring_->walk(key)).first;
  return it->second;
}

bool Node::suspected(Context& ctx, NodeId node) const {
  auto it = suspect_until_.find(node);
  return node != ctx.self() && it != suspect_until_.end() && ctx.now() < it->second;
}

// ---- Coordinator ----

void Node::on_request(Context& ctx, const Request& request) {
  changed_.clear();
  acknowledged_.clear();
  Kind kind;
  if (request.f == "read" || request.f == "get") {
    kind = Kind::read;
  } else if (request.f == "write" || request.f == "put") {
    kind = Kind::write;
  } else if (request.f == "add" || (request.f == "append" && request.value.is_string())) {
    kind = Kind::merge_write;
  } else {
    return ctx.reply(request, Reply::fail("unsupported: " + request.f + " (Dynamo has no atomic read-modify-write)"));
  }
  const std::uint64_t id = hash_combine(nonce_, ++next_op_) | kOpBit;
  Op& op = ops_[id];
  op.request = request;
  op.kind = kind;
  op.key = request.key.value_or("");
  op.give_up_ns = ctx.now() + options_.op_timeout_ns;
  ++(kind == Kind::read ? counters_.reads : kind == Kind::write ? counters_.writes : counters_.read_merge_writes);
  // A blind LWW write needs no context; everything else reads first.
  if (kind == Kind::write && options_.versioning == Versioning::lww) {
    begin_write(ctx, id, op);
  } else {
    start_phase(ctx, id, op, Phase::read, options_.r);
  }
  ctx.set_timer(options_.replica_timeout_ns, id);
}

std::vector<NodeId> Node::targets(Context& ctx, const std::string& key, std::map<NodeId, NodeId>& hint_for) {
  const std::vector<NodeId>& walk = preference(key);
  std::vector<NodeId> out(walk.begin(), walk.begin() + options_.n);
  if (!options_.sloppy_quorum) return out;
  std::size_t next = options_.n;
  for (NodeId& target : out) {
    if (!suspected(ctx, target)) continue;
    while (next < walk.size() && suspected(ctx, walk[next])) ++next;
    if (next == walk.size()) break;
    hint_for[walk[next]] = target;
    target = walk[next++];
  }
  return out;
}

void Node::start_phase(Context& ctx, std::uint64_t id, Op& op, Phase phase, std::uint32_t needed) {
  op.phase = phase;
  op.hint_for.clear();
  op.wait = quorum::QuorumWait<Record>(targets(ctx, op.key, op.hint_for), needed, op.give_up_ns);
  for (NodeId to : op.wait.replicas()) send_phase(ctx, id, op, to);
}

void Node::send_phase(Context& ctx, std::uint64_t id, const Op& op, NodeId to) {
  if (op.phase == Phase::read) return ctx.send(to, Get{id, op.key});
  auto hint = op.hint_for.find(to);
  std::optional<std::uint32_t> home;
  if (hint != op.hint_for.end()) home = hint->second;
  if (op.phase == Phase::write) return ctx.send(to, Put{id, op.key, Record{{op.written}}, home, false});
  ctx.send(to, Put{id, op.key, op.merged, std::nullopt, true});
}

void Node::on_reply(Context& ctx, NodeId from, std::uint64_t id, const Record* record) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;  // a late answer to a finished operation
  Op& op = it->second;
  if ((op.phase == Phase::read) != (record != nullptr)) return;  // an answer for another phase
  const auto state = op.wait.answer(from, record ? *record : Record{});
  if (op.phase == Phase::read) {
    if (op.answered) {  // async read repair: repair once every replica asked has answered
      if (op.wait.silent().empty()) {
        repair(ctx, id, op);
        ops_.erase(it);
      }
      return;
    }
    if (state == quorum::QuorumWait<Record>::State::reached) read_reached(ctx, id, op);
    return;
  }
  if (state != quorum::QuorumWait<Record>::State::reached) return;
  if (op.phase == Phase::write) {
    acknowledged_.emplace_back(op.key, op.written);
    answer(ctx, op, Reply::ok());
  } else {
    answer(ctx, op, Reply::ok(resolve(op.merged)));
  }
  ops_.erase(it);
}

void Node::read_reached(Context& ctx, std::uint64_t id, Op& op) {
  Record merged;
  for (const auto& [node, record] : op.wait.answers()) merged = merge(merged, record, options_.versioning);
  op.merged = merged;
  if (op.kind != Kind::read) return begin_write(ctx, id, op);
  if (merged.siblings.size() > 1) ++counters_.reads_with_siblings;
  if (options_.read_repair == ReadRepair::sync && repair(ctx, id, op)) return;  // answered once repaired
  answer(ctx, op, Reply::ok(resolve(merged)));
  if (options_.read_repair == ReadRepair::async && !op.wait.silent().empty()) {
    op.answered = true;  // wait for the other replicas, then repair them too
    return;
  }
  if (options_.read_repair == ReadRepair::async) repair(ctx, id, op);
  ops_.erase(id);
}

// Sends the reconciled version to every replica that answered with less; with sync repair the op
// then waits for their acknowledgements. Returns whether any replica needed it.
bool Node::repair(Context& ctx, std::uint64_t id, Op& op) {
  std::vector<NodeId> outdated;
  for (const auto& [node, record] : op.wait.answers()) {
    if (digest(record) != digest(op.merged)) outdated.push_back(node);
  }
  if (outdated.empty()) return false;
  counters_.read_repairs += outdated.size();
  const auto needed = static_cast<std::uint32_t>(outdated.size());
  op.phase = Phase::repair;
  op.hint_for.clear();
  op.wait = quorum::QuorumWait<Record>(std::move(outdated), needed, op.give_up_ns);
  for (NodeId to : op.wait.replicas()) send_phase(ctx, id, op, to);
  return true;
}

void Node::begin_write(Context& ctx, std::uint64_t id, Op& op) {
  Sibling& s = op.written;
  s.value = op.kind == Kind::merge_write ? merged_value(op.request, resolve(op.merged)) : op.request.value;
  s.ts = static_cast<std::uint64_t>(std::max<TimeNs>(0, ctx.now()));
  s.origin = ctx.self();
  if (options_.versioning == Versioning::vclock) {
    s.clock = context(op.merged);
    s.clock[id] = 1;  // the write is its own actor (version.h)
  }
  start_phase(ctx, id, op, Phase::write, options_.w);
}

void Node::answer(Context& ctx, Op& op, Reply reply) {
  assert(!op.answered);
  op.answered = true;
  if (reply.status == Reply::Status::ok) ++(op.kind == Kind::read ? counters_.reads_ok : counters_.writes_ok);
  ctx.reply(op.request, std::move(reply));
}

void Node::op_timer(Context& ctx, std::uint64_t id) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;
  Op& op = it->second;
  if (op.answered) {  // async repair: repair whoever answered by now
    repair(ctx, id, op);
    ops_.erase(it);
    return;
  }
  if (op.wait.expire(ctx.now()) == quorum::QuorumWait<Record>::State::failed) {
    ++counters_.gave_up;
    // Until the write phase nothing was written (a repair only spreads existing versions): a
    // definite failure. A write may have reached some replicas: left unanswered (`info`).
    if (op.phase != Phase::write) answer(ctx, op, Reply::fail("no quorum answered"));
    ops_.erase(it);
    return;
  }
  for (NodeId silent : op.wait.silent()) {
    if (silent != ctx.self()) suspect_until_[silent] = ctx.now() + options_.suspect_ns;
  }
  if (options_.sloppy_quorum && op.phase != Phase::repair) add_fallbacks(ctx, id, op);
  for (NodeId to : op.wait.silent()) send_phase(ctx, id, op, to);  // and resend: messages get lost
  ctx.set_timer(options_.replica_timeout_ns, id);
}

// Sloppy quorum: each silent replica is replaced by the next healthy node on the ring, which
// stands in for the same home replica.
void Node::add_fallbacks(Context& ctx, std::uint64_t id, Op& op) {
  const std::vector<NodeId>& walk = preference(op.key);
  const auto& asked = op.wait.replicas();
  for (NodeId silent : op.wait.silent()) {
    auto home_it = op.hint_for.find(silent);
    const NodeId home = home_it == op.hint_for.end() ? silent : home_it->second;
    for (std::size_t i = options_.n; i < walk.size(); ++i) {
      const NodeId f = walk[i];
      if (std::find(asked.begin(), asked.end(), f) != asked.end() || suspected(ctx, f)) continue;
      op.wait.add_replica(f);
      op.hint_for[f] = home;
      send_phase(ctx, id, op, f);
      break;
    }
  }
}

// ---- Replica ----

Record Node::view(const std::string& key) const {
  Record out;
  if (auto it = data_.find(key); it != data_.end()) out = it->second;
  for (const auto& [home_key, record] : hints_) {
    if (home_key.second == key) out = merge(out, record, options_.versioning);
  }
  return out;
}

void Node::store(Context& ctx, const std::string& key, const Record& incoming, bool replace) {
  Record& mine = data_[key];
  Record next = replace ? incoming : merge(mine, incoming, options_.versioning, options_.bugs.merge_drops_sibling);
  if (digest(next) == digest(mine)) return;
  mine = std::move(next);
  ctx.storage().put_value(data_key(key), mine);
  ctx.storage().sync();  // durable before acknowledged
  changed_.push_back(key);
}

void Node::store_hint(Context& ctx, NodeId home, const std::string& key, const Record& incoming) {
  Record& hint = hints_[{home, key}];
  hint = merge(hint, incoming, options_.versioning, options_.bugs.merge_drops_sibling);
  ++counters_.hinted_writes;
  if (options_.bugs.hints_in_memory) return;  // the bug: a restart forgets the hint
  ctx.storage().put_value(hint_key(home, key), hint);
  ctx.storage().sync();
}

void Node::on_put(Context& ctx, NodeId from, const Put& put) {
  if (put.hint_for && *put.hint_for != ctx.self()) {
    store_hint(ctx, *put.hint_for, put.key, put.record);
  } else {
    store(ctx, put.key, put.record, put.repair && options_.bugs.read_repair_older_wins);
  }
  ctx.send(from, PutAck{put.op});
}

void Node::hand_off(Context& ctx) {
  std::size_t sent = 0;
  for (const auto& [home_key, record] : hints_) {
    if (sent++ == kHandoffsPerRound) break;
    ctx.send(home_key.first, Handoff{home_key.second, record});
  }
  ctx.set_timer(options_.handoff_ns, kHandoffTag);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  changed_.clear();
  acknowledged_.clear();
  suspect_until_.erase(from);  // it answered: reachable again
  if (const auto* g = message.as<Get>()) return ctx.send(from, GetReply{g->op, view(g->key)});
  if (const auto* r = message.as<GetReply>()) return on_reply(ctx, from, r->op, &r->record);
  if (const auto* p = message.as<Put>()) return on_put(ctx, from, *p);
  if (const auto* a = message.as<PutAck>()) return on_reply(ctx, from, a->op, nullptr);
  if (const auto* h = message.as<Handoff>()) {
    store(ctx, h->key, h->record);
    return ctx.send(from, HandoffAck{h->key, digest(h->record)});
  }
  if (const auto* h = message.as<HandoffAck>()) {
    auto it = hints_.find({from, h->key});
    if (it == hints_.end() || digest(it->second) != h->digest) return;  // changed since: offer again
    hints_.erase(it);
    ++counters_.handoffs;
    if (!options_.bugs.hints_in_memory) {
      ctx.storage().erase(hint_key(from, h->key));
      ctx.storage().sync();
    }
    return;
  }
  if (const auto* m = message.as<MerkleLevel>()) return on_merkle_level(ctx, from, *m);
  if (const auto* m = message.as<MerkleKeys>()) return on_merkle_keys(ctx, from, *m);
  if (const auto* m = message.as<MerkleRecords>()) return on_merkle_records(ctx, from, *m);
}

void Node::on_timer(Context& ctx, TimerId, std::uint64_t tag) {
  changed_.clear();
  acknowledged_.clear();
  if (tag == kHandoffTag) return hand_off(ctx);
  if (tag == kAntiEntropyTag) return start_exchange(ctx);
  assert(tag & kOpBit);
  op_timer(ctx, tag);
}

}  // namespace dsim::dynamo
