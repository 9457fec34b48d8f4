#include "sim/cli/run_output.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "sim/core/file.h"
#include "sim/core/text.h"

namespace dsim::cli {

std::string fingerprint_hex(std::uint64_t fingerprint) { return fmt::format("{:016x}", fingerprint); }

namespace {

std::string latency_line(const check::History& history) {
  std::vector<TimeNs> latencies;
  for (const auto& op : history.ops) {
    if (op.type == check::OpType::ok) latencies.push_back(op.complete_ns - op.invoke_ns);
  }
  if (latencies.empty()) return "";
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) { return ns_to_ms(latencies[static_cast<std::size_t>(q * (latencies.size() - 1))]); };
  return fmt::format("; ok latency p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms", at(0.5), at(0.99), at(1.0));
}

// The history checks' figures (sim/world/history_checks.h), one line each; the t-visibility
// curve as a table, with the WARS model's prediction beside it when the scenario asked.
void print_history_checks(std::ostream& out, const nlohmann::json& figures) {
  if (const auto it = figures.find("lost_writes"); it != figures.end()) {
    const auto& r = *it;
    out << fmt::format("    lost writes      {} acknowledged adds of {}: {} lost, {} unexpected, {} recovered; {} final reads{}\n",
                       r["acknowledged"].get<std::uint64_t>(), r["attempted"].get<std::uint64_t>(),
                       r["lost"].get<std::uint64_t>(), r["unexpected"].get<std::uint64_t>(),
                       r["recovered"].get<std::uint64_t>(), r["final_reads"].get<std::uint64_t>(),
                       r["missing_somewhere"].get<std::uint64_t>() > r["lost"].get<std::uint64_t>()
                           ? fmt::format(" ({} missing from some)", r["missing_somewhere"].get<std::uint64_t>())
                           : "");
  }
  if (const auto it = figures.find("staleness"); it != figures.end()) {
    const auto& r = *it;
    out << fmt::format("    staleness        {} reads, {} stale ({:.2f}%), k max {}, k histogram {}\n",
                       r["reads"].get<std::uint64_t>(), r["stale"].get<std::uint64_t>(),
                       100 * r["stale_share"].get<double>(), r["k_max"].get<std::uint64_t>(), r["k_histogram"].dump());
  }
  if (const auto it = figures.find("t_visibility"); it != figures.end()) {
    const bool model = !(*it)["buckets"].empty() && (*it)["buckets"][0].contains("model");
    out << fmt::format("    t-visibility     {:>8} {:>7} {:>7} {:>8}  {:<17}{}\n", "t (ms)", "reads", "visible", "P",
                       "95% interval", model ? "    WARS" : "");
    for (const auto& b : (*it)["buckets"]) {
      out << fmt::format("                     {:>8} {:>7} {:>7} {:>8.4f}  [{:.4f}, {:.4f}]{}\n", b["t_ms"].get<double>(),
                         b["reads"].get<std::uint64_t>(), b["visible"].get<std::uint64_t>(),
                         b["probability"].get<double>(), b["low"].get<double>(), b["high"].get<double>(),
                         b.contains("model") ? fmt::format("  {:>8.4f}", b["model"].get<double>()) : "");
    }
  }
}

const char* kind_name(Finding::Kind kind) { return kind == Finding::Kind::safety ? "safety" : "liveness"; }

}  // namespace

void print_summary(std::ostream& out, const std::string& file, const Scenario& s, const RunResult& r,
                   double wall_seconds) {
  const RunStats& st = r.stats;
  out << fmt::format("dsim run {} (seed {})\n", terminal_safe(file), s.run.seed);
  if (!s.description.empty()) out << fmt::format("  claim:    {}\n", terminal_safe(s.description));
  out << fmt::format("  cluster:  {} x {}{}; {} clients ({})\n", s.cluster.size(), s.cluster.protocol,
                     s.cluster.bugs.empty() ? "" : fmt::format(" with bugs [{}]", fmt::join(s.cluster.bugs, ", ")),
                     s.workload.clients, s.workload.kind);
  const double speed = wall_seconds > 0 ? static_cast<double>(st.end_ns) / 1e9 / wall_seconds : 0;
  out << fmt::format("  time:     {:.3f} s simulated ({}) in {:.3f} s wall, {:.0f}x real time\n", ns_to_ms(st.end_ns) / 1000,
                     st.stop_reason, wall_seconds, speed);
  // Two counts that both read as "events": what the engine handled, and what the trace records.
  const std::string recorded =
      r.trace.events.empty() ? "" : fmt::format(" (the trace records {}: sends, drops, annotations too)", r.trace.events.size());
  out << fmt::format("  events:   {} handled by the engine{}\n", st.events, recorded);
  out << fmt::format("  messages: sent {}, delivered {}, dropped {}, duplicated {}; timers fired {}\n", st.messages_sent,
                     st.messages_delivered, st.messages_dropped, st.messages_duplicated, st.timers_fired);
  if (!s.faults.empty()) {
    out << fmt::format("  faults:   {} actions; calm from {:.1f} ms\n", s.faults.size(), ns_to_ms(r.calm_ns));
  }
  if (!r.history.ops.empty()) {
    std::uint64_t ok = 0, fail = 0, info = 0;
    for (const auto& op : r.history.ops) {
      ok += op.type == check::OpType::ok;
      fail += op.type == check::OpType::fail;
      info += op.type == check::OpType::info;
    }
    out << fmt::format("  clients:  {} ops: {} ok, {} fail, {} info{}\n", r.history.ops.size(), ok, fail, info,
                       latency_line(r.history));
    if (ok == 0) out << "            NO client operation succeeded: the history shows nothing took effect\n";
  }
  out << "  checks:\n";
  if (s.checks.invariants) out << "    invariants       checked after every event\n";
  if (s.checks.linearizability) {
    out << fmt::format("    linearizability  {} ({})\n", r.linearizability.value("verdict", "?"),
                       *s.checks.linearizability);
  }
  print_history_checks(out, r.history_checks);
  if (s.checks.liveness) out << fmt::format("    liveness         within {:.0f} ms of calm\n", ns_to_ms(s.checks.liveness_within_ns));
  for (const Finding& f : r.findings) {
    out << fmt::format("    FOUND {} {} at {}: {}\n", kind_name(f.kind), terminal_safe(f.id()), format_ms(ns_to_ms(f.at_ns)),
                       terminal_safe(f.detail));
  }
  if (r.findings.empty()) out << "    no violations found\n";
  // The engine's and the clients' metrics are the lines above, in words; --json has them all.
  for (const auto& [key, value] : r.metrics.items()) {
    if (key == "run" || key == "clients") continue;
    out << fmt::format("  {}: {}\n", terminal_safe(key), terminal_safe(value.dump()));
  }
  out << fmt::format("  expected: {}\n", terminal_safe(r.expectation_detail));
  out << fmt::format("  verdict:  {}\n", r.expectation_held ? "HELD" : "NOT HELD");
  out << fmt::format("  fingerprint: {}\n", fingerprint_hex(r.fingerprint));
}

