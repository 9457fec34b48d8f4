// Broadcast at scale: a cluster (1,024 nodes once the scenario limit allows it; the largest
// allowed until then) running push-pull rumor mongering with anti-entropy for one simulated
// minute under a Glomers-style client load (~100 ops/s, 10 % reads: a read returns every value,
// so reads dominate the cost otherwise), tracing off. Reports wall time, events and messages
// per second, peak memory (ru_maxrss) and, measured in the same run, the pingpong reference on 5
// nodes: vs_pingpong = broadcast's events per CPU second over pingpong's (the engine's own
// per-event cost), a ratio that machine noise mostly cancels out of.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <variant>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace {

dsim::Scenario parse(const nlohmann::json& doc) {
  auto parsed = dsim::parse_scenario(doc.dump(), "bench");
  return std::get<dsim::Scenario>(std::move(parsed));
}

dsim::Scenario broadcast_scenario(std::uint32_t nodes, std::int64_t duration_ms) {
  return parse({{"cluster", {{"protocol", "broadcast"}, {"nodes", nodes},
                             {"params", {{"mode", "push-pull"}, {"fanout", 1}, {"period_ms", 200}, {"stop", "counter"},
                                         {"stop_k", 3}, {"anti_entropy_ms", 5000}, {"period_jitter", true}}}}},
                {"network", {{"latency", {{"dist", "uniform"}, {"min_ms", 5}, {"max_ms", 50}, {"floor_ms", 0}}}}},
                {"workload", {{"kind", "broadcast"}, {"clients", 10}, {"think_ms", 100}, {"read", 0.1}, {"stop_ms", duration_ms - 5000},
                              {"final_after_ms", 4000}}},
                {"checks", {{"invariants", false}}},
                {"expect", {{"safety", "any"}}},
                {"run", {{"seed", 1}, {"duration_ms", duration_ms}}}});
}

dsim::Scenario pingpong_scenario(std::int64_t duration_ms) {
  return parse({{"cluster", {{"protocol", "pingpong"}, {"nodes", 5}, {"params", {{"in_flight", 4}}}}},
                {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
                {"checks", {{"invariants", false}}},
                {"expect", {{"safety", "any"}, {"liveness", "any"}}},
                {"run", {{"seed", 1}, {"duration_ms", duration_ms}, {"messages_per_node_s_max", 0}, {"timers_per_node_s_max", 0}}}});
}

double pingpong_events_per_cpu_s() {
  static const dsim::Scenario scenario = pingpong_scenario(1'000);
  const std::clock_t cpu_start = std::clock();
  const dsim::RunResult result = dsim::run_scenario(scenario);
  const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return static_cast<double>(result.stats.events) / cpu_s;
}

void BM_Broadcast(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(std::min<std::int64_t>(state.range(0), dsim::kScenarioNodesMax));
  const dsim::Scenario scenario = broadcast_scenario(nodes, 60'000);
  double sim_s = 0, wall_s = 0, cpu_s = 0, events = 0, sent = 0, reference = 0;
  nlohmann::json metrics;
  for (auto _ : state) {
    state.PauseTiming();
    reference += pingpong_events_per_cpu_s();
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    const dsim::RunResult result = dsim::run_scenario(scenario);
    cpu_s += static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sim_s += static_cast<double>(result.stats.end_ns) / 1e9;
    events += static_cast<double>(result.stats.events);
    sent += static_cast<double>(result.stats.messages_sent);
    metrics = result.metrics;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["nodes"] = nodes;
  state.counters["wall_s_per_run"] = wall_s / static_cast<double>(state.iterations());
  state.counters["events_per_s"] = events / wall_s;
  state.counters["messages_per_s"] = sent / wall_s;
  state.counters["events_per_cpu_s"] = events / cpu_s;
  state.counters["x_real_time"] = sim_s / wall_s;
  state.counters["vs_pingpong"] = (events / cpu_s) / (reference / static_cast<double>(state.iterations()));
  state.counters["peak_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (metrics.contains("broadcast")) {
    state.counters["msgs_per_op"] = metrics["broadcast"].value("msgs_per_op", 0.0);
    state.counters["lost"] = metrics["broadcast"].value("lost", 0.0);
  }
}

}  // namespace

// 5 nodes beside the large cluster: the per-event cost should not grow with the cluster.
BENCHMARK(BM_Broadcast)->Arg(5)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

BENCHMARK_MAIN();
