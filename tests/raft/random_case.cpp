#include "tests/raft/random_case.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/core/rng.h"
#include "sim/fault/swarm.h"

namespace dsim::raft::testing {

namespace {

template <class T>
const T& pick(Rng& rng, std::initializer_list<T> options) {
  return *(options.begin() + rng.below(options.size()));
}

// The leader nemesis: in this share of the cases, rolling isolations of the leader replace the
// swarm (on top of the swarm they are drowned out: measured, figure 8 came up ~10x less often).
constexpr double kLeaderNemesisChance = 0.3;
constexpr std::uint64_t kChainsMax = 3;
constexpr std::uint64_t kChainFaultsMin = 3;
constexpr std::uint64_t kChainFaultsMax = 20;

TimeNs below_ns(Rng& rng, TimeNs bound_ns) {
  assert(bound_ns > 0);
  return static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(bound_ns)));
}

TimeNs scaled(TimeNs ns, double factor) { return static_cast<TimeNs>(static_cast<double>(ns) * factor); }

// Chains of isolations of whoever leads, chosen by the engine when each fires from the role Raft
// publishes (the newest leader, not a stale one still cut off by an earlier isolation). Each fires
// one to three election timeouts after the previous one, about when the next leader has been
// elected and before clients have found it, and lasts until about the isolation after next. An
// isolated leader keeps taking client writes of its term that nobody else gets; it comes back
// while a later leader is catching the others up, one round trip per entry, on an older term's
// entries — figure 8 of the Raft paper, which random crashes of random nodes almost never line up
// (commit-old-term was not found in 20,000 swarm cases).
void add_leader_isolations(Scenario& scenario, Rng& rng, TimeNs start_ns, TimeNs end_ns, TimeNs election_min_ns) {
  assert(start_ns < end_ns && election_min_ns > 0);
  const auto chains = 1 + rng.below(kChainsMax);
  for (std::uint64_t chain = 0; chain < chains; ++chain) {
    const auto faults = kChainFaultsMin + rng.below(kChainFaultsMax - kChainFaultsMin + 1);
    std::vector<TimeNs> at_ns(faults + 2);  // two more: each isolation ends near the one after next
    at_ns[0] = start_ns + below_ns(rng, (end_ns - start_ns) / 2);
    for (std::size_t i = 1; i < at_ns.size(); ++i) at_ns[i] = at_ns[i - 1] + scaled(election_min_ns, 1 + 2 * rng.unit());
    for (std::size_t i = 0; i < faults && at_ns[i] < end_ns; ++i) {
      FaultAction f;
      f.kind = FaultAction::Kind::partition;
      f.label = "isolate";
      f.at_ns = at_ns[i];
      f.select = NodeSelector{{{"role", "leader"}}, NodeSelector::Pick::newest};
      const TimeNs until_ns = std::min(end_ns, at_ns[i] + scaled(at_ns[i + 2] - at_ns[i], 0.6 + 0.6 * rng.unit()));
      f.duration_ns = std::max<TimeNs>(1, until_ns - at_ns[i]);  // undone before the calm
      scenario.faults.push_back(std::move(f));
    }
  }
}

}  // namespace

