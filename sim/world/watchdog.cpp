// Livelock watchdogs. A protocol stuck in a loop (a leader resending a full AppendEntries on every
// reply, a timer re-armed with no delay) does not hang or crash the simulator: each node's
// messages sent and timers fired are counted per 100 ms window of simulated time, and a node past
// its limit ends the run with a named finding that fuzzing groups, shrinks and replays like any
// other. The counts are of events the run has anyway, so the watchdog cannot change a run that
// stays under its limits.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/world/world.h"

namespace dsim {

namespace {

// Long enough to smooth a burst (a leader catching up a follower after a partition), short
// enough that a storm of a few million messages per second stops within a few thousand.
constexpr TimeNs kRateWindowNs = 100 * kNsPerMs;
constexpr std::uint64_t kWindowsPerSecond = kNsPerSec / kRateWindowNs;

}  // namespace

void World::count_activity(NodeId node, Activity activity) {
  const std::uint64_t per_s_max =
      activity == Activity::message ? scenario_.run.messages_per_node_s_max : scenario_.run.timers_per_node_s_max;
  if (per_s_max == 0 || stopped_) return;
  Node& n = nodes_[node];
  const auto window = static_cast<std::uint64_t>(queue_.now_ns() / kRateWindowNs);
  if (window != n.rate_window) {
    n.rate_window = window;
    n.sent_in_window = 0;
    n.timers_in_window = 0;
  }
  std::uint64_t& count = activity == Activity::message ? n.sent_in_window : n.timers_in_window;
  const std::uint64_t window_max = std::max<std::uint64_t>(per_s_max / kWindowsPerSecond, 1);
  if (++count <= window_max) return;

  const bool messages = activity == Activity::message;
  const nlohmann::json in_flight = in_flight_by_type(5);
  std::string types;
  for (const auto& t : in_flight) types += fmt::format("{}{} {}", types.empty() ? "" : ", ", t["type"].get<std::string>(), t["count"].get<std::uint64_t>());
  record_finding(Finding{
      Finding::Kind::safety, "livelock", messages ? "message-storm" : "timer-storm",
      fmt::format("{} {} more than {} {} within {} ms of simulated time (run.{} {} per second): a loop, not "
                  "work{}",
                  scenario_.cluster.node_names[node], messages ? "sent" : "fired", window_max,
                  messages ? "messages" : "timers", kRateWindowNs / kNsPerMs,
                  messages ? "messages_per_node_s_max" : "timers_per_node_s_max", per_s_max,
                  types.empty() ? "" : "; in flight: " + types),
      queue_.now_ns(),
      {{"node", node}, {"window_ms", kRateWindowNs / kNsPerMs}, {"limit", window_max}, {"in_flight", in_flight}}});
  stopped_ = true;
}

nlohmann::json World::in_flight_by_type(std::size_t types_max) const {
  std::map<std::string, std::uint64_t, std::less<>> counts;
  for (const Flight& f : flights_.slots()) {
    if (!f.message) continue;  // a freed slot
    auto it = counts.find(f.message->type());
    if (it == counts.end()) it = counts.emplace(std::string(f.message->type()), 0).first;
    ++it->second;
  }
  std::vector<std::pair<std::string, std::uint64_t>> sorted(counts.begin(), counts.end());
  // Most numerous first; ties by name, so the report does not depend on anything but the run.
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() > types_max) sorted.resize(types_max);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [type, count] : sorted) out.push_back({{"type", type}, {"count", count}});
  return out;
}

}  // namespace dsim
