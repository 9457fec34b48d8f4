// Does a big cluster cost more per event than a small one? A ring of ping-pong traffic (each
// node keeps 4 pings in flight to each of its next 2 nodes), same-datacenter latency, tracing
// off, at 5 nodes (the reference, in the same run) and at 1,024 and 4,096 nodes, each for a
// similar number of events. Printed: wall ns per event and peak heap bytes per node, and each
// size's ratio to the 5-node run. A ratio near 1 means no per-event or per-node cost grows with
// the cluster beyond the extra work itself (a bigger event queue: O(log n) per event).
//
// Peak heap is measured by counting this process's allocations (operator new/delete below).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <new>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace {
std::atomic<std::int64_t> g_live_bytes{0};
std::atomic<std::int64_t> g_peak_bytes{0};

void note_alloc(std::size_t size) {
  const std::int64_t live = g_live_bytes.fetch_add(static_cast<std::int64_t>(size)) + static_cast<std::int64_t>(size);
  std::int64_t peak = g_peak_bytes.load();
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
}
}  // namespace

// Each block carries its size in front, so delete can count it without a sized delete.
void* operator new(std::size_t size) {
  auto* p = static_cast<std::size_t*>(std::malloc(size + 16));
  if (!p) throw std::bad_alloc();
  *p = size;
  note_alloc(size);
  return reinterpret_cast<char*>(p) + 16;
}
void operator delete(void* ptr) noexcept {
  if (!ptr) return;
  auto* p = reinterpret_cast<std::size_t*>(static_cast<char*>(ptr) - 16);
  g_live_bytes.fetch_sub(static_cast<std::int64_t>(*p));
  std::free(p);
}
void operator delete(void* ptr, std::size_t) noexcept { operator delete(ptr); }

namespace dsim {
namespace {

Scenario ring(std::uint32_t nodes, TimeNs duration_ns) {
  Scenario s;
  s.name = "bench-scale";
  s.cluster.protocol = "pingpong";
  for (std::uint32_t i = 0; i < nodes; ++i) s.cluster.node_names.push_back(fmt::format("n{}", i));
  s.cluster.params = {{"in_flight", 4}, {"peers", 2}};
  s.clocks.resize(nodes);
  s.checks.invariants = false;
  s.run.duration_ns = duration_ns;
  return s;
}

struct Figures {
  double ns_per_event = 0;
  double peak_bytes_per_node = 0;
  std::uint64_t events = 0;
};
std::map<std::uint32_t, Figures> g_figures;

// About 2M events per run whatever the size: the simulated time shrinks as the cluster grows.
void BM_Ring(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  const TimeNs duration_ns = static_cast<TimeNs>(2'000'000.0 / (nodes * 8.0) * 0.25 * kNsPerMs);
  const Scenario s = ring(nodes, duration_ns);
  std::uint64_t events = 0;
  double wall_ns = 0;
  std::int64_t peak_over = 0;
  for (auto _ : state) {
    const std::int64_t before = g_live_bytes.load();
    g_peak_bytes.store(before);
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r = run_scenario(s);
    wall_ns += static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - t0).count());
    events += r.stats.events;
    peak_over = std::max(peak_over, g_peak_bytes.load() - before);
  }
  Figures f{wall_ns / static_cast<double>(events), static_cast<double>(peak_over) / nodes, events};
  g_figures[nodes] = f;
  state.counters["ns_per_event"] = f.ns_per_event;
  state.counters["peak_bytes_per_node"] = f.peak_bytes_per_node;
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

BENCHMARK(BM_Ring)->Arg(5)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace dsim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  const auto& figures = dsim::g_figures;
  const auto ref = figures.find(5);
  if (ref == figures.end()) return 0;
  for (const auto& [nodes, f] : figures) {
    fmt::print("{:>5} nodes: {:7.1f} ns/event ({:.2f}x the 5-node run), {:9.0f} peak heap bytes/node ({:.2f}x)\n",
               nodes, f.ns_per_event, f.ns_per_event / ref->second.ns_per_event, f.peak_bytes_per_node,
               f.peak_bytes_per_node / ref->second.peak_bytes_per_node);
  }
  benchmark::Shutdown();
  return 0;
}