Scenario random_case(std::uint64_t seed, const std::set<std::string>& bugs) {
  Rng rng = Rng::derive(seed, "raft-random-case");
  const int nodes = rng.chance(0.5) ? 3 : 5;
  const std::int64_t election_min_ms = pick(rng, {50, 100, 150, 200});
  nlohmann::json params = {
      {"election_timeout_min_ms", election_min_ms},
      // Sometimes nearly fixed timeouts: more split votes and concurrent candidates.
      {"election_timeout_max_ms", rng.chance(0.3) ? election_min_ms + 5 : election_min_ms * 2},
      {"heartbeat_ms", election_min_ms / 4},
      {"prevote", rng.chance(0.5)},
      {"check_quorum", rng.chance(0.5)},
      // Leases are only safe while clocks behave, and the swarm steps and drifts clocks: the
      // property covers the two read modes that must be safe under every fault.
      {"read_mode", rng.chance(0.5) ? "log" : "read-index"},
      {"max_append_entries", pick(rng, {1, 2, 4, 64})},
      {"max_inflight_msgs", pick(rng, {1, 4, 16})},
      // Without the leader's no-op (the paper's basic algorithm) old-term entries stay
      // uncommitted longer: the window in which figure 8 and forgotten votes bite.
      {"leader_noop", rng.chance(0.7)},
  };
  // The nemesis draws from a stream of its own, so that the draws above and below (and the cases
  // they make) stay what they were.
  Rng nemesis_rng = Rng::derive(seed, "raft-leader-nemesis");
  const bool nemesis = nemesis_rng.chance(kLeaderNemesisChance);
  if (nemesis) {
    // Mostly figure 8's window: old-term entries wait for an entry of the leader's own term, and
    // followers are caught up one entry per round trip.
    if (nemesis_rng.chance(0.8)) params["leader_noop"] = false;
    if (nemesis_rng.chance(0.8)) {
      params["max_append_entries"] = 1;
      params["max_inflight_msgs"] = 1;
    }
  }
  // Latency: a datacenter, or slow and spread out (exponential or uniform), so that messages
  // overlap elections and crashes in more ways.
  nlohmann::json latency = "same-dc";
  const auto latency_kind = rng.below(3);
  if (latency_kind == 1) {
    latency = {{"dist", "exponential"}, {"mean_ms", 1 + static_cast<double>(rng.below(10))}, {"floor_ms", 0.1}};
  } else if (latency_kind == 2) {
    latency = {{"dist", "uniform"}, {"min_ms", 0.1}, {"max_ms", 2 + static_cast<double>(rng.below(30))}};
  }
  const bool kv = rng.chance(0.5);
  const std::int64_t duration_ms = kSanitized ? 4500 : 6000;
  const std::int64_t faults_end_ms = kSanitized ? 2000 : 3500;
  nlohmann::json doc = {
      {"name", fmt::format("raft-random-{}", seed)},
      {"description", fmt::format("Random Raft case for seed {}: {}, then calm", seed,
                                  nemesis ? "rolling isolations of the leader" : "swarm faults")},
      {"cluster", {{"protocol", "raft"}, {"nodes", nodes}, {"params", params},
                   {"bugs", std::vector<std::string>(bugs.begin(), bugs.end())}}},
      {"network", {{"latency", latency}}},
      {"workload",
       {{"kind", kv ? "kv" : "register"},
        {"clients", 3},
        {"think_ms", kSanitized ? 20 : 10},
        {"timeout_ms", 300},
        {"attempts", 10},
        {"stop_ms", duration_ms - 500}}},
      {"checks",
       {{"linearizability", kv ? "kv" : "cas-register"}, {"liveness", {{"within_ms", 2000}}}}},
      {"expect", {{"safety", "holds"}, {"liveness", "holds"}}},
      {"run", {{"seed", seed}, {"duration_ms", duration_ms}}},
  };
  if (kv) {
    doc["workload"]["keys"] = 2;
  } else {
    // No cas: a cas that runs out of attempts on redirects is recorded as "fail", which the
    // cas-register model reads as "the expected value differed" (see the report to the lead).
    doc["workload"]["read"] = 0.5;
    doc["workload"]["write"] = 0.5;
    doc["workload"]["values"] = 10;
  }
  auto parsed = parse_scenario(doc.dump(), "random-case");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
    throw std::runtime_error("random case does not validate: " + diag->format("random-case"));
  }
  Scenario scenario = std::get<Scenario>(std::move(parsed));
  SwarmOptions swarm;
  swarm.start_ns = 300 * kNsPerMs;
  swarm.end_ns = faults_end_ms * kNsPerMs;
  swarm.faults_max = static_cast<std::uint32_t>(4 + rng.below(30));
  scenario.faults = swarm_faults(swarm, static_cast<std::uint32_t>(nodes), rng);
  if (nemesis) scenario.faults.clear();  // drawn all the same, so the draws after it do not move
  // On top of the swarm (or the nemesis): bursts of quick crash-restarts (a supervisor restarting a killed
  // process within milliseconds), which the swarm's long crash windows rarely produce and which
  // are what exposes forgotten votes and half-replicated terms.
  if (rng.chance(0.5)) {
    const auto restarts = 1 + rng.below(12);
    for (std::uint64_t i = 0; i < restarts; ++i) {
      FaultAction crash;
      crash.kind = FaultAction::Kind::crash;
      crash.label = "crash";
      crash.at_ns = swarm.start_ns + static_cast<TimeNs>(rng.below(static_cast<std::uint64_t>(swarm.end_ns - swarm.start_ns - 100 * kNsPerMs)));
      crash.duration_ns = static_cast<TimeNs>(1 + rng.below(static_cast<std::uint64_t>(60 * kNsPerMs)));
      crash.nodes = {static_cast<NodeId>(rng.below(static_cast<std::uint64_t>(nodes)))};
      crash.lose_unsynced = rng.chance(0.5);
      scenario.faults.push_back(crash);
    }
  }
  if (nemesis) add_leader_isolations(scenario, nemesis_rng, swarm.start_ns, swarm.end_ns, election_min_ms * kNsPerMs);
  std::stable_sort(scenario.faults.begin(), scenario.faults.end(),
                   [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
  return scenario;
}

std::optional<Finding> first_safety_violation(const RunResult& result) {
  for (const Finding& f : result.findings) {
    if (f.kind == Finding::Kind::safety && f.check != "inconclusive") return f;
  }
  return std::nullopt;
}

std::optional<Finding> first_liveness_violation(const RunResult& result) {
  for (const Finding& f : result.findings) {
    if (f.kind == Finding::Kind::liveness) return f;
  }
  return std::nullopt;
}

Scenario load_shipped(const std::string& name) {
  auto loaded = load_scenario(kShippedDir + name);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    ADD_FAILURE() << diag->format(name);
    return Scenario{};
  }
  return std::get<Scenario>(std::move(loaded));
}

std::string write_reproduction(const Scenario& scenario, const std::string& label) {
  const std::string text = to_json(scenario).dump(2) + "\n";
  const auto dir = std::filesystem::temp_directory_path() / "dsim-raft-failures";
  std::filesystem::create_directories(dir);
  const auto path = dir / (label + ".json");
  std::ofstream(path) << text;
  return fmt::format("reproduce with: dsim run {}\n{}", path.string(), text);
}

int case_count(int fallback) {
  if (const char* env = std::getenv("DSIM_RAFT_CASES")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return fallback;
}

}  // namespace dsim::raft::testing
