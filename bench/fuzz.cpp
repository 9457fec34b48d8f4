// Fuzzing throughput: seeds per second per core on a 5-node scenario of 10 simulated seconds with
// 200 client operations and the linearizability check (raft when this build registers it, else
// primary-backup). Target: >= 100 seeds/s per core.
//  - InProcess: generate + run + judge, in this thread (the simulator's share of the cost);
//  - Pooled: the whole `dsim fuzz` pipeline with one long-lived worker (results, files), CPU time
//    of this process and its children, so other load on the machine does not count;
//  - ForkedPerSeed: the same pipeline one seed per call, so a worker is forked for every seed, as
//    `dsim fuzz` did before its workers lived long: what the pool saves.
// Counter: seeds_per_core_s (seeds / CPU seconds). Failing seeds are written, not shrunk. After
// the runs: pooled / in-process (target >= 0.85) and forked / in-process.
#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <variant>

#include <benchmark/benchmark.h>

#include "bench/cpu_time.h"
#include <fmt/format.h>

#include "sim/cli/run_output.h"
#include "sim/node/protocol.h"
#include "sim/fuzz/driver.h"
#include "sim/fuzz/generator.h"

namespace dsim {
namespace {

using bench::process_and_children_cpu_seconds;
using bench::thread_cpu_seconds;

constexpr std::uint64_t kSeeds = 200;

Scenario bench_scenario() {
  const std::string protocol = ProtocolRegistry::instance().find("raft") ? "raft" : "primary-backup";
  const std::string text = fmt::format(R"({{
    "name": "fuzz-bench",
    "cluster": {{ "protocol": "{}", "nodes": 5 }},
    "workload": {{ "kind": "register", "clients": 4, "ops": 200, "think_ms": 20, "timeout_ms": 500 }},
    "checks": {{ "linearizability": "cas-register" }},
    "run": {{ "duration_ms": 10000 }} }})",
                                       protocol);
  auto parsed = parse_scenario(text, "bench");
  return std::get<Scenario>(std::move(parsed));
}

// Seeds per CPU second of each benchmark, for the ratios printed after the runs.
std::map<std::string, double>& rates() {
  static std::map<std::string, double> r;
  return r;
}

void BM_InProcess(benchmark::State& state) {
  const Scenario base = bench_scenario();
  double cpu = 0;
  std::uint64_t seeds = 0, failed = 0, events = 0;
  for (auto _ : state) {
    const double start = thread_cpu_seconds();
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const RunResult r = run_scenario(fuzz::fuzz_scenario(base, seed));
      failed += fuzz::signature(r).has_value();
      events += r.stats.events;
    }
    cpu += thread_cpu_seconds() - start;
    seeds += kSeeds;
  }
  state.counters["seeds_per_core_s"] = static_cast<double>(seeds) / cpu;
  rates()["in-process"] = static_cast<double>(seeds) / cpu;
  state.counters["events_per_seed"] = static_cast<double>(events) / static_cast<double>(seeds);
  state.counters["failed_seeds"] = static_cast<double>(failed);
  state.SetLabel(base.cluster.protocol);
}

fuzz::FuzzConfig pipeline_config() {
  fuzz::FuzzConfig config;
  config.base = bench_scenario();
  config.seeds = fuzz::SeedRange{1, kSeeds};
  config.jobs = 1;
  config.shrink = false;
  config.write_trace = cli::write_trace_file;
  config.out_dir = (std::filesystem::temp_directory_path() / fmt::format("dsim-bench-fuzz-{}", ::getpid())).string();
  return config;
}

// The pipeline over kSeeds seeds: one fuzz() call whose worker runs them all, or (worker_per_seed)
// a call per seed, each forking the one worker its seed runs in.
void pipeline(benchmark::State& state, const char* name, bool worker_per_seed) {
  fuzz::FuzzConfig config = pipeline_config();
  double cpu = 0;
  std::uint64_t seeds = 0;
  for (auto _ : state) {
    const double start = process_and_children_cpu_seconds();
    if (worker_per_seed) {
      for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
        config.seeds = fuzz::SeedRange{seed, seed};
        seeds += fuzz::fuzz(config, nullptr).records.size();
      }
    } else {
      seeds += fuzz::fuzz(config, nullptr).records.size();
    }
    cpu += process_and_children_cpu_seconds() - start;
  }
  std::filesystem::remove_all(config.out_dir);
  state.counters["seeds_per_core_s"] = static_cast<double>(seeds) / cpu;
  rates()[name] = static_cast<double>(seeds) / cpu;
  state.SetLabel(config.base.cluster.protocol);
}

void BM_ForkedPerSeed(benchmark::State& state) { pipeline(state, "forked", true); }
void BM_Pooled(benchmark::State& state) { pipeline(state, "pooled", false); }

// The pipelines first: a parent whose heap the in-process runs have grown makes every fork dearer
// (copy-on-write faults in each child), which `dsim fuzz` itself never pays.
BENCHMARK(BM_ForkedPerSeed)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Pooled)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_InProcess)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace dsim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const auto& r = dsim::rates();
  if (r.count("in-process") && r.at("in-process") > 0) {
    for (const char* name : {"pooled", "forked"}) {
      if (r.count(name)) fmt::print("{} / in-process: {:.2f}\n", name, r.at(name) / r.at("in-process"));
    }
  }
  return 0;
}
