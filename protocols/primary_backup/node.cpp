#include "protocols/primary_backup/node.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include <fmt/format.h>

namespace dsim::primary_backup {

namespace {
constexpr std::uint64_t kRetransmitTag = 1;
constexpr std::uint64_t kSyncTag = 2;
std::string entry_key(std::uint64_t version) { return fmt::format("v/{:020}", version); }
}  // namespace

void Node::on_start(Context& ctx) {
  ctx.storage().scan_prefix("v/", [&](const std::string&, const std::string& bytes) {
    Entry e;
    const bool ok = fields::decode(bytes, e);
    assert(ok && "storage holds only entries this node encoded");
    (void)ok;
    entries_[e.version] = e;
    if (e.request_id) version_of_request_[e.request_id] = e.version;
  });
  // The bug: recovery, the least-run path, crashes the process. Only a restart with something
  // stored reaches it.
  if (options_.bug_abort_on_recovery && !entries_.empty()) std::abort();
  // A restarted primary treats everything it stored as committed and re-replicates the last
  // write, whose acknowledgements it may have lost: backups store idempotently.
  if (ctx.self() == kPrimary && !entries_.empty()) {
    committed_version_ = entries_.rbegin()->first;
    in_flight_.reset();
    Entry last = entries_.rbegin()->second;
    for (NodeId peer = 1; peer < ctx.cluster_size(); ++peer) ctx.send(peer, Replicate{last});
  }
  if (options_.sync_ns > 0) ctx.set_timer(options_.sync_ns, kSyncTag);
  ctx.annotate("role", ctx.self() == kPrimary ? "primary" : "backup");
  ctx.annotate("version", entries_.empty() ? 0 : entries_.rbegin()->first);
}

void Node::store(Context& ctx, const Entry& entry) {
  entries_[entry.version] = entry;
  if (entry.request_id) version_of_request_[entry.request_id] = entry.version;
  ctx.storage().put_value(entry_key(entry.version), entry);
  if (!options_.bug_skip_sync && options_.sync_ns == 0) ctx.storage().sync();
  ctx.annotate("version", entries_.rbegin()->first);
}

std::optional<nlohmann::json> Node::committed_value(const std::string& key) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first <= committed_version_ && it->second.key == key) return it->second.value;
  }
  return std::nullopt;
}

void Node::answer_read(Context& ctx, const Request& request) const {
  const auto value = committed_value(request.key.value_or(""));
  ctx.reply(request, Reply::ok(value ? *value : nlohmann::json(nullptr)));
}

void Node::on_request(Context& ctx, const Request& request) {
  if (request.f == "read") {
    if (ctx.self() == kPrimary) return answer_read(ctx, request);
    // The bug: a backup's copy may hold a write the primary has not committed, or miss one it has.
    if (options_.bug_read_from_backup) return ctx.reply(request, Reply::ok([&] {
                                              for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
                                                if (it->second.key == request.key.value_or("")) return it->second.value;
                                              }
                                              return nlohmann::json(nullptr);
                                            }()));
  }
  if (ctx.self() != kPrimary) return ctx.reply(request, Reply::redirect(kPrimary, "backups serve no requests"));
  if (request.f != "write" && request.f != "cas" && request.f != "add") return ctx.reply(request, Reply::fail("unsupported: " + request.f));
  if (duplicate(ctx, request)) return;
  if (queue_.size() >= options_.queue_max) return ctx.reply(request, Reply::fail("busy"));
  queue_.push_back(request);
  start_next_write(ctx);
}

// A client retries a timed-out write with the same request id; applying it again would let it
// take effect twice (a lost update for everything written in between). Answer it instead, and
// only once it is committed.
bool Node::duplicate(Context& ctx, const Request& request) {
  for (Request& queued : queue_) {
    if (queued.id == request.id) {
      queued = request;  // answer the newest attempt
      return true;
    }
  }
  auto it = version_of_request_.find(request.id);
  if (it == version_of_request_.end()) return false;
  if (it->second <= committed_version_) {
    ctx.reply(request, Reply::ok());
  } else if (in_flight_ && in_flight_->first.version == it->second) {
    in_flight_->second = request;
  }
  return true;
}

void Node::start_next_write(Context& ctx) {
  while (!in_flight_ && !queue_.empty()) {
    Request request = std::move(queue_.front());
    queue_.pop_front();
    nlohmann::json value = request.value;
    if (request.f == "cas") {
      // Writes are serialized, so the committed state is the state this cas applies to.
      if (!request.value.is_array() || request.value.size() != 2) {
        ctx.reply(request, Reply::fail("cas takes [expected, new]"));
        continue;
      }
      if (committed_value(request.key.value_or("")).value_or(nullptr) != request.value[0]) {
        ctx.reply(request, Reply::fail("cas mismatch"));
        continue;
      }
      value = request.value[1];
    } else if (request.f == "add") {
      // Writes are serialized, so adding to the committed set loses no concurrent add.
      value = committed_value(request.key.value_or("")).value_or(nlohmann::json::array());
      if (!value.is_array()) value = nlohmann::json::array();
      if (std::find(value.begin(), value.end(), request.value) == value.end()) value.push_back(request.value);
    }
    const std::uint64_t version = entries_.empty() ? 1 : entries_.rbegin()->first + 1;
    Entry entry{version, request.key.value_or(""), value, request.id};
    store(ctx, entry);  // durable before anyone hears of it, so the version is never reused
    in_flight_.emplace(entry, std::move(request));
    acked_.clear();
    broadcast(ctx);
  }
}

void Node::broadcast(Context& ctx) {
  assert(in_flight_);
  if (acked_.size() + 1 == ctx.cluster_size()) {
    committed_version_ = in_flight_->first.version;
    ctx.annotate("committed", committed_version_);
    ctx.reply(in_flight_->second, Reply::ok());
    in_flight_.reset();
    return start_next_write(ctx);
  }
  for (NodeId peer = 1; peer < ctx.cluster_size(); ++peer) {
    if (!acked_.count(peer)) ctx.send(peer, Replicate{in_flight_->first});
  }
  // The bug: a unit slip arms the retransmit with no delay, so the primary resends as fast as the
  // simulator runs: a message storm at one instant.
  if (retransmit_timer_ != 0) ctx.cancel_timer(retransmit_timer_);
  retransmit_timer_ = ctx.set_timer(options_.bug_retransmit_without_delay ? 0 : options_.retransmit_ns, kRetransmitTag);
}

void Node::on_message(Context& ctx, NodeId from, const Message& message) {
  if (const auto* m = message.as<Replicate>()) {
    auto it = entries_.find(m->entry.version);
    assert(it == entries_.end() || it->second.value == m->entry.value || may_diverge());
    if (it == entries_.end()) store(ctx, m->entry);
    ctx.send(from, Ack{m->entry.version});
  } else if (const auto* a = message.as<Ack>()) {
    if (!in_flight_ || a->version != in_flight_->first.version) return;  // an old write's ack
    acked_.insert(from);
    if (acked_.size() + 1 == ctx.cluster_size()) broadcast(ctx);
  }
}

void Node::on_timer(Context& ctx, TimerId timer, std::uint64_t tag) {
  if (tag == kSyncTag) {
    ctx.storage().sync();
    ctx.set_timer(options_.sync_ns, kSyncTag);
    return;
  }
  assert(tag == kRetransmitTag);
  if (timer != retransmit_timer_) return;  // replaced by a later broadcast (cancelling is enough; belt and braces)
  retransmit_timer_ = 0;
  if (in_flight_) broadcast(ctx);
}

}  // namespace dsim::primary_backup
