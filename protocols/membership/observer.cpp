#include "protocols/membership/observer.h"

#include <algorithm>

#include <fmt/format.h>

#include "protocols/membership/member.h"

namespace dsim::membership {

namespace {

const MemberNode* member(const ClusterView& view, NodeId node) {
  return static_cast<const MemberNode*>(view.process(node));
}

const char* status_name(int s) {
  return s == static_cast<int>(Status::alive) ? "alive" : s == static_cast<int>(Status::suspect) ? "suspect" : "dead";
}

}  // namespace

std::optional<Finding> MembershipObserver::after_event(const ClusterView& view, NodeId id) {
  if (tracks_.size() != view.size()) {
    tracks_.resize(view.size());
    wrong_.resize(view.size());
    open_crash_.resize(view.size());
  }
  Track& track = tracks_[id];
  const Process* process = view.process(id);
  if (process != track.incarnation) {
    const bool first_boot = track.incarnation == nullptr && track.up && track.events_seen == 0;
    track.incarnation = process;
    track.events_seen = 0;
    track.sent_seen = 0;
    if (!process) {
      on_crash(view, id);
    } else if (!first_boot) {
      on_restart(view, id);
    }
  }
  std::optional<Finding> finding;
  if (const MemberNode* node = member(view, id); node && node->events() != track.events_seen) {
    track.events_seen = node->events();
    messages_ += node->messages_sent() - track.sent_seen;
    track.sent_seen = node->messages_sent();
    for (const Change& c : node->changes()) {
      auto f = on_change(view, id, c);
      if (f && !finding) finding = std::move(f);
    }
  }
  if (wrong_total_ > 0) last_unconverged_ns_ = view.now_ns();
  stopped_ = stopped_ || finding.has_value();
  return finding;
}

void MembershipObserver::on_crash(const ClusterView& view, NodeId node) {
  tracks_[node].up = false;
  wrong_total_ -= wrong_[node].size();
  wrong_[node].clear();
  open_crash_[node] = crashes_.size();
  crashes_.push_back(Crash{node, view.now_ns(), {}, {}, {}, true});
  for (NodeId x = 0; x < view.size(); ++x) recheck(view, x, node);
}

void MembershipObserver::on_restart(const ClusterView& view, NodeId node) {
  ++restarts_;
  tracks_[node].up = true;
  if (open_crash_[node]) crashes_[*open_crash_[node]].open = false;
  open_crash_[node].reset();
  for (NodeId y = 0; y < view.size(); ++y) {
    recheck(view, node, y);
    recheck(view, y, node);
  }
}

// Whether x's view of y is wrong: an up node removed, or a crashed node still listed.
void MembershipObserver::recheck(const ClusterView& view, NodeId x, NodeId y) {
  if (x == y) return;
  const MemberNode* nx = member(view, x);
  bool wrong = false;
  if (nx) {
    const bool listed = nx->status_of(y) != Status::dead;
    wrong = listed != (view.process(y) != nullptr);
  }
  const bool was = wrong_[x].count(y) > 0;
  if (wrong && !was) {
    wrong_[x].insert(y);
    ++wrong_total_;
  } else if (!wrong && was) {
    wrong_[x].erase(y);
    --wrong_total_;
  }
}

std::optional<Finding> MembershipObserver::on_change(const ClusterView& view, NodeId x, const Change& c) {
  const NodeId y = c.subject;
  const int from = static_cast<int>(c.from), to = static_cast<int>(c.to);
  recheck(view, x, y);
  // A suspicion of an earlier incarnation is about a crash that happened, not a false one.
  const MemberNode* subject = member(view, y);
  const bool live = subject && !view.paused(y) && c.incarnation >= subject->incarnation();
  const bool suspected = to == static_cast<int>(Status::suspect);
  const bool removed = to == static_cast<int>(Status::dead);
  if (open_crash_[y] && (suspected || removed)) note_detection(view, y, removed);
  if (!live || !(suspected || removed)) return std::nullopt;
  (suspected ? false_suspicions_ : false_removals_) += 1;
  const bool forbidden = suspected ? options_.forbid_false_suspicion : options_.forbid_false_removal;
  if (!forbidden) return std::nullopt;
  const char* name = suspected ? "false-suspicion" : "false-removal";
  return Finding{Finding::Kind::safety, "membership", name,
                 fmt::format("n{} {} n{} ({} before), which is up and not paused", x,
                             suspected ? "suspects" : "removed", y, status_name(from)),
                 view.now_ns(), {{"observer", x}, {"subject", y}, {"from", status_name(from)}}};
}

void MembershipObserver::note_detection(const ClusterView& view, NodeId subject, bool removed) {
  Crash& c = crashes_[*open_crash_[subject]];
  const TimeNs now = view.now_ns();
  if (!c.first_suspected_ns) c.first_suspected_ns = now;
  if (!removed) return;
  if (!c.first_removed_ns) c.first_removed_ns = now;
  if (c.all_removed_ns) return;
  for (NodeId x = 0; x < view.size(); ++x) {
    const MemberNode* nx = member(view, x);
    if (x != subject && nx && nx->status_of(subject) != Status::dead) return;
  }
  c.all_removed_ns = now;
}

void MembershipObserver::judge_convergence(TimeNs calm_ns, TimeNs end_ns, Report& report) const {
  const TimeNs bound_ns = converge_bound_ns(options_, nodes_);
  const TimeNs deadline_ns = calm_ns + bound_ns;
  if (end_ns < deadline_ns || stopped_) return;  // not judged: reported in the metrics
  const bool now_wrong = wrong_total_ > 0;
  if (!now_wrong && (!last_unconverged_ns_ || *last_unconverged_ns_ <= deadline_ns)) return;
  std::string example;
  for (NodeId x = 0; x < wrong_.size() && example.empty(); ++x) {
    if (!wrong_[x].empty()) example = fmt::format(": n{} gets n{} wrong", x, *wrong_[x].begin());
  }
  report.findings.push_back(Finding{
      Finding::Kind::liveness, "membership", "not-converged",
      now_wrong ? fmt::format("at the end, {} views of live nodes still differ from the live set, {} ms after calm{}",
                              wrong_total_, ns_to_ms(end_ns - calm_ns), example)
                : fmt::format("views of live nodes were not converged at {} ms, after calm ({} ms) + {} ms",
                              ns_to_ms(*last_unconverged_ns_), ns_to_ms(calm_ns), ns_to_ms(bound_ns)),
      end_ns,
      {{"wrong_pairs", wrong_total_}, {"calm_ms", ns_to_ms(calm_ns)}, {"bound_ms", ns_to_ms(bound_ns)}}});
}

nlohmann::json MembershipObserver::detection_metrics() const {
  const double period = static_cast<double>(options_.period_ns);
  double suspected = 0, removed = 0, all = 0;
  std::uint64_t n_suspected = 0, n_removed = 0, n_all = 0;
  for (const Crash& c : crashes_) {
    if (c.first_suspected_ns) suspected += static_cast<double>(*c.first_suspected_ns - c.crashed_ns) / period, ++n_suspected;
    if (c.first_removed_ns) removed += static_cast<double>(*c.first_removed_ns - c.crashed_ns) / period, ++n_removed;
    if (c.all_removed_ns) all += static_cast<double>(*c.all_removed_ns - c.crashed_ns) / period, ++n_all;
  }
  auto mean = [](double sum, std::uint64_t n) { return n ? nlohmann::json(sum / static_cast<double>(n)) : nlohmann::json(nullptr); };
  return {{"crashes", crashes_.size()},
          {"detected", n_suspected},
          {"first_suspicion_periods", mean(suspected, n_suspected)},
          {"first_removal_periods", mean(removed, n_removed)},
          {"all_removed_periods", mean(all, n_all)}};
}

void MembershipObserver::at_end(const ClusterView& view, const check::History&, TimeNs calm_ns, Report& report) {
  const TimeNs end_ns = view.now_ns();
  judge_convergence(calm_ns, end_ns, report);
  const double periods = static_cast<double>(end_ns) / static_cast<double>(options_.period_ns);
  const double per_member = periods > 0 ? static_cast<double>(messages_) / (periods * view.size()) : 0.0;
  const TimeNs deadline_ns = calm_ns + converge_bound_ns(options_, nodes_);
  report.metrics["membership"] = {
      {"mode", options_.mode == Mode::swim ? "swim" : "heartbeat"},
      {"detection", detection_metrics()},
      {"false_suspicions", false_suspicions_},
      {"false_removals", false_removals_},
      {"msgs_per_member_per_period", per_member},
      {"converged_at_end", wrong_total_ == 0},
      {"convergence_judged", end_ns >= deadline_ns && !stopped_},
      {"last_unconverged_ms", last_unconverged_ns_ ? nlohmann::json(ns_to_ms(*last_unconverged_ns_)) : nlohmann::json(nullptr)},
  };
}

}  // namespace dsim::membership
