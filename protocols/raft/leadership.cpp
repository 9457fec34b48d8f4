#include "protocols/raft/leadership.h"

#include <algorithm>
#include <cassert>

#include <fmt/format.h>

namespace dsim::raft {

namespace {

Finding liveness(std::string name, std::string detail, TimeNs at_ns, nlohmann::json data) {
  return Finding{Finding::Kind::liveness, "liveness", std::move(name), std::move(detail), at_ns, std::move(data)};
}

nlohmann::json node_json(std::optional<NodeId> node) { return node ? nlohmann::json(*node) : nlohmann::json(nullptr); }

}  // namespace

LeaderWatch::LeaderWatch(std::uint32_t nodes, TimeNs within_ns) : within_ns_(within_ns), nodes_(nodes) {
  assert(nodes > 0 && within_ns > 0);
  at_max_ = nodes;  // every node starts up, in term 0
  changes_.reserve(16);
}

void LeaderWatch::note(NodeId node, bool up, bool leader, std::uint64_t term, TimeNs now_ns) {
  assert(node < nodes_.size());
  NodeState& s = nodes_[node];
  const NodeState before = s;
  s.up = up;
  s.leader = up && leader;
  if (up) s.term = term;
  if (before.up == s.up && before.leader == s.leader && before.term == s.term) return;  // the common case

  if (before.up && before.term == max_term_) --at_max_;
  if (s.up && s.term > max_term_) {
    max_term_ = s.term;
    at_max_ = 1;
  } else if (s.up && s.term == max_term_) {
    ++at_max_;
  }
  const bool max_fell = at_max_ == 0;
  if (max_fell) recompute_max();  // the last node of the highest term crashed (or lost it): O(N), rare

  // Only this node changed, so the leader of the highest term is this node, the previous one
  // (if it still leads that term) or, when the highest term fell, whoever leads the new one.
  std::optional<NodeId> now;
  const auto leads_max = [&](NodeId n) { return nodes_[n].leader && nodes_[n].term == max_term_; };
  if (leads_max(node)) {
    now = node;
  } else if (leader_ && leads_max(*leader_)) {
    now = leader_;
  } else if (max_fell) {
    for (NodeId n = 0; n < nodes_.size() && !now; ++n) {
      if (leads_max(n)) now = n;
    }
  }
  if (now == leader_) return;
  Cause cause = Cause::none;
  if (leader_) {
    const NodeState& old = nodes_[*leader_];
    cause = !old.up ? Cause::crashed : !old.leader ? Cause::stepped_down : Cause::higher_term;
  }
  record(now_ns, now, cause, node);
}

void LeaderWatch::recompute_max() {
  max_term_ = 0;
  at_max_ = 0;
  for (const NodeState& n : nodes_) {
    if (!n.up) continue;
    if (n.term > max_term_) {
      max_term_ = n.term;
      at_max_ = 0;
    }
    at_max_ += n.term == max_term_ ? 1 : 0;
  }
}

void LeaderWatch::record(TimeNs now_ns, std::optional<NodeId> leader, Cause cause, NodeId by) {
  if (!leader_) leaderless_ns_ += now_ns - last_.at_ns;  // a leaderless span ends (or goes on)
  if (leader && !first_led_ns_) first_led_ns_ = now_ns;
  last_ = Change{now_ns, leader, max_term_, cause, by};
  if (changes_.size() < kChangesMax) {
    changes_.push_back(last_);
  } else {
    ++changes_dropped_;
  }
  leader_ = leader;
}

std::optional<Finding> LeaderWatch::judge(TimeNs calm_ns, TimeNs end_ns) const {
  const TimeNs deadline_ns = calm_ns + within_ns_;
  if (end_ns < deadline_ns) return std::nullopt;  // too short to judge
  // Stable from max(calm, the last change) when someone leads now.
  if (leader_ && last_.at_ns <= deadline_ns) return std::nullopt;

  // The leadership at calm (the last change at or before it), then every change in the window.
  const auto after_calm = std::upper_bound(changes_.begin(), changes_.end(), calm_ns,
                                           [](TimeNs t, const Change& c) { return t < c.at_ns; });
  std::optional<std::size_t> first_led;
  if (after_calm != changes_.begin() && std::prev(after_calm)->leader) {
    first_led = static_cast<std::size_t>(std::prev(after_calm) - changes_.begin());
  }
  for (auto it = after_calm; !first_led && it != changes_.end() && it->at_ns <= deadline_ns; ++it) {
    if (it->leader) first_led = static_cast<std::size_t>(it - changes_.begin());
  }
  const bool recorded = changes_dropped_ == 0 || changes_.back().at_ns > deadline_ns;
  if (!first_led && recorded) return not_elected(calm_ns, deadline_ns);
  return unstable(first_led.value_or(changes_.size()), calm_ns, deadline_ns, end_ns);
}

std::optional<Finding> LeaderWatch::not_elected(TimeNs calm_ns, TimeNs deadline_ns) const {
  const std::string end_state =
      leader_ ? fmt::format("n{} leads it from {} ms", *leader_, ns_to_ms(last_.at_ns)) : "nobody leads it";
  return liveness("leader-not-elected",
                  fmt::format("no node led the highest term at any moment from calm ({} ms) to calm + {} ms ({} ms); "
                              "at the end the highest term is {} and {}",
                              ns_to_ms(calm_ns), ns_to_ms(within_ns_), ns_to_ms(deadline_ns), max_term_, end_state),
                  deadline_ns,
                  {{"node", node_json(leader_)}, {"term", max_term_}, {"at_ms", ns_to_ms(deadline_ns)},
                   {"changes", changes()}});
}

std::optional<Finding> LeaderWatch::unstable(std::size_t first_led, TimeNs calm_ns, TimeNs deadline_ns,
                                             TimeNs end_ns) const {
  const std::string end_state =
      leader_ ? fmt::format("n{} leads term {} only from {} ms", *leader_, max_term_, ns_to_ms(last_.at_ns))
              : fmt::format("at the end ({} ms) nobody leads term {}", ns_to_ms(end_ns), max_term_);
  const std::string tail =
      fmt::format("{}, later than calm + {} ms ({} ms)", end_state, ns_to_ms(within_ns_), ns_to_ms(deadline_ns));
  if (first_led + 1 >= changes_.size()) {
    // Past the change record (kChangesMax changes): the window is not in it.
    return liveness("leader-unstable",
                    fmt::format("the leadership changed {} times (more than recorded); {}", changes(), tail),
                    last_.at_ns, {{"node", node_json(leader_)}, {"term", max_term_}, {"at_ms", ns_to_ms(last_.at_ns)}});
  }
  const Change& led = changes_[first_led];
  const Change& lost = changes_[first_led + 1];
  const NodeId node = *led.leader;
  std::string why;
  switch (lost.cause) {
    case Cause::higher_term: why = fmt::format("n{} raised the highest term to {}", lost.by, lost.term); break;
    case Cause::stepped_down: why = fmt::format("n{} stepped down", node); break;
    case Cause::crashed: why = fmt::format("n{} crashed", node); break;
    case Cause::none: assert(false); break;
  }
  const auto later = static_cast<std::size_t>(
      changes_.end() - std::upper_bound(changes_.begin(), changes_.end(), calm_ns,
                                        [](TimeNs t, const Change& c) { return t < c.at_ns; }));
  return liveness("leader-unstable",
                  fmt::format("n{} led term {} from {} ms (calm {} ms) until {} ms, when {}; the leadership changed {} "
                              "times after calm and {}",
                              node, led.term, ns_to_ms(std::max(led.at_ns, calm_ns)), ns_to_ms(calm_ns),
                              ns_to_ms(lost.at_ns), why, later + changes_dropped_, tail),
                  lost.at_ns,
                  {{"node", node}, {"term", led.term}, {"at_ms", ns_to_ms(lost.at_ns)},
                   {"since_ms", ns_to_ms(led.at_ns)}, {"changes_after_calm", later + changes_dropped_}});
}

}  // namespace dsim::raft
