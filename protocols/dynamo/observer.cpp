#include "protocols/dynamo/observer.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace dsim::dynamo {

namespace {

void add(Counters& into, const Counters& c) {
  into.reads += c.reads, into.writes += c.writes, into.read_merge_writes += c.read_merge_writes;
  into.gave_up += c.gave_up, into.reads_ok += c.reads_ok, into.writes_ok += c.writes_ok;
  into.reads_with_siblings += c.reads_with_siblings;
  into.read_repairs += c.read_repairs, into.hinted_writes += c.hinted_writes, into.handoffs += c.handoffs;
  into.ae_exchanges += c.ae_exchanges, into.ae_messages += c.ae_messages, into.ae_bytes += c.ae_bytes;
  into.ae_keys_sent += c.ae_keys_sent;
}

std::string show(const Sibling& s) { return fmt::format("{} (ts {} from n{})", s.value.dump(), s.ts, s.origin); }

}  // namespace

void DynamoObserver::fold(Track& t, const Node* now) {
  add(total_, t.last);
  t.last = Counters{};
  t.incarnation = now;
  t.held.clear();
}

std::optional<Finding> DynamoObserver::after_event(const ClusterView& view, NodeId id) {
  if (tracks_.size() < view.size()) tracks_.resize(view.size());
  const auto* node = static_cast<const Node*>(view.process(id));
  Track& t = tracks_[id];
  if (node != t.incarnation) fold(t, node);
  if (!node) return std::nullopt;
  t.last = node->counters();
  for (const auto& [key, write] : node->acknowledged()) acknowledged_[key].push_back(write);
  for (const std::string& key : node->changed()) {
    const Record& now = node->data().at(key);
    max_siblings_ = std::max<std::uint64_t>(max_siblings_, now.siblings.size());
    Record& before = t.held[key];
    for (const Sibling& s : before.siblings) {
      if (covers(now, s, options_.versioning)) continue;
      return Finding{Finding::Kind::safety, "invariant", "replica-monotonic",
                     fmt::format("node {} key '{}' held {} and now holds a version that does not cover it", id, key,
                                 show(s)),
                     0, {{"node", id}, {"key", key}}};
    }
    before = now;
  }
  return std::nullopt;
}

std::optional<Finding> DynamoObserver::check_convergence(const ClusterView& view, const std::string& key) const {
  std::vector<std::pair<NodeId, Record>> replicas;
  for (NodeId r : ring_->preference_list(key, options_.n)) {
    const auto* node = static_cast<const Node*>(view.process(r));
    if (!node) continue;  // down at the end: nothing to compare
    auto it = node->data().find(key);
    replicas.emplace_back(r, it == node->data().end() ? Record{} : it->second);
  }
  for (const auto& [r, record] : replicas) {
    if (digest(record) != digest(replicas.front().second)) {
      return Finding{Finding::Kind::safety, "convergence", "diverged",
                     fmt::format("key '{}': replicas n{} and n{} still hold different versions ({} vs {} siblings)", key,
                                 replicas.front().first, r, replicas.front().second.siblings.size(),
                                 record.siblings.size()),
                     0, {{"key", key}, {"nodes", {replicas.front().first, r}}}};
    }
  }
  auto acked = acknowledged_.find(key);
  if (acked == acknowledged_.end() || replicas.empty()) return std::nullopt;
  for (const Sibling& write : acked->second) {
    if (covers(replicas.front().second, write, options_.versioning)) continue;
    return Finding{Finding::Kind::safety, "convergence", "lost-acknowledged-write",
                   fmt::format("key '{}': the acknowledged write of {} is held by no home replica", key, show(write)), 0,
                   {{"key", key}}};
  }
  return std::nullopt;
}

nlohmann::json DynamoObserver::metrics(const ClusterView& view) const {
  std::uint64_t hints = 0, keys = 0, sibling_keys = 0;
  for (NodeId id = 0; id < view.size(); ++id) {
    const auto* node = static_cast<const Node*>(view.process(id));
    if (!node) continue;
    hints += node->hints().size();
    for (const auto& [key, record] : node->data()) {
      ++keys;
      sibling_keys += record.siblings.size() > 1;
    }
  }
  return {{"reads", total_.reads}, {"writes", total_.writes}, {"read_merge_writes", total_.read_merge_writes},
          {"gave_up", total_.gave_up}, {"reads_ok", total_.reads_ok}, {"writes_ok", total_.writes_ok}, {"reads_with_siblings", total_.reads_with_siblings},
          {"max_siblings", max_siblings_}, {"replica_keys_with_siblings", sibling_keys}, {"replica_keys", keys},
          {"read_repairs", total_.read_repairs}, {"hinted_writes", total_.hinted_writes},
          {"handoffs", total_.handoffs}, {"hints_outstanding", hints},
          {"anti_entropy", {{"exchanges", total_.ae_exchanges}, {"messages", total_.ae_messages},
                            {"bytes", total_.ae_bytes}, {"keys_sent", total_.ae_keys_sent}}}};
}

void DynamoObserver::at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) {
  // A key written (or possibly written) within convergence_ms of the end is still settling.
  std::set<std::string> settling;
  for (const check::Operation& op : history.ops) {
    const bool write = op.f != "read" && op.f != "get";
    if (write && op.invoke_ns > view.now_ns() - options_.convergence_ns) settling.insert(op.key.value_or(""));
  }
  std::set<std::string> keys;
  for (const auto& [key, writes] : acknowledged_) keys.insert(key);
  for (NodeId id = 0; id < view.size(); ++id) {
    if (const auto* node = static_cast<const Node*>(view.process(id))) {
      for (const auto& [key, record] : node->data()) keys.insert(key);
    }
  }
  for (Track& t : tracks_) fold(t, t.incarnation);
  nlohmann::json m = metrics(view);
  const TimeNs settled_ns = view.now_ns() - calm_ns;
  if (options_.convergence_ns == 0) {
    m["convergence"] = "off";
  } else if (settled_ns < options_.convergence_ns) {
    m["convergence"] = fmt::format("not judged: the run ends {} ms after the calm, before convergence_ms ({} ms)",
                                   ns_to_ms(settled_ns), ns_to_ms(options_.convergence_ns));
  } else {
    const auto judged = std::count_if(keys.begin(), keys.end(), [&](const std::string& k) { return !settling.count(k); });
    m["convergence"] = fmt::format("judged {} keys ({} written too late to judge)", judged, keys.size() - judged);
    for (const std::string& key : keys) {
      if (settling.count(key)) continue;
      if (auto f = check_convergence(view, key)) {
        f->at_ns = view.now_ns();
        report.findings.push_back(std::move(*f));
        break;  // one is enough to name the failure
      }
    }
  }
  report.metrics["dynamo"] = std::move(m);
}

}  // namespace dsim::dynamo
