#include "sim/world/metrics.h"

#include <algorithm>
#include <vector>

#include "sim/core/percentile.h"
#include "sim/core/time.h"
#include "sim/world/run.h"

namespace dsim {

std::vector<MetricInfo> engine_metric_infos() {
  return {
      {"run.events", "events the engine processed"},
      {"run.messages_sent", "messages sent between nodes"},
      {"run.messages_delivered", "... delivered"},
      {"run.messages_dropped", "... dropped (loss, partitions, crashed receivers)"},
      {"run.messages_duplicated", "... duplicated by the network"},
      {"run.timers_fired", "timers fired"},
      {"run.simulated_ms", "virtual time at the end of the run"},
      {"clients.ops", "client operations invoked"},
      {"clients.ok", "... that succeeded"},
      {"clients.fail", "... that definitely failed"},
      {"clients.info", "... with an unknown outcome (timed out)"},
      {"clients.availability", "clients.ok / clients.ops"},
      {"clients.latency_ms_p50", "median latency of the operations that succeeded, ms"},
      {"clients.latency_ms_p99", "their 99th percentile, ms"},
      {"clients.latency_ms_max", "the slowest of them, ms"},
      {"broadcast.*", "with checks.broadcast: broadcasts acknowledged, lost, messages per operation, stable latency"},
      {"checks.*", "the history checks' figures: checks.lost_writes.lost, checks.staleness... (dsim sweep)"},
  };
}

nlohmann::json engine_metrics(const RunStats& stats) {
  return {{"events", stats.events},
          {"messages_sent", stats.messages_sent},
          {"messages_delivered", stats.messages_delivered},
          {"messages_dropped", stats.messages_dropped},
          {"messages_duplicated", stats.messages_duplicated},
          {"timers_fired", stats.timers_fired},
          {"simulated_ms", ns_to_ms(stats.end_ns)}};
}

nlohmann::json client_metrics(const check::History& history) {
  if (history.ops.empty()) return nlohmann::json::object();
  std::uint64_t ok = 0, fail = 0, info = 0;
  std::vector<TimeNs> latency_ns;
  for (const auto& op : history.ops) {
    ok += op.type == check::OpType::ok;
    fail += op.type == check::OpType::fail;
    info += op.type == check::OpType::info;
    if (op.type == check::OpType::ok) latency_ns.push_back(op.complete_ns - op.invoke_ns);
  }
  nlohmann::json out = {{"ops", history.ops.size()},
                        {"ok", ok},
                        {"fail", fail},
                        {"info", info},
                        {"availability", static_cast<double>(ok) / static_cast<double>(history.ops.size())}};
  if (!latency_ns.empty()) {
    std::sort(latency_ns.begin(), latency_ns.end());
    out["latency_ms_p50"] = ns_to_ms(nearest_rank(latency_ns, 0.50));
    out["latency_ms_p99"] = ns_to_ms(nearest_rank(latency_ns, 0.99));
    out["latency_ms_max"] = ns_to_ms(latency_ns.back());
  }
  return out;
}

namespace {

void flatten(const nlohmann::json& value, const std::string& name, std::map<std::string, double>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) flatten(child, name.empty() ? key : name + "." + key, out);
  } else if (value.is_number()) {
    out[name] = value.get<double>();
  }
}

}  // namespace

std::map<std::string, double> flat_metrics(const nlohmann::json& metrics) {
  std::map<std::string, double> out;
  flatten(metrics, "", out);
  return out;
}

}  // namespace dsim
