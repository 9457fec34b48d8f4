#include "protocols/broadcast/observer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "protocols/broadcast/node.h"

namespace dsim::broadcast {

// After a crash: the destroyed object's values cannot be read any more, so the holders of every
// value are counted again from the live nodes (rare: crashes only).
void BroadcastObserver::recount_holders(const ClusterView& view) {
  for (auto& [v, spread] : spread_) spread.holders = 0;
  for (NodeId n = 0; n < seen_.size(); ++n) {
    const Seen& s = seen_[n];
    if (!s.process || view.process(n) != s.process) continue;
    for (std::size_t i = 0; i < s.arrivals; ++i) ++spread_[s.process->arrivals()[i]].holders;
  }
}

std::optional<Finding> BroadcastObserver::after_event(const ClusterView& view, NodeId node) {
  if (seen_.empty()) seen_.resize(view.size());
  const Node* current = static_cast<const Node*>(view.process(node));
  Seen& s = seen_[node];
  if (s.process != current) {
    // A crash (the world reports it with no process) or a restart: count this node afresh.
    const bool was_counted = s.process != nullptr;
    s = Seen{};
    if (was_counted) recount_holders(view);
    s.process = current;
  }
  if (!current) return std::nullopt;
  const auto& origins = current->origins();
  for (; s.origins < origins.size(); ++s.origins) originated_.insert(origins[s.origins]);
  const auto& arrivals = current->arrivals();
  for (; s.arrivals < arrivals.size(); ++s.arrivals) {
    const std::int64_t v = arrivals[s.arrivals];
    if (!originated_.count(v)) {
      return Finding{Finding::Kind::safety, "invariant", "no-invented-value",
                     fmt::format("node {} holds {}, which no client broadcast", node, v), 0,
                     {{"node", node}, {"value", v}}};
    }
    Spread& spread = spread_.try_emplace(v, Spread{view.now_ns(), 0, std::nullopt}).first->second;
    if (++spread.holders == view.size() && !spread.all_ns) spread.all_ns = view.now_ns();
  }
  return std::nullopt;
}

}  // namespace dsim::broadcast

namespace dsim::broadcast {

namespace {

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

}  // namespace

void BroadcastObserver::at_end(const ClusterView&, const check::History&, TimeNs, Report& report) {
  std::vector<double> rounds, spread_ms;
  for (const auto& [v, spread] : spread_) {
    if (!spread.all_ns) continue;
    spread_ms.push_back(static_cast<double>(*spread.all_ns - spread.first_ns) / 1e6);
    // Period boundaries crossed between the first node and the last: the rounds of a synchronous
    // epidemic when ticks are aligned (period_jitter false) and latency is below a period.
    if (period_ns_ > 0) rounds.push_back(static_cast<double>(*spread.all_ns / period_ns_ - spread.first_ns / period_ns_));
  }
  nlohmann::json m = {{"values", spread_.size()}, {"reached_all", spread_ms.size()}};
  if (!spread_ms.empty()) {
    double sum = 0;
    for (double r : rounds) sum += r;
    m["spread_ms"] = {{"median", median(spread_ms)}, {"max", *std::max_element(spread_ms.begin(), spread_ms.end())}};
    if (!rounds.empty()) {
      m["rounds"] = {{"mean", std::round(sum / static_cast<double>(rounds.size()) * 100) / 100},
                     {"max", *std::max_element(rounds.begin(), rounds.end())}};
    }
  }
  report.metrics["gossip"] = std::move(m);
}

}  // namespace dsim::broadcast
