// Reading histories: `dsim check`'s parsers on 100 MB of synthetic Jepsen input (50 processes,
// reads and writes of a register), in MB per CPU second. Target: >= 100 MB/s for Jepsen log lines
// and EDN. Reference, in the same run: nlohmann::json parsing the same operations written as one
// JSON list of maps (vs_json = our MB/s over its MB/s), a parser tuned for speed.
#include <ctime>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/check/parse.h"

namespace {

constexpr std::size_t kBytes = 100'000'000;

enum class Form { edn, log, json };

// The same history in each form; deterministic (a fixed LCG, no seeding from anywhere).
const std::string& history_text(Form form) {
  static std::string texts[3];
  std::string& out = texts[static_cast<int>(form)];
  if (!out.empty()) return out;
  std::uint64_t lcg = 1;
  const auto next = [&] { return (lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  if (form == Form::json) out += "[";
  for (std::uint64_t i = 0; out.size() < kBytes; ++i) {
    const std::uint64_t p = i % 50, v = next() % 6;
    const bool read = next() % 2 == 0;
    const char* f = read ? "read" : "write";
    const std::string in = read ? "nil" : std::to_string(v);
    const std::string done = std::to_string(v);
    if (form == Form::edn) {
      out += fmt::format("{{:process {}, :type :invoke, :f :{}, :value {}, :time {}, :index {}}}\n", p, f, in, i * 10, 2 * i);
      out += fmt::format("{{:process {}, :type :ok, :f :{}, :value {}, :time {}, :index {}}}\n", p, f, done, i * 10 + 5, 2 * i + 1);
    } else if (form == Form::log) {
      out += fmt::format("INFO  jepsen.util - {}\t:invoke\t:{}\t{}\n", p, f, in);
      out += fmt::format("INFO  jepsen.util - {}\t:ok\t:{}\t{}\n", p, f, done);
    } else {
      const std::string json_in = read ? "null" : in;
      out += fmt::format("{}{{\"process\": {}, \"type\": \"invoke\", \"f\": \"{}\", \"value\": {}, \"time\": {}}},\n", i ? "" : "\n", p,
                         f, json_in, i * 10);
      out += fmt::format("{{\"process\": {}, \"type\": \"ok\", \"f\": \"{}\", \"value\": {}, \"time\": {}}}", p, f, done, i * 10 + 5);
      out += out.size() < kBytes ? ",\n" : "\n";
    }
  }
  if (form == Form::json) out += "]\n";
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double json_mb_per_s = 0;  // the reference, measured first

void BM_JsonReference(benchmark::State& state) {
  const std::string& text = history_text(Form::json);
  double cpu = 0;
  for (auto _ : state) {
    const double start = thread_cpu_seconds();
    const auto doc = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(doc.size());
    cpu += thread_cpu_seconds() - start;
  }
  json_mb_per_s = static_cast<double>(text.size()) * static_cast<double>(state.iterations()) / 1e6 / cpu;
  state.counters["MB_per_cpu_s"] = json_mb_per_s;
}

void parse_form(benchmark::State& state, Form form, dsim::check::Format format) {
  const std::string& text = history_text(form);
  double cpu = 0;
  std::size_t ops = 0;
  for (auto _ : state) {
    const double start = thread_cpu_seconds();
    const auto parsed = dsim::check::parse_history(text, format, "bench");
    cpu += thread_cpu_seconds() - start;
    if (parsed.error) state.SkipWithError(parsed.error->to_string().c_str());
    ops = parsed.history.ops.size();
  }
  const double mb_per_s = static_cast<double>(text.size()) * static_cast<double>(state.iterations()) / 1e6 / cpu;
  state.counters["MB_per_cpu_s"] = mb_per_s;
  state.counters["ops"] = static_cast<double>(ops);
  state.counters["input_MB"] = static_cast<double>(text.size()) / 1e6;
  state.counters["vs_json"] = json_mb_per_s > 0 ? mb_per_s / json_mb_per_s : 0;
}

void BM_Edn(benchmark::State& state) { parse_form(state, Form::edn, dsim::check::Format::edn); }
void BM_JepsenLog(benchmark::State& state) { parse_form(state, Form::log, dsim::check::Format::jepsen_log); }

BENCHMARK(BM_JsonReference)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Edn)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_JepsenLog)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
