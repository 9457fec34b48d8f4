// A focused search for figure 8 of the Raft paper, used to find the schedule in
// scenarios/raft/figure-8-bug.json. Not part of CI (the swarm search in property_test.cpp is);
// run with DSIM_RAFT_FIGURE8_SEEDS=N to search N seeds.
#include <cstdlib>
#include <iostream>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/core/rng.h"
#include "sim/fault/swarm.h"
#include "tests/raft/random_case.h"

namespace dsim::raft::testing {
namespace {

Scenario figure8_case(std::uint64_t seed, bool bug) {
  Rng rng = Rng::derive(seed, "raft-figure-8");
  nlohmann::json doc = {
      {"description", "figure 8 search"},
      {"cluster",
       {{"protocol", "raft"},
        {"nodes", 5},
        {"params",
         {{"prevote", false}, {"check_quorum", false}, {"leader_noop", false}, {"max_append_entries", 1}, {"max_inflight_msgs", 1},
          {"election_timeout_min_ms", 100}, {"election_timeout_max_ms", 200}, {"heartbeat_ms", 25}}},
        {"bugs", bug ? std::vector<std::string>{"commit-old-term"} : std::vector<std::string>{}}}},
      {"network", {{"latency", {{"dist", "uniform"}, {"min_ms", 1}, {"max_ms", 15}}}}},
      {"workload", {{"kind", "kv"}, {"clients", 3}, {"think_ms", 10}, {"timeout_ms", 300}, {"attempts", 10},
                    {"keys", 2}, {"stop_ms", 5500}}},
      {"checks", {{"linearizability", "kv"}}},
      {"expect", {{"safety", "holds"}}},
      {"run", {{"seed", seed}, {"duration_ms", 6000}}},
  };
  Scenario scenario = std::get<Scenario>(parse_scenario(doc.dump(), "figure-8"));
  SwarmOptions swarm;
  swarm.start_ns = 300 * kNsPerMs;
  swarm.end_ns = 4000 * kNsPerMs;
  swarm.faults_max = 30;
  swarm.clocks = false;
  swarm.network = false;
  swarm.pauses = false;
  scenario.faults = swarm_faults(swarm, 5, rng);
  return scenario;
}

TEST(RaftFigure8, Search) {
  const char* env = std::getenv("DSIM_RAFT_FIGURE8_SEEDS");
  if (!env) GTEST_SKIP() << "set DSIM_RAFT_FIGURE8_SEEDS to search";
  const std::uint64_t seeds = std::strtoull(env, nullptr, 10);
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const Scenario scenario = figure8_case(seed, true);
    const RunResult result = run_scenario(scenario);
    if (const auto f = first_safety_violation(result)) {
      if (f->check != "invariant") continue;
      const RunResult clean = run_scenario(figure8_case(seed, false));
      std::cout << "seed " << seed << ": " << f->id() << ": " << f->detail << "; without the bug: "
                << (first_safety_violation(clean) ? first_safety_violation(clean)->id() : "safe") << "\n"
                << write_reproduction(scenario, fmt::format("figure-8-{}", seed)) << "\n";
      return;
    }
  }
  std::cout << "not found in " << seeds << " seeds\n";
}

}  // namespace
}  // namespace dsim::raft::testing
