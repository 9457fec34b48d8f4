#include "protocols/commit/observer.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace dsim::commit {

namespace {

Finding safety(std::string name, std::string detail, nlohmann::json data) {
  return Finding{Finding::Kind::safety, "atomic-commit", std::move(name), std::move(detail), 0, std::move(data)};
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

CommitObserver::CommitObserver(ObserverOptions options, std::shared_ptr<const Counters> counters)
    : options_(std::move(options)), counters_(std::move(counters)) {
  nodes_.resize(options_.bank.nodes);
  up_.assign(options_.bank.nodes, true);
}

TxState CommitObserver::state_at(NodeId node, TxId txid) const {
  const auto& states = nodes_[node].states;
  auto it = states.find(txid);
  return it == states.end() ? TxState::none : it->second;
}

std::int64_t CommitObserver::total_balance() const {
  std::int64_t total = 0;
  for (NodeId p = 1; p < nodes_.size(); ++p) {
    for (const auto& [a, b] : nodes_[p].balances) total += b;
  }
  return total;
}

void CommitObserver::set_up(NodeId node, bool up, TimeNs now_ns) {
  if (up_[node] == up) return;
  up_[node] = up;
  for (auto& [key, d] : doubts_) {
    if (key.first != node || d.resolved) continue;
    if (!up && d.open_since_ns) {
      d.held_ns += now_ns - *d.open_since_ns;
      d.open_since_ns.reset();
    } else if (up && in_doubt(state_at(node, key.second))) {
      d.open_since_ns = now_ns;
    }
  }
}

void CommitObserver::on_change(NodeId node, TxId txid, TxState before, TxState after, TimeNs now_ns) {
  if (node == kCoordinator) return;
  auto& d = doubts_[{node, txid}];
  if (in_doubt(after) && !in_doubt(before) && up_[node]) d.open_since_ns = now_ns;
  if (!in_doubt(after) && in_doubt(before)) {
    if (d.open_since_ns) d.held_ns += now_ns - *d.open_since_ns;
    d.open_since_ns.reset();
    d.resolved = decided(after);
    d.left_ns = now_ns;
  }
}

void CommitObserver::update_partial(TxId txid) {
  auto pit = participants_.find(txid);
  if (pit == participants_.end()) return;
  std::size_t committed = 0;
  for (NodeId p : pit->second) committed += state_at(p, txid) == TxState::committed;
  if (committed > 0 && committed < pit->second.size()) {
    partial_.insert(txid);
  } else {
    partial_.erase(txid);
  }
}

TxState CommitObserver::read_record(const Storage& storage, NodeId node, TxId txid) {
  if (node == kCoordinator) {
    CoordRecord r;
    if (!storage.get_value(clog_key(txid), r)) return TxState::none;
    if (!r.participants.empty()) participants_.try_emplace(r.txid, r.participants);
    return r.state;
  }
  TxRecord r;
  if (!storage.get_value(tx_key(txid), r)) return TxState::none;
  note_record(node, r);
  return r.state;
}

void CommitObserver::note_record(NodeId node, const TxRecord& r) {
  if (!r.participants.empty()) participants_.try_emplace(r.txid, r.participants);
  if (r.voted_yes) voted_yes_[r.txid].insert(node);
  if (r.state == TxState::committed) {
    for (const Op& op : r.ops) {
      if (!op.read) deltas_[r.txid][op.account] = op.delta;
    }
  }
}

void CommitObserver::read_balances(const Storage& storage, NodeId node, NodeCache& cache) {
  cache.balances.clear();
  for (Account a = 0; a < options_.bank.accounts; ++a) {
    if (options_.bank.home(a) != node) continue;
    std::int64_t b = options_.bank.initial_balance;
    storage.get_value(balance_key(a), b);
    cache.balances[a] = b;
  }
}

void CommitObserver::changed(const ClusterView& view, NodeId node, TxId txid, TxState before) {
  if (state_at(node, txid) != TxState::none) first_seen_ns_.try_emplace(txid, view.now_ns());
  on_change(node, txid, before, state_at(node, txid), view.now_ns());
  update_partial(txid);
  if (auto f = check_decision(node, txid, view.now_ns())) {
    reported_.insert(txid);
    pending_.push_back(*f);
  }
}

void CommitObserver::rescan(const ClusterView& view, NodeId node, NodeCache& cache) {
  const Storage& storage = view.storage(node);
  std::map<TxId, TxState> states;
  if (node == kCoordinator) {
    storage.scan_prefix(kClogPrefix, [&](const std::string&, const std::string& bytes) {
      CoordRecord r;
      if (!fields::decode(bytes, r)) return;
      states[r.txid] = r.state;
      if (!r.participants.empty()) participants_.try_emplace(r.txid, r.participants);
    });
  } else {
    read_balances(storage, node, cache);
    storage.scan_prefix(kTxPrefix, [&](const std::string&, const std::string& bytes) {
      TxRecord r;
      if (!fields::decode(bytes, r)) return;
      states[r.txid] = r.state;
      note_record(node, r);
    });
  }
  std::set<TxId> diff;
  for (const auto& [txid, s] : states) {
    if (state_at(node, txid) != s) diff.insert(txid);
  }
  for (const auto& [txid, s] : cache.states) {
    if (!states.count(txid)) diff.insert(txid);
  }
  std::map<TxId, TxState> before = std::move(cache.states);
  cache.states = std::move(states);
  for (TxId txid : diff) {
    auto it = before.find(txid);
    changed(view, node, txid, it == before.end() ? TxState::none : it->second);
  }
}

void CommitObserver::reread(const ClusterView& view, NodeId node, NodeCache& cache, const std::vector<TxId>& txids) {
  const Storage& storage = view.storage(node);
  bool balances = false;
  for (TxId txid : txids) {
    const TxState before = state_at(node, txid);
    const TxState after = read_record(storage, node, txid);
    if (after == TxState::none) {
      cache.states.erase(txid);
    } else {
      cache.states[txid] = after;
    }
    balances |= after == TxState::committed;
    if (before != after) changed(view, node, txid, before);
  }
  if (balances && node != kCoordinator) read_balances(storage, node, cache);
}

std::optional<Finding> CommitObserver::check_decision(NodeId node, TxId txid, TimeNs) {
  const TxState mine = state_at(node, txid);
  if (!decided(mine)) return std::nullopt;
  for (NodeId other = 0; other < nodes_.size(); ++other) {
    const TxState theirs = state_at(other, txid);
    if (other == node || !decided(theirs) || theirs == mine) continue;
    return safety("agreement",
                  fmt::format("transaction {} is {} at n{} but {} at n{}", txid, state_name(mine), node,
                              state_name(theirs), other),
                  {{"txid", txid}, {"nodes", {node, other}}, {"states", {state_name(mine), state_name(theirs)}}});
  }
  if (mine == TxState::committed) {
    auto pit = participants_.find(txid);
    if (pit != participants_.end()) {
      for (NodeId p : pit->second) {
        if (!voted_yes_[txid].count(p)) {
          return safety("validity",
                        fmt::format("transaction {} committed at n{} but participant n{} never voted yes", txid, node, p),
                        {{"txid", txid}, {"node", node}, {"participant", p}});
        }
      }
    }
  }
  return std::nullopt;
}

void CommitObserver::refresh(const ClusterView& view, NodeId node) {
  NodeCache& cache = nodes_[node];
  const Process* p = view.process(node);
  std::uint64_t generation = 0;
  if (p) generation = static_cast<const CommitProcess*>(p)->generation();
  const bool same_process = cache.loaded && cache.process == p;
  set_up(node, p != nullptr, view.now_ns());
  if (same_process && cache.generation == generation) return;
  cache.loaded = true;
  cache.process = p;
  cache.generation = generation;
  if (same_process && p) {
    // The same incarnation wrote records during this event: reread just those.
    reread(view, node, cache, static_cast<const CommitProcess*>(p)->touched());
  } else {
    rescan(view, node, cache);  // boot, crash or restart: what survived may differ from memory
  }
}

std::optional<Finding> CommitObserver::after_event(const ClusterView& view, NodeId node) {
  assert(view.size() == nodes_.size());
  for (NodeId n = 0; n < nodes_.size(); ++n) {
    if (!nodes_[n].loaded) refresh(view, n);
  }
  refresh(view, node);
  if (!pending_.empty()) {
    Finding f = pending_.front();
    pending_.erase(pending_.begin());
    return f;
  }
  if (partial_.empty()) {
    const std::int64_t total = total_balance();
    if (total != options_.bank.total()) {
      return safety("conservation",
                    fmt::format("no transaction is partly committed, yet the balances total {} instead of {}", total,
                                options_.bank.total()),
                    {{"total", total}, {"expected", options_.bank.total()}});
    }
  }
  return std::nullopt;
}

// Each transaction decided within the bound: see the header for the rule. The first finding is
// the one with the earliest bound; the detail counts the others.
void CommitObserver::check_decided(TimeNs calm_ns, TimeNs end_ns, Report& report) const {
  assert(options_.decided_within_ns);
  struct Late {
    TimeNs deadline_ns = 0;
    NodeId node = 0;
    TxId txid = 0;
  };
  std::optional<Late> first;
  std::uint64_t late = 0;
  const auto judge = [&](NodeId node, TxId txid, bool undecided) {
    auto it = first_seen_ns_.find(txid);
    if (it == first_seen_ns_.end() || !undecided) return;
    const TimeNs deadline_ns = std::max(calm_ns, it->second) + *options_.decided_within_ns;
    if (deadline_ns > end_ns) return;  // its bound is past the end: not judged
    ++late;
    if (!first || deadline_ns < first->deadline_ns) first = Late{deadline_ns, node, txid};
  };
  for (const auto& [key, d] : doubts_) {
    const auto [node, txid] = key;
    if (!up_[node]) continue;
    const bool open = in_doubt(state_at(node, txid));
    const bool left_late = !open && d.left_ns > 0 &&
                           d.left_ns > std::max(calm_ns, first_seen_ns_.at(txid)) + *options_.decided_within_ns;
    judge(node, txid, open || left_late);
  }
  if (up_[kCoordinator]) {
    for (const auto& [txid, s] : nodes_[kCoordinator].states) judge(kCoordinator, txid, in_doubt(s));
  }
  if (!first) return;
  const TxState s = state_at(first->node, first->txid);
  const auto dit = doubts_.find({first->node, first->txid});
  const std::string state = in_doubt(s) ? fmt::format("still {} at the end ({} ms)", state_name(s), ns_to_ms(end_ns))
                                        : fmt::format("{} only at {} ms", state_name(s), ns_to_ms(dit->second.left_ns));
  report.findings.push_back(Finding{
      Finding::Kind::liveness, "liveness", "transaction-undecided",
      fmt::format("transaction {} is not decided at n{} by {} ms (max(calm {} ms, its first record {} ms) + {} ms): "
                  "{}; {} (node, transaction) pair(s) not decided in time in all",
                  first->txid, first->node, ns_to_ms(first->deadline_ns), ns_to_ms(calm_ns),
                  ns_to_ms(first_seen_ns_.at(first->txid)), ns_to_ms(*options_.decided_within_ns), state, late),
      first->deadline_ns,
      {{"txid", first->txid}, {"node", first->node}, {"state", state_name(s)},
       {"deadline_ms", ns_to_ms(first->deadline_ns)}, {"undecided", late}}});
}

// Agreement at the end: committed somewhere means committed or in doubt everywhere.
void CommitObserver::check_agreement_at_end(Report& report) const {
  for (TxId txid : partial_) {
    if (reported_.count(txid)) continue;  // already reported when it happened
    for (NodeId p : participants_.at(txid)) {
      const TxState s = state_at(p, txid);
      if (s != TxState::none && s != TxState::aborted) continue;
      report.findings.push_back(safety(
          "agreement",
          fmt::format("transaction {} committed at some participants but n{} {}", txid, p,
                      s == TxState::none ? "has no record of it (its prepared state was lost)" : "aborted it"),
          {{"txid", txid}, {"node", p}}));
      break;
    }
  }
}

// Balances: initial plus every committed delta, account by account; the first wrong account of
// each participant is reported.
void CommitObserver::check_balances(Report& report) const {
  std::map<Account, std::int64_t> expected;
  for (Account a = 0; a < options_.bank.accounts; ++a) expected[a] = options_.bank.initial_balance;
  for (const auto& [txid, deltas] : deltas_) {
    for (const auto& [a, d] : deltas) expected[a] += d;
  }
  for (NodeId p = 1; p < nodes_.size(); ++p) {
    for (const auto& [a, b] : nodes_[p].balances) {
      if (b == expected[a]) continue;
      report.findings.push_back(safety("lost-update",
                                       fmt::format("account {} on n{} holds {} but its committed transfers sum to {}",
                                                   a, p, b, expected[a]),
                                       {{"account", a}, {"balance", b}, {"expected", expected[a]}}));
      break;
    }
  }
}

// Why an acknowledged transfer is not committed everywhere, or "" when it is (or still in doubt).
std::string CommitObserver::lost_transfer(TxId txid) const {
  const auto pit = participants_.find(txid);
  if (pit == participants_.end()) return "no participant has a record of it";
  std::string lost;
  for (NodeId p : pit->second) {
    const TxState s = state_at(p, txid);
    if (s != TxState::committed && !in_doubt(s)) lost = fmt::format("n{} {}", p, state_name(s));
  }
  return lost;
}

// The client history: acknowledged transfers committed, audits conserved; and its counts.
CommitObserver::ClientTally CommitObserver::check_clients(const check::History& history, Report& report) const {
  ClientTally t;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const auto& op = history.ops[i];
    if (op.f == "transfer") {
      t.transfers_ok += op.type == check::OpType::ok;
      t.transfers_fail += op.type == check::OpType::fail;
      t.transfers_info += op.type == check::OpType::info;
    } else if (op.f == "audit") {
      t.audits_ok += op.type == check::OpType::ok;
      t.audits_not_ok += op.type != check::OpType::ok;
    }
    if (op.type != check::OpType::ok) continue;
    t.latencies_ms.push_back(ns_to_ms(op.complete_ns - op.invoke_ns));
    if (op.f == "audit" && op.output.is_object() && op.output.contains("total") &&
        op.output["total"] != options_.bank.total()) {
      report.findings.push_back(safety("conservation",
                                       fmt::format("audit (operation {}) read a total of {}, not {}", i,
                                                   op.output["total"].dump(), options_.bank.total()),
                                       {{"op", i}}));
    }
    if (op.f != "transfer" || !op.output.is_object() || !op.output.contains("txid")) continue;
    const TxId txid = op.output["txid"].get<TxId>();
    if (const std::string lost = lost_transfer(txid); !lost.empty()) {
      report.findings.push_back(safety("lost-update",
                                       fmt::format("transfer (operation {}, transaction {}) was acknowledged but {}", i,
                                                   txid, lost),
                                       {{"op", i}, {"txid", txid}}));
    }
  }
  return t;
}

// Transactions by outcome, over every record in the cluster: decided somewhere wins.
CommitObserver::OutcomeTally CommitObserver::tally_outcomes() const {
  std::map<TxId, TxState> outcome;
  for (const NodeCache& node : nodes_) {
    for (const auto& [txid, s] : node.states) {
      TxState& o = outcome[txid];
      if (decided(s) || o == TxState::none) o = s;
    }
  }
  OutcomeTally t;
  for (const auto& [txid, s] : outcome) {
    t.committed += s == TxState::committed;
    t.aborted += s == TxState::aborted;
    t.undecided += !decided(s);
  }
  return t;
}

// Blocking: in-doubt time per participant and transaction, counted while the participant was up;
// the longest past the bound is a liveness finding.
CommitObserver::BlockedTally CommitObserver::check_blocking(TimeNs now_ns, Report& report) const {
  BlockedTally t;
  std::optional<std::pair<NodeId, TxId>> worst;
  for (const auto& [key, d] : doubts_) {
    const TimeNs held_ns = d.held_ns + (d.open_since_ns ? now_ns - *d.open_since_ns : 0);
    t.held_max_ns = std::max(t.held_max_ns, held_ns);
    if (held_ns <= options_.blocked_after_ns) continue;
    ++t.blocked;
    t.total_ns += held_ns;
    if (held_ns > t.max_ns) {
      t.max_ns = held_ns;
      worst = key;
    }
  }
  if (!worst || t.max_ns <= options_.blocking_bound_ns) return t;
  const Doubt& d = doubts_.at(*worst);
  report.findings.push_back(Finding{
      Finding::Kind::liveness, "atomic-commit", "blocked",
      fmt::format("n{} held transaction {} in doubt, its locks held, for {} ms (bound {} ms){}", worst->first,
                  worst->second, round2(ns_to_ms(t.max_ns)), ns_to_ms(options_.blocking_bound_ns),
                  d.resolved ? " before it learned the decision" : "; it is still undecided at the end"),
      0,
      {{"node", worst->first}, {"txid", worst->second}, {"blocked_ms", ns_to_ms(t.max_ns)}, {"resolved", d.resolved}}});
  return t;
}

// One line each in the run summary (keys sorted there), all under "commit_".
void CommitObserver::write_metrics(ClientTally clients, const OutcomeTally& outcomes, const BlockedTally& blocked,
                                   Report& report) const {
  std::vector<double>& latencies_ms = clients.latencies_ms;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  double mean = 0;
  for (double l : latencies_ms) mean += l;
  if (!latencies_ms.empty()) mean /= static_cast<double>(latencies_ms.size());
  const double p99 = latencies_ms.empty()
                         ? 0.0
                         : latencies_ms[std::min(latencies_ms.size() - 1,
                                                 static_cast<std::size_t>(0.99 * static_cast<double>(latencies_ms.size())))];
  const std::uint64_t finished = outcomes.committed + outcomes.aborted;
  auto& m = report.metrics;
  m["commit_transactions"] = {{"protocol", options_.protocol},
                              {"committed", outcomes.committed},
                              {"aborted", outcomes.aborted},
                              {"undecided", outcomes.undecided}};
  m["commit_blocked"] = {{"participant_transactions", blocked.blocked},
                         {"max_ms", round2(ns_to_ms(blocked.max_ns))},
                         {"total_ms", round2(ns_to_ms(blocked.total_ns))},
                         {"threshold_ms", ns_to_ms(options_.blocked_after_ns)},
                         {"locks_held_max_ms", round2(ns_to_ms(blocked.held_max_ns))}};
  m["commit_messages"] = {{"total", counters_->messages},
                          {"per_transaction", finished ? round2(static_cast<double>(counters_->messages) /
                                                                static_cast<double>(finished))
                                                       : 0.0}};
  m["commit_latency_ms"] = {{"mean", round2(mean)}, {"p99", round2(p99)}};
  m["commit_clients"] = {
      {"transfers", {{"ok", clients.transfers_ok}, {"fail", clients.transfers_fail}, {"info", clients.transfers_info}}},
      {"audits", {{"ok", clients.audits_ok}, {"not_ok", clients.audits_not_ok}}}};
}

void CommitObserver::at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns, Report& report) {
  for (NodeId n = 0; n < nodes_.size(); ++n) refresh(view, n);
  const TimeNs now_ns = view.now_ns();
  if (options_.decided_within_ns) check_decided(calm_ns, now_ns, report);
  check_agreement_at_end(report);
  check_balances(report);
  ClientTally clients = check_clients(history, report);
  const OutcomeTally outcomes = tally_outcomes();
  const BlockedTally blocked = check_blocking(now_ns, report);
  write_metrics(std::move(clients), outcomes, blocked, report);
}

}  // namespace dsim::commit