nlohmann::json summary_json(const std::string& file, const Scenario& s, const RunResult& r) {
  const RunStats& st = r.stats;
  std::uint64_t ok = 0, fail = 0, info = 0;
  for (const auto& op : r.history.ops) {
    ok += op.type == check::OpType::ok;
    fail += op.type == check::OpType::fail;
    info += op.type == check::OpType::info;
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    findings.push_back({{"kind", kind_name(f.kind)}, {"id", f.id()}, {"detail", f.detail}, {"at_ms", ns_to_ms(f.at_ns)}});
  }
  return {{"format", "dsim-run-summary"},
          {"version", 1},
          {"file", file},
          {"scenario", s.name},
          {"seed", s.run.seed},
          {"verdict", r.expectation_held ? "held" : "not held"},
          {"expected", r.expectation_detail},
          {"findings", findings},
          {"linearizability", r.linearizability},
          {"metrics", r.metrics},
          {"history_checks", r.history_checks},
          {"fingerprint", fingerprint_hex(r.fingerprint)},
          {"counts",
           {{"events_processed", st.events}, {"messages_sent", st.messages_sent},
            {"messages_delivered", st.messages_delivered}, {"messages_dropped", st.messages_dropped},
            {"messages_duplicated", st.messages_duplicated}, {"timers_fired", st.timers_fired},
            {"ops", r.history.ops.size()}, {"ops_ok", ok}, {"ops_fail", fail}, {"ops_info", info}}},
          {"simulated_ms", ns_to_ms(st.end_ns)},
          {"stop_reason", st.stop_reason}};
}

nlohmann::json trace_cut_json(const Scenario& scenario, const Trace& trace) {
  return {{"at_ns", trace.cut_ns},
          {"events_kept", trace.events.size()},
          {"reason", fmt::format("the trace reached its budget (run.memory_mb_max {} MiB, counted apart from the "
                                 "run's) at {} ms: later events were not recorded; the run went on unchanged",
                                 scenario.run.memory_bytes_max >> 20, ns_to_ms(trace.cut_ns))}};
}

bool write_trace_file(const std::string& path, const Scenario& scenario, const RunResult& r, std::string* error) {
  nlohmann::json header = {{"format", "dsim-trace"}, {"version", 1}, {"scenario", to_json(scenario)},
                           {"seed", scenario.run.seed}, {"fingerprint", fingerprint_hex(r.fingerprint)}};
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    findings.push_back({{"kind", kind_name(f.kind)}, {"id", f.id()}, {"check", f.check}, {"name", f.name},
                        {"detail", f.detail}, {"t", f.at_ns}, {"data", f.data}});
  }
  const RunStats& st = r.stats;
  nlohmann::json footer = {
      {"history", check::to_json(r.history)},
      {"linearizability", r.linearizability},
      {"history_checks", r.history_checks},
      {"findings", findings},
      {"metrics", r.metrics},
      {"stats", {{"events_processed", st.events}, {"messages_sent", st.messages_sent},
                 {"messages_delivered", st.messages_delivered}, {"messages_dropped", st.messages_dropped},
                 {"messages_duplicated", st.messages_duplicated}, {"timers_fired", st.timers_fired},
                 {"end_ns", st.end_ns}, {"stop_reason", st.stop_reason}, {"calm_ns", r.calm_ns}}},
      {"expectation", {{"held", r.expectation_held}, {"detail", r.expectation_detail}}}};
  if (r.trace.cut) footer["trace_cut"] = trace_cut_json(scenario, r.trace);
  std::ostringstream out;
  write_trace_json(out, r.trace, header, footer);
  return write_file_atomic(path, out.str(), error);
}

}  // namespace dsim::cli
