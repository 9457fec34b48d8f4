// Exporting large traces: `dsim export` as a user runs it (a child process per export), on a
// Raft trace of about 100k and 1M events (5 nodes, 4 clients, 5 ms think time).
// Counters per format: the child's CPU seconds, its peak resident memory, trace events per CPU
// second, and two ratios measured in this run:
//  - rss_per_trace_byte: peak memory over the trace file's size (target for 1M events: a
//    Perfetto export within 300 MB, i.e. about 2.3 for its 130 MB trace);
//  - vs_parse: the export's CPU time over that of only reading the trace (BM_ReadOnly, the
//    streaming JSON parse every exporter pays), i.e. what the format itself costs.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/cpu_time.h"
#include <nlohmann/json.hpp>

#include "sim/trace/trace_reader.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using dsim::bench::thread_cpu_seconds;

struct ChildCost {
  double cpu_s = 0;
  double peak_rss_bytes = 0;
  int exit_code = -1;
};

ChildCost run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return {};
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) return {};
  ChildCost cost;
  cost.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  cost.peak_rss_bytes = static_cast<double>(usage.ru_maxrss) * 1024.0;
  cost.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return cost;
}

fs::path work_dir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("dsim-bench-export-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// A trace of about `events` events, made once per size by `dsim run`.
const fs::path& trace_file(std::int64_t events) {
  static std::map<std::int64_t, fs::path> made;
  auto [it, fresh] = made.try_emplace(events);
  if (!fresh) return it->second;
  // ~21.9k trace events per simulated second with these settings (measured).
  const std::int64_t duration_ms = events * 1000 / 21900;
  const nlohmann::json scenario = {
      {"cluster", {{"protocol", "raft"}, {"nodes", 5}}},
      {"workload", {{"kind", "register"}, {"clients", 4}, {"think_ms", 5}, {"timeout_ms", 500}, {"stop_ms", duration_ms}}},
      {"checks", {{"linearizability", "cas-register"}}},
      {"expect", {{"safety", "holds"}}},
      {"run", {{"duration_ms", duration_ms}}}};
  const fs::path scenario_path = work_dir() / ("raft-" + std::to_string(events) + ".json");
  std::ofstream(scenario_path) << scenario.dump(1);
  it->second = work_dir() / ("raft-" + std::to_string(events) + ".trace.json");
  run_child({DSIM_BINARY, "run", scenario_path.string(), "--quiet", "--trace", it->second.string()});
  return it->second;
}

// Reads the trace and counts its events: the streaming parse alone.
class Counter final : public dsim::TraceSink {
 public:
  void begin(const nlohmann::json&) override {}
  void event(const nlohmann::json&) override { ++events; }
  void end(const nlohmann::json&) override {}
  std::int64_t events = 0;
};

std::map<std::int64_t, std::pair<double, std::int64_t>>& read_only_cost() {  // size -> (cpu s, events)
  static std::map<std::int64_t, std::pair<double, std::int64_t>> cost;
  return cost;
}

void BM_ReadOnly(benchmark::State& state) {
  const fs::path& trace = trace_file(state.range(0));
  Counter counter;
  double cpu = 0;
  for (auto _ : state) {
    counter = Counter{};
    const double start = thread_cpu_seconds();
    std::string error;
    if (!dsim::read_trace(trace.string(), counter, &error)) state.SkipWithError(error.c_str());
    cpu += thread_cpu_seconds() - start;
  }
  cpu /= static_cast<double>(state.iterations());
  read_only_cost()[state.range(0)] = {cpu, counter.events};
  state.counters["cpu_s"] = cpu;
  state.counters["trace_events"] = static_cast<double>(counter.events);
  state.counters["trace_MB"] = static_cast<double>(fs::file_size(trace)) / 1e6;
  state.counters["MB_per_cpu_s"] = static_cast<double>(fs::file_size(trace)) / 1e6 / cpu;
}

void export_format(benchmark::State& state, const std::string& format) {
  const fs::path& trace = trace_file(state.range(0));
  const fs::path out = work_dir() / ("out." + format);
  ChildCost total;
  for (auto _ : state) {
    const ChildCost c = run_child({DSIM_BINARY, "export", trace.string(), "--format", format, "-o", out.string()});
    if (c.exit_code != 0) state.SkipWithError("dsim export failed");
    total.cpu_s += c.cpu_s;
    total.peak_rss_bytes = std::max(total.peak_rss_bytes, c.peak_rss_bytes);
  }
  const double cpu = total.cpu_s / static_cast<double>(state.iterations());
  const auto [read_cpu, events] = read_only_cost()[state.range(0)];
  state.counters["cpu_s"] = cpu;
  state.counters["peak_rss_MB"] = total.peak_rss_bytes / 1e6;
  state.counters["rss_per_trace_byte"] = total.peak_rss_bytes / static_cast<double>(fs::file_size(trace));
  state.counters["events_per_cpu_s"] = static_cast<double>(events) / cpu;
  state.counters["vs_parse"] = read_cpu > 0 ? cpu / read_cpu : 0;
  state.counters["out_MB"] = static_cast<double>(fs::file_size(out)) / 1e6;
}

void BM_Perfetto(benchmark::State& state) { export_format(state, "perfetto"); }
void BM_Shiviz(benchmark::State& state) { export_format(state, "shiviz"); }
void BM_Edn(benchmark::State& state) { export_format(state, "edn"); }

// The reference first, so each export's ratio has it.
BENCHMARK(BM_ReadOnly)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Perfetto)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Shiviz)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Edn)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(work_dir(), ec);
  return 0;
}
