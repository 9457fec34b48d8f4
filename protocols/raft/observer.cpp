#include "protocols/raft/observer.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocols/raft/node.h"
#include "sim/core/hash.h"

namespace dsim::raft {

namespace {

Finding violation(std::string name, std::string detail, nlohmann::json data) {
  return Finding{Finding::Kind::safety, "invariant", std::move(name), std::move(detail), 0, std::move(data)};
}

}  // namespace

std::size_t RaftObserver::EntryKeyHash::operator()(const EntryKey& k) const {
  return static_cast<std::size_t>(hash_combine(k.index, k.term));
}

std::optional<Finding> RaftObserver::after_event(const ClusterView& view, NodeId id) {
  if (tracks_.size() != view.size()) tracks_.resize(view.size());
  Track& track = tracks_[id];
  const Process* process = view.process(id);
  if (process != track.incarnation) {
    // A crash (null) or a restart (a fresh object): volatile state starts over.
    if (process) ++restarts_seen_;
    track = Track{};
    track.incarnation = process;
  }
  const auto* node = static_cast<const Node*>(process);
  // Watched always, for the metrics (time to the first leader, time without one); judged only
  // with leader_stable_within_ms.
  if (!leadership_) leadership_.emplace(view.size(), leader_stable_within_ns_.value_or(1));
  leadership_->note(id, node != nullptr, node && node->role() == Role::leader, node ? node->term() : 0, view.now_ns());
  if (!node) return std::nullopt;
  return check_node(view, id, *node, track);
}

std::optional<Finding> RaftObserver::check_node(const ClusterView& view, NodeId id, const Node& node, Track& track) {
  // Metrics: elections (terms someone campaigned in) and pre-vote rounds.
  const auto role = static_cast<std::uint8_t>(node.role());
  if (node.role() == Role::candidate) candidate_terms_.insert(node.term());
  if (node.role() == Role::pre_candidate &&
      (track.last_role != role || track.last_term != node.term())) {
    ++pre_candidacies_;
  }
  track.last_role = role;
  track.last_term = node.term();

  // Election safety.
  if (node.role() == Role::leader) {
    auto [it, fresh] = leaders_.emplace(node.term(), id);
    if (!fresh && it->second != id) {
      return violation("one-leader-per-term",
                       fmt::format("nodes {} and {} are both leaders of term {}", it->second, id, node.term()),
                       {{"term", node.term()}, {"nodes", {it->second, id}}});
    }
  }

  if (auto f = check_log_matching(id, node, track)) return f;

  // Commit index: monotonic, within the log.
  if (node.commit() > node.log().last_index()) {
    return violation("commit-monotonic",
                     fmt::format("node {} commit index {} is past its last log index {}", id, node.commit(),
                                 node.log().last_index()),
                     {{"node", id}, {"commit", node.commit()}, {"last_index", node.log().last_index()}});
  }
  if (node.commit() < track.commit_seen) {
    return violation("commit-monotonic",
                     fmt::format("node {} commit index went back from {} to {}", id, track.commit_seen, node.commit()),
                     {{"node", id}, {"from", track.commit_seen}, {"to", node.commit()}});
  }
  // Newly committed entries: they must agree with what any node committed there, and every
  // leader of a later term must hold them.
  for (std::uint64_t k = track.commit_seen + 1; k <= node.commit(); ++k) {
    const Entry& e = node.log().at(k);
    const std::uint64_t digest = node.log().digest_at(k);
    if (k > committed_.size()) {
      committed_.push_back(Record{e.term, digest, id, node.term()});
      for (NodeId other = 0; other < view.size(); ++other) {
        const auto* leader = static_cast<const Node*>(view.process(other));
        if (!leader || leader->role() != Role::leader || leader->term() <= node.term()) continue;
        if (auto f = check_leader_complete(other, *leader, k)) return f;
      }
    } else if (committed_[k - 1].term != e.term || committed_[k - 1].digest != digest) {
      const Record& r = committed_[k - 1];
      return violation("state-machine-safety",
                       fmt::format("index {} is committed as a term-{} entry on node {} but as a term-{} entry on "
                                   "node {}",
                                   k, r.term, r.node, e.term, id),
                       {{"index", k}, {"nodes", {r.node, id}}, {"terms", {r.term, e.term}}});
    }
  }
  track.commit_seen = node.commit();

  // Leader completeness, when a node takes office.
  if (node.role() == Role::leader && node.term() > track.leader_term_checked) {
    track.leader_term_checked = node.term();
    if (auto f = check_leader_complete(id, node, 1)) return f;
  }

  // State machine safety: what this node applied since we last looked.
  for (std::uint64_t k = track.applied_checked + 1; k <= node.applied(); ++k) {
    const Entry& e = node.log().at(k);
    const std::uint64_t digest = node.log().digest_at(k);
    if (k > applied_.size()) {
      applied_.push_back(Record{e.term, digest, id, 0});
    } else if (applied_[k - 1].digest != digest || applied_[k - 1].term != e.term) {
      const Record& r = applied_[k - 1];
      return violation("state-machine-safety",
                       fmt::format("node {} applied a term-{} entry at index {} where node {} applied a term-{} entry",
                                   id, e.term, k, r.node, r.term),
                       {{"index", k}, {"nodes", {r.node, id}}, {"terms", {r.term, e.term}}});
    }
  }
  track.applied_checked = node.applied();
  return std::nullopt;
}

std::optional<Finding> RaftObserver::check_log_matching(NodeId id, const Node& node, Track& track) {
  const RaftLog& log = node.log();
  std::uint64_t k = std::min(track.log_checked, log.last_index());
  if (log.rewrites() != track.log_rewrites) {
    // Part of the log was replaced: walk back to an entry we know, whose prefix hash vouches for
    // everything before it. Bounded by the log length.
    track.log_rewrites = log.rewrites();
    while (k > 0) {
      auto it = prefixes_.find(EntryKey{k, log.term_at(k)});
      if (it != prefixes_.end() && it->second == log.prefix_at(k)) break;
      --k;
    }
  }
  for (std::uint64_t i = k + 1; i <= log.last_index(); ++i) {
    const EntryKey key{i, log.term_at(i)};
    auto [it, fresh] = prefixes_.emplace(key, log.prefix_at(i));
    if (!fresh && it->second != log.prefix_at(i)) {
      track.log_checked = i - 1;
      return violation("log-matching",
                       fmt::format("node {} holds an entry at index {} of term {} that another log also holds, but "
                                   "the logs differ before it",
                                   id, i, key.term),
                       {{"node", id}, {"index", i}, {"term", key.term}});
    }
  }
  track.log_checked = log.last_index();
  return std::nullopt;
}

std::optional<Finding> RaftObserver::check_leader_complete(NodeId id, const Node& node, std::uint64_t from_index) {
  const RaftLog& log = node.log();
  for (std::uint64_t k = from_index; k <= committed_.size(); ++k) {
    const Record& r = committed_[k - 1];
    if (r.commit_term >= node.term()) continue;  // committed in this term or later: not owed
    if (k > log.last_index() || log.term_at(k) != r.term || log.digest_at(k) != r.digest) {
      return violation("leader-completeness",
                       fmt::format("node {} leads term {} without the entry committed at index {} (term {}) in term {}",
                                   id, node.term(), k, r.term, r.commit_term),
                       {{"node", id}, {"term", node.term()}, {"index", k}, {"entry_term", r.term}});
    }
  }
  return std::nullopt;
}

void RaftObserver::at_end(const ClusterView& view, const check::History&, TimeNs calm_ns, Report& report) {
  if (leadership_ && leader_stable_within_ns_) {
    if (auto f = leadership_->judge(calm_ns, view.now_ns())) report.findings.push_back(std::move(*f));
  }
  std::uint64_t split_votes = 0;
  for (const std::uint64_t term : candidate_terms_) split_votes += leaders_.count(term) ? 0 : 1;
  std::optional<NodeId> leader;
  std::uint64_t max_term = 0, leader_term = 0;
  for (NodeId id = 0; id < view.size(); ++id) {
    const auto* node = static_cast<const Node*>(view.process(id));
    if (!node) continue;
    max_term = std::max(max_term, node->term());
    if (node->role() == Role::leader && node->term() >= leader_term) {
      leader = id;
      leader_term = node->term();
    }
  }
  report.metrics["raft"] = {
      {"elections", candidate_terms_.size()},  // terms in which some node campaigned
      {"leaders_elected", leaders_.size()},
      {"split_votes", split_votes},            // campaigns that elected nobody
      {"pre_votes", pre_candidacies_},
      {"max_term", max_term},
      {"committed", committed_.size()},
      {"final_leader", leader ? nlohmann::json(*leader) : nlohmann::json(nullptr)},
  };
  if (leadership_) {
    auto& m = report.metrics["raft"];
    m["leadership_changes"] = leadership_->changes();
    m["leaderless_ms"] = ns_to_ms(leadership_->leaderless_ns(view.now_ns()));
    if (const auto first = leadership_->first_led_ns()) m["first_leader_ms"] = ns_to_ms(*first);
  }
}

}  // namespace dsim::raft
