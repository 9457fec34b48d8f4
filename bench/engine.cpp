// The event queue alone, against a bare std::priority_queue loop measured in the same run:
//  - chain: one event that reschedules itself (the shortest possible queue);
//  - timers: 1,000 concurrent timers, each re-armed with a pseudo-random delay when it fires.
// Counters: events_per_s (ours), pq_events_per_s (the reference), ratio = pq time / our time
// (above 1 means faster than the bare loop). Targets: chain >= 30M/s, timers >= 10M/s, ratio >= 1/1.5.
#include <ctime>
#include <cstdint>
#include <queue>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/cpu_time.h"

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"

namespace dsim {
namespace {

constexpr std::int64_t kEvents = 2'000'000;

// Delays drawn once, so both loops do identical work and neither pays for random numbers.
std::vector<TimeNs> delays(std::size_t n) {
  Rng rng(1);
  std::vector<TimeNs> out(n);
  for (auto& d : out) d = 1 + static_cast<TimeNs>(rng.below(1'000'000));
  return out;
}

struct PqEvent {
  TimeNs at_ns;
  std::uint64_t seq;
  std::uint32_t kind, target;
  std::uint64_t arg;
  bool operator>(const PqEvent& o) const { return at_ns > o.at_ns || (at_ns == o.at_ns && seq > o.seq); }
};

// CPU time of this thread: the figures stay meaningful when other processes share the cores.
double cpu_seconds() { return bench::thread_cpu_seconds(); }

double bare_pq_seconds(std::size_t concurrent, const std::vector<TimeNs>& delay) {
  const double start = cpu_seconds();
  std::priority_queue<PqEvent, std::vector<PqEvent>, std::greater<>> pq;
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < concurrent; ++i) pq.push(PqEvent{delay[i], seq++, 0, 0, i});
  std::uint64_t sum = 0;
  for (std::int64_t i = 0; i < kEvents; ++i) {
    const PqEvent e = pq.top();
    pq.pop();
    sum += e.arg;
    pq.push(PqEvent{e.at_ns + delay[static_cast<std::size_t>(i) & (delay.size() - 1)], seq++, 0, 0, e.arg});
  }
  benchmark::DoNotOptimize(sum);
  return cpu_seconds() - start;
}

double event_queue_seconds(std::size_t concurrent, const std::vector<TimeNs>& delay) {
  const double start = cpu_seconds();
  EventQueue q;
  q.reserve(concurrent + 1);
  for (std::size_t i = 0; i < concurrent; ++i) q.push(delay[i], 0, 0, i);
  std::uint64_t sum = 0;
  for (std::int64_t i = 0; i < kEvents; ++i) {
    const Event e = q.pop();
    sum += e.arg;  // a trivial handler: reschedule self
    q.push(e.at_ns + delay[static_cast<std::size_t>(i) & (delay.size() - 1)], e.kind, e.target, e.arg);
  }
  benchmark::DoNotOptimize(sum);
  return cpu_seconds() - start;
}

void run(benchmark::State& state, std::size_t concurrent) {
  const auto delay = delays(1 << 16);
  double ours = 0, reference = 0;
  for (auto _ : state) {
    ours += event_queue_seconds(concurrent, delay);
    reference += bare_pq_seconds(concurrent, delay);
  }
  const double events = static_cast<double>(kEvents) * static_cast<double>(state.iterations());
  state.counters["events_per_s"] = events / ours;
  state.counters["pq_events_per_s"] = events / reference;
  state.counters["ratio"] = reference / ours;
}

void BM_Chain(benchmark::State& state) { run(state, 1); }
void BM_Timers1000(benchmark::State& state) { run(state, 1000); }

BENCHMARK(BM_Chain)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Timers1000)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
