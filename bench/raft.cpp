// Raft at speed: 5 nodes, 1 ms +- jitter links, ~1,000 client operations per simulated second,
// tracing off. Reports how much faster than real time the simulation runs and how many messages
// it delivers per wall-clock second. Targets: >= 1,000x real time and >= 1M messages/s.
#include <chrono>
#include <ctime>
#include <variant>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace {

dsim::Scenario bench_scenario(std::int64_t duration_ms) {
  // 12 closed-loop clients, each ~2.5-4 ms per operation plus 7.5 ms think time: ~1,000 ops/s.
  const nlohmann::json doc = {
      {"description", "raft benchmark"},
      {"cluster", {{"protocol", "raft"}, {"nodes", 5}}},
      {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
      {"workload", {{"kind", "register"}, {"clients", 12}, {"think_ms", 7.5}, {"timeout_ms", 500},
                    {"attempts", 10}, {"read", 0.5}, {"write", 0.5}}},
      {"checks", {{"invariants", false}}},
      {"expect", {{"safety", "any"}}},
      {"run", {{"seed", 1}, {"duration_ms", duration_ms}}},
  };
  auto parsed = dsim::parse_scenario(doc.dump(), "bench");
  return std::get<dsim::Scenario>(std::move(parsed));
}

void run(benchmark::State& state, bool invariants) {
  dsim::Scenario scenario = bench_scenario(state.range(0));
  scenario.checks.invariants = invariants;
  double sim_s = 0, wall_s = 0, cpu_s = 0, delivered = 0, ops = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    const dsim::RunResult result = dsim::run_scenario(scenario);
    cpu_s += static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sim_s += static_cast<double>(result.stats.end_ns) / 1e9;
    delivered += static_cast<double>(result.stats.messages_delivered);
    ops += static_cast<double>(result.history.ops.size());
  }
  state.counters["x_real_time"] = sim_s / wall_s;
  state.counters["messages_per_s"] = delivered / wall_s;
  // The same per CPU second: on a shared machine wall time includes other people's work.
  state.counters["x_real_time_cpu"] = sim_s / cpu_s;
  state.counters["messages_per_cpu_s"] = delivered / cpu_s;
  state.counters["sim_ops_per_sim_s"] = ops / sim_s;
}

void BM_Raft5Nodes(benchmark::State& state) { run(state, false); }
void BM_Raft5NodesWithInvariants(benchmark::State& state) { run(state, true); }

}  // namespace

BENCHMARK(BM_Raft5Nodes)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Raft5NodesWithInvariants)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
