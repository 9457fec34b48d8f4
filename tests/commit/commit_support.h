// Helpers for the atomic-commit tests: a bank scenario with a random (swarm) fault schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/core/rng.h"
#include "sim/fault/swarm.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim::commit_test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr int kScale = 4;  // sanitizers: a quarter of the seeds
#else
inline constexpr int kScale = 1;
#endif

struct CommitFuzzCase {
  std::string protocol = "twopc";
  std::vector<std::string> bugs;
  bool partitions = false;
  nlohmann::json params = nlohmann::json::object();
  std::int64_t ops = 500;
  std::int64_t clients = 3;
  std::int64_t think_ms = 30;
  std::int64_t accounts = 9;
};

// A denser workload for the bug searches: more transactions in every fault window.
inline CommitFuzzCase dense(CommitFuzzCase spec) {
  spec.ops = 2500;
  spec.clients = 8;
  spec.think_ms = 5;
  spec.accounts = 60;
  return spec;
}

inline Scenario parse_or_die(const nlohmann::json& doc) {
  auto parsed = parse_scenario(doc.dump(), "<commit test>");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
    ADD_FAILURE() << diag->format("<commit test>");
    return Scenario{};
  }
  return std::get<Scenario>(std::move(parsed));
}

// Faults between 0.3 s and 3.5 s, then calm until 6 s. The fail-stop model both protocols assume:
// crashes (some losing unsynced writes) and restarts, message loss / duplication / reordering;
// partitions only when asked for. No pauses, clogs or clock faults (a paused coordinator is a
// partition in disguise).
inline Scenario fuzz_scenario(const CommitFuzzCase& spec, std::uint64_t seed) {
  nlohmann::json params = spec.params;
  params["accounts"] = spec.accounts;
  nlohmann::json doc = {
      {"name", "commit-fuzz"},
      {"description", "random faults"},
      {"cluster", {{"protocol", spec.protocol}, {"nodes", 4}, {"params", params}, {"bugs", spec.bugs}}},
      {"network", {{"latency", "same-dc"}}},
      {"faults", nlohmann::json::array()},
      {"workload",
       {{"kind", "bank"}, {"clients", spec.clients}, {"ops", spec.ops}, {"think_ms", spec.think_ms}, {"timeout_ms", 1000},
        {"attempts", 1}, {"target", "n0"}, {"accounts", spec.accounts}, {"participants", 3}}},
      {"checks", {{"invariants", true}}},
      {"expect", {{"safety", "holds"}, {"liveness", "any"}}},
      {"run", {{"seed", seed}, {"duration_ms", 6000}}}};
  Scenario s = parse_or_die(doc);
  SwarmOptions o;
  o.start_ns = 300 * kNsPerMs;
  o.end_ns = 3500 * kNsPerMs;
  o.pauses = false;
  o.clogs = false;
  o.clocks = false;
  o.wipes = false;
  o.partitions = spec.partitions;
  o.crashed_max = 2;
  Rng rng = Rng::derive(seed, "commit-test-faults");
  s.faults = swarm_faults(o, 4, rng);
  return s;
}

inline std::optional<Finding> first_safety(const RunResult& r) {
  for (const auto& f : r.findings) {
    if (f.kind == Finding::Kind::safety) return f;
  }
  return std::nullopt;
}

// The first seed in [1, seeds_max] whose run reports a safety finding whose id starts with
// `prefix`; 0 when none does.
inline std::uint64_t first_seed_finding(const CommitFuzzCase& spec, const std::string& prefix, std::uint64_t seeds_max) {
  for (std::uint64_t seed = 1; seed <= seeds_max; ++seed) {
    const RunResult r = run_scenario(fuzz_scenario(spec, seed));
    for (const auto& f : r.findings) {
      if (f.kind == Finding::Kind::safety && f.id().compare(0, prefix.size(), prefix) == 0) return seed;
    }
  }
  return 0;
}

}  // namespace dsim::commit_test
