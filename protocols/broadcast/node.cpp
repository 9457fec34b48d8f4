#include "protocols/broadcast/node.h"

#include <algorithm>
#include <cassert>
#include <iterator>

#include <fmt/format.h>

namespace dsim::broadcast {

namespace {

std::string value_key(std::int64_t v) { return fmt::format("v/{}", v); }

}  // namespace

void Node::on_start(Context& ctx) {
  neighbours_ = neighbours(options_.topology, ctx.self(), ctx.cluster_size());
  if (options_.durable) {
    // The values clients gave this node, synced before they were acknowledged; the rest comes
    // back by gossip or anti-entropy.
    std::vector<std::int64_t> stored;
    ctx.storage().scan_prefix("v/", [&](const std::string&, const std::string& bytes) {
      StoredValue s;
      if (fields::decode(bytes, s)) stored.push_back(s.value);
    });
    for (auto v : stored) {
      if (learn(v, kFromClient, true)) origins_.push_back(v);
    }
  }
  if (options_.period_ns > 0) {
    const TimeNs first_ns = options_.period_jitter
                                ? 1 + static_cast<TimeNs>(ctx.rng().below(static_cast<std::uint64_t>(options_.period_ns)))
                                : options_.period_ns;
    ctx.set_timer(first_ns, kTick);
  }
  if (options_.anti_entropy_ns > 0 && options_.mode != Mode::anti_entropy) {
    ctx.set_timer(options_.anti_entropy_ns, kAntiEntropy);
  }
}

// Values mostly arrive in increasing order (the workload counts up), so the sorted vector grows
// at its end; a read copies it without walking a tree.
bool Node::insert_value(std::int64_t v) {
  if (values_.empty() || values_.back() < v) {
    values_.push_back(v);
    return true;
  }
  auto it = std::lower_bound(values_.begin(), values_.end(), v);
  if (it != values_.end() && *it == v) return false;
  values_.insert(it, v);
  return true;
}

bool Node::learn(std::int64_t v, NodeId from, bool own) {
  const bool spreads = options_.mode != Mode::anti_entropy && (options_.relay || own);
  if (insert_value(v)) {
    arrivals_.push_back(v);
    if (spreads) hot_[v] = Hot{from, options_.stop_k};
    return true;
  }
  // The bug: with no memory of having forwarded `v`, a copy of it looks like news.
  if (options_.bugs.forget_forwarded && spreads && !hot_.count(v)) hot_[v] = Hot{from, options_.stop_k};
  return false;
}

void Node::on_request(Context& ctx, const Request& request) {
  if (request.f == "read") {
    ctx.reply(request, Reply::ok(nlohmann::json(values_)));
    return;
  }
  if (request.f != "broadcast" || !request.value.is_number_integer()) {
    ctx.reply(request, Reply::fail("expected broadcast with an integer value, or read"));
    return;
  }
  const auto v = request.value.get<std::int64_t>();
  if (learn(v, kFromClient, true)) {
    origins_.push_back(v);
    if (options_.durable) {
      ctx.storage().put_value(value_key(v), StoredValue{v});
      ctx.storage().sync();
    }
  }
  ctx.reply(request, Reply::ok());
  if (options_.mode == Mode::flood && options_.period_ns == 0) flood(ctx);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  if (const Rumors* m = message.as<Rumors>()) {
    receive_rumors(ctx, from, *m);
  } else if (const Pull* p = message.as<Pull>()) {
    (void)p;
    if (!hot_.empty()) send_rumors(ctx, from, hot_values(options_.batch_max), false);
  } else if (const Feedback* f = message.as<Feedback>()) {
    if (options_.feedback) {
      for (auto v : f->known) maybe_cool(ctx, v);
    }
  } else if (const Sync* s = message.as<Sync>()) {
    receive_sync(ctx, from, *s);
  }
  if (options_.mode == Mode::flood && options_.period_ns == 0) flood(ctx);
}

void Node::receive_rumors(Context& ctx, NodeId from, const Rumors& m) {
  // What this batch lacked, taken before learning from it (push-pull answers with it).
  std::vector<std::int64_t> answer;
  if (m.reply) {
    for (const auto& [v, hot] : hot_) {
      if (!std::binary_search(m.values.begin(), m.values.end(), v)) answer.push_back(v);
    }
  }
  std::vector<std::int64_t> known;
  for (auto v : m.values) {
    if (!learn(v, from, false)) known.push_back(v);
  }
  if (m.feedback && !known.empty()) ctx.send(from, Feedback{std::move(known)});
  if (!answer.empty()) {
    if (options_.batch_max > 0 && answer.size() > options_.batch_max) answer.resize(options_.batch_max);
    send_rumors(ctx, from, std::move(answer), false);
  }
}

void Node::receive_sync(Context& ctx, NodeId from, const Sync& m) {
  std::vector<std::int64_t> missing;
  if (m.reply) {
    std::set_difference(values_.begin(), values_.end(), m.values.begin(), m.values.end(), std::back_inserter(missing));
  }
  // A value recovered by anti-entropy missed the epidemic: spread it as if it were this node's own
  // (without relaying, nobody else would).
  for (auto v : m.values) learn(v, from, true);
  if (!missing.empty()) ctx.send(from, Sync{std::move(missing), false});
}

void Node::on_timer(Context& ctx, TimerId, std::uint64_t tag) {
  if (tag == kAntiEntropy) {
    const auto peer = pick_peers(true, {}, ctx.self(), ctx.cluster_size(), 1, ctx.rng());
    for (NodeId p : peer) ctx.send(p, Sync{values_, true});
    ctx.set_timer(options_.anti_entropy_ns, kAntiEntropy);
    return;
  }
  assert(tag == kTick);
  ++period_;
  tick(ctx);
  ctx.set_timer(options_.period_ns, kTick);
}

void Node::tick(Context& ctx) {
  switch (options_.mode) {
    case Mode::push: push(ctx, false); return;
    case Mode::push_pull: push(ctx, true); return;
    case Mode::pull:
      for (NodeId p : peers(ctx)) ctx.send(p, Pull{period_});
      return;
    case Mode::anti_entropy:
      for (NodeId p : peers(ctx)) ctx.send(p, Sync{values_, true});
      return;
    case Mode::flood: flood(ctx); return;
  }
}

// Every hot value to every neighbour but the one it came from, then forgotten as news: a value
// is forwarded once.
void Node::flood(Context& ctx) {
  if (hot_.empty()) return;
  const std::uint32_t n = ctx.cluster_size();
  auto send_to = [&](NodeId to) {
    std::vector<std::int64_t> batch;
    for (const auto& [v, hot] : hot_) {
      if (hot.from != to) batch.push_back(v);
    }
    if (!batch.empty()) ctx.send(to, Rumors{std::move(batch), false, false});
  };
  if (neighbours_.empty() && options_.topology.everyone()) {
    for (NodeId to = 0; to < n; ++to) {
      if (to != ctx.self()) send_to(to);
    }
  } else {
    for (NodeId to : neighbours_) send_to(to);
  }
  hot_.clear();
}

// Rumor spreading: this period's batch of hot values to `fanout` peers. `reply` (push-pull) asks
// each peer for its own, so it is sent even with nothing hot: then it is a pull.
void Node::push(Context& ctx, bool reply) {
  if (hot_.empty() && !reply) return;
  const std::vector<std::int64_t> values = hot_values(options_.batch_max);
  for (NodeId p : peers(ctx)) {
    send_rumors(ctx, p, values, reply);
  }
}

void Node::send_rumors(Context& ctx, NodeId to, std::vector<std::int64_t> values, bool reply) {
  const bool feedback = options_.stop != Stop::none && options_.feedback;
  // Blind: every send counts towards the stop rule, needed or not.
  const std::vector<std::int64_t> sent = options_.stop != Stop::none && !options_.feedback ? values
                                                                                             : std::vector<std::int64_t>{};
  ctx.send(to, Rumors{std::move(values), reply, feedback});
  for (auto v : sent) maybe_cool(ctx, v);
}

void Node::maybe_cool(Context& ctx, std::int64_t v) {
  auto it = hot_.find(v);
  if (it == hot_.end()) return;
  switch (options_.stop) {
    case Stop::none: return;
    case Stop::counter:
      if (--it->second.left == 0) hot_.erase(it);
      return;
    case Stop::coin:
      if (ctx.rng().below(options_.stop_k) == 0) hot_.erase(it);
      return;
  }
}

// Hot values in order, at most `limit` (0: all); a full batch starts after where the last one
// ended, so a long backlog is sent round-robin rather than its head forever.
std::vector<std::int64_t> Node::hot_values(std::size_t limit) {
  std::vector<std::int64_t> out;
  if (limit == 0 || hot_.size() <= limit) {
    out.reserve(hot_.size());
    for (const auto& [v, hot] : hot_) out.push_back(v);
    return out;
  }
  auto it = hot_.lower_bound(batch_cursor_);
  while (out.size() < limit) {
    if (it == hot_.end()) it = hot_.begin();
    out.push_back(it->first);
    ++it;
  }
  batch_cursor_ = out.back() + 1;  // the last taken, before sorting
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<NodeId> Node::peers(Context& ctx) {
  return pick_peers(options_.topology.everyone(), neighbours_, ctx.self(), ctx.cluster_size(), options_.fanout,
                    ctx.rng());
}

}  // namespace dsim::broadcast
