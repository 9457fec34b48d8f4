// Raft at speed: 5 nodes, 1 ms +- jitter links, ~1,000 client operations per simulated second,
// tracing off. Reports how much faster than real time the simulation runs and how many messages
// it delivers per wall-clock second. Targets: >= 1,000x real time and >= 1M messages/s.
// Reference, measured in the same run: the pingpong protocol on the same 5 nodes and links, i.e.
// the engine's own per-message cost. vs_pingpong = Raft's messages per CPU second over
// pingpong's, a ratio that machine noise mostly cancels out of.
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

dsim::Scenario pingpong_scenario(std::int64_t duration_ms) {
  const nlohmann::json doc = {
      {"description", "pingpong reference"},
      {"cluster", {{"protocol", "pingpong"}, {"nodes", 5}, {"params", {{"in_flight", 4}}}}},
      {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
      {"checks", {{"invariants", false}}},
      {"expect", {{"safety", "any"}, {"liveness", "any"}}},
      {"run", {{"seed", 1}, {"duration_ms", duration_ms}, {"messages_per_node_s_max", 0}, {"timers_per_node_s_max", 0}}},
  };
  auto parsed = dsim::parse_scenario(doc.dump(), "bench");
  return std::get<dsim::Scenario>(std::move(parsed));
}

// Messages delivered per CPU second by the pingpong reference.
double pingpong_messages_per_cpu_s() {
  static const dsim::Scenario scenario = pingpong_scenario(1'000);
  const std::clock_t cpu_start = std::clock();
  const dsim::RunResult result = dsim::run_scenario(scenario);
  const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return static_cast<double>(result.stats.messages_delivered) / cpu_s;
}

void run(benchmark::State& state, bool invariants) {
  dsim::Scenario scenario = bench_scenario(state.range(0));
  scenario.checks.invariants = invariants;
  double sim_s = 0, wall_s = 0, cpu_s = 0, delivered = 0, ops = 0, reference = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reference += pingpong_messages_per_cpu_s();  // interleaved with the runs it is compared to
    state.ResumeTiming();
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
  state.counters["vs_pingpong"] = (delivered / cpu_s) / (reference / static_cast<double>(state.iterations()));
}

void BM_Raft5Nodes(benchmark::State& state) { run(state, false); }
void BM_Raft5NodesWithInvariants(benchmark::State& state) { run(state, true); }

}  // namespace

BENCHMARK(BM_Raft5Nodes)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Raft5NodesWithInvariants)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
