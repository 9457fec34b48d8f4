// Messages through the whole engine: the pingpong protocol between 5 nodes, each keeping pings
// in flight to every peer, with the same-datacenter latency model (a normal draw per message),
// the partition and clog checks, FIFO links and the run fingerprint; tracing off.
// Reference: the bare event queue doing the same number of events (bench/engine.cpp's loop), so
// the ratio says what the network model and the Process API cost on top of the queue.
// Target: >= 5M delivered messages per second.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

Scenario pingpong(std::uint32_t nodes, TimeNs duration_ns) {
  Scenario s;
  s.name = "bench-pingpong";
  s.cluster.protocol = "pingpong";
  for (std::uint32_t i = 0; i < nodes; ++i) s.cluster.node_names.push_back(fmt::format("n{}", i));
  s.cluster.params = {{"in_flight", 4}};
  s.clocks.resize(nodes);
  s.checks.invariants = false;
  s.run.duration_ns = duration_ns;
  // A load generator floods on purpose: the livelock watchdogs must not cut the measured run.
  s.run.messages_per_node_s_max = 0;
  s.run.timers_per_node_s_max = 0;
  return s;
}

void BM_PingPong5Nodes(benchmark::State& state) {
  const Scenario s = pingpong(5, 200 * kNsPerMs);
  std::uint64_t delivered = 0;
  double simulated_s = 0;
  for (auto _ : state) {
    const RunResult r = run_scenario(s);
    delivered += r.stats.messages_delivered;
    simulated_s += static_cast<double>(r.stats.end_ns) / 1e9;
  }
  state.counters["delivered_per_s"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
}

BENCHMARK(BM_PingPong5Nodes)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
