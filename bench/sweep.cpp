// A sweep's overhead over running the same runs one by one: 100 runs (a 5-point grid x 20 seeds of
// a 5-node Raft scenario, 2 simulated seconds).
//  - OneByOne: each point's scenario parsed and run in this thread (what a shell loop over
//    `dsim run --seed` would cost, minus its process start-ups);
//  - Sweep: sweep::run_sweep with one worker (a process per run, the records) plus the aggregate,
//    CPU time of this process and its children.
// Counters: runs_per_core_s, and on Sweep the ratio to OneByOne's figure from the same process.
#include <sys/resource.h>

#include <ctime>

#include <benchmark/benchmark.h>

#include "bench/cpu_time.h"

#include "sim/scenario/sweep_json.h"
#include "sim/sweep/sweep.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

using bench::process_and_children_cpu_seconds;
using bench::thread_cpu_seconds;

constexpr const char* kScenario = R"({
  "name": "sweep-bench",
  "cluster": {"protocol": "raft", "nodes": 5},
  "workload": {"kind": "register", "clients": 4, "think_ms": 10, "timeout_ms": 300},
  "checks": {"linearizability": "cas-register"},
  "run": {"duration_ms": 2000}
})";

sweep::SweepConfig bench_config() {
  sweep::SweepConfig c;
  c.file = "sweep-bench";
  c.base = nlohmann::json::parse(kScenario);
  c.params = {SweepParam{"", "/cluster/params/election_timeout_min_ms", {150, 175, 200, 225, 250}}};
  (void)name_sweep_params(c.params);
  c.seeds = {1, 20};
  return c;
}

double g_one_by_one_runs_per_s = 0;  // the reference, measured first in the same process

void BM_OneByOne(benchmark::State& state) {
  const sweep::SweepConfig c = bench_config();
  std::string error;
  const auto points = sweep::point_scenarios(c, &error);
  double cpu = 0;
  std::uint64_t runs = 0;
  for (auto _ : state) {
    const double start = thread_cpu_seconds();
    for (const auto& p : *points) {
      for (std::uint64_t seed = c.seeds.from; seed <= c.seeds.to; ++seed) {
        Scenario s = p.scenario;
        s.run.seed = seed;
        benchmark::DoNotOptimize(run_scenario(s).fingerprint);
        ++runs;
      }
    }
    cpu += thread_cpu_seconds() - start;
  }
  g_one_by_one_runs_per_s = static_cast<double>(runs) / cpu;
  state.counters["runs_per_core_s"] = g_one_by_one_runs_per_s;
}

void BM_Sweep(benchmark::State& state) {
  const sweep::SweepConfig c = bench_config();
  double cpu = 0;
  std::uint64_t runs = 0;
  for (auto _ : state) {
    const double start = process_and_children_cpu_seconds();
    std::string error;
    const auto points = sweep::point_scenarios(c, &error);
    const auto records = sweep::run_sweep(c, *points, nullptr);
    benchmark::DoNotOptimize(sweep::aggregate(sweep::runs_header(c), records).size());
    cpu += process_and_children_cpu_seconds() - start;
    runs += records.size();
  }
  const double rate = static_cast<double>(runs) / cpu;
  state.counters["runs_per_core_s"] = rate;
  if (g_one_by_one_runs_per_s > 0) state.counters["vs_one_by_one"] = rate / g_one_by_one_runs_per_s;
}

BENCHMARK(BM_OneByOne)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_Sweep)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
