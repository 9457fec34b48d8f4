// SWIM at scale: N nodes (1,024 once the scenario limit allows it, 64 until then) for one
// simulated minute, tracing off, with and without the membership checker. Reports wall time,
// events and messages per second and peak memory (max RSS of the process so far). Reference,
// measured in the same run: the pingpong protocol on 5 nodes, i.e. the engine's own per-message
// cost; vs_pingpong = SWIM's messages per CPU second over pingpong's.
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <variant>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace {

std::optional<dsim::Scenario> parse(const nlohmann::json& doc) {
  auto parsed = dsim::parse_scenario(doc.dump(), "bench");
  if (std::holds_alternative<dsim::Diagnostics>(parsed)) return std::nullopt;
  return std::get<dsim::Scenario>(std::move(parsed));
}

std::optional<dsim::Scenario> swim_scenario(std::int64_t nodes, bool invariants) {
  // A few crashes so that suspicions, removals and refutations are part of the load.
  nlohmann::json faults = nlohmann::json::array();
  for (int i = 0; i < 5; ++i) {
    faults.push_back({{"at_ms", 5000 + 10000 * i}, {"action", "crash"}, {"node", fmt::format("n{}", (i * 97 + 3) % nodes)},
                      {"duration_ms", 4000}});
  }
  return parse({{"description", "membership benchmark"},
                {"cluster", {{"protocol", "membership"}, {"nodes", nodes}, {"params", {{"mode", "swim"}, {"lifeguard", true}}}}},
                {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
                {"faults", faults},
                {"checks", {{"invariants", invariants}}},
                {"expect", {{"safety", "any"}, {"liveness", "any"}}},
                {"run", {{"seed", 1}, {"duration_ms", 60'000}}}});
}

double pingpong_messages_per_cpu_s() {
  static const auto scenario = parse({{"description", "pingpong reference"},
                                      {"cluster", {{"protocol", "pingpong"}, {"nodes", 5}, {"params", {{"in_flight", 4}}}}},
                                      {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
                                      {"checks", {{"invariants", false}}},
                                      {"expect", {{"safety", "any"}, {"liveness", "any"}}},
                                      {"run", {{"seed", 1}, {"duration_ms", 1'000}}}});
  const std::clock_t cpu_start = std::clock();
  const dsim::RunResult result = dsim::run_scenario(*scenario);
  const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return static_cast<double>(result.stats.messages_delivered) / cpu_s;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

void run(benchmark::State& state, bool invariants) {
  const std::int64_t nodes = state.range(0);
  const auto scenario = swim_scenario(nodes, invariants);
  if (!scenario) {
    state.SkipWithError("this many nodes is beyond the scenario limit of this build");
    return;
  }
  double sim_s = 0, wall_s = 0, cpu_s = 0, events = 0, delivered = 0, sent = 0, reference = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reference += pingpong_messages_per_cpu_s();  // interleaved with the runs it is compared to
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    const dsim::RunResult result = dsim::run_scenario(*scenario);
    cpu_s += static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sim_s += static_cast<double>(result.stats.end_ns) / 1e9;
    events += static_cast<double>(result.stats.events);
    delivered += static_cast<double>(result.stats.messages_delivered);
    sent += static_cast<double>(result.stats.messages_sent);
  }
  const double runs = static_cast<double>(state.iterations());
  state.counters["wall_s_per_sim_minute"] = wall_s / runs * 60.0 / (sim_s / runs);
  state.counters["x_real_time"] = sim_s / wall_s;
  state.counters["events_per_s"] = events / wall_s;
  state.counters["messages_per_s"] = delivered / wall_s;
  state.counters["messages_per_cpu_s"] = delivered / cpu_s;
  state.counters["msgs_per_member_per_period"] = sent / runs / static_cast<double>(nodes) / (sim_s / runs * 10.0);
  state.counters["vs_pingpong"] = (delivered / cpu_s) / (reference / runs);
  state.counters["peak_rss_mb"] = peak_rss_mb();
}

void BM_Swim(benchmark::State& state) { run(state, false); }
void BM_SwimWithChecker(benchmark::State& state) { run(state, true); }

}  // namespace

BENCHMARK(BM_Swim)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_SwimWithChecker)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

BENCHMARK_MAIN();
