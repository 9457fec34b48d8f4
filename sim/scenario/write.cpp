// The canonical JSON of a scenario: every default spelled out, node names rather than ids, each
// fault as one concrete action. parse_scenario(to_json(s)) gives back a Scenario equal to s.
#include <fmt/format.h>

#include "sim/scenario/fault_json.h"
#include "sim/scenario/fuzz_json.h"
#include "sim/scenario/sweep_json.h"
#include "sim/scenario/latency_json.h"
#include "sim/scenario/node_names.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/weak_checks_json.h"

namespace dsim {

namespace {

using json = nlohmann::json;

bool default_names(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != fmt::format("n{}", i)) return false;
  }
  return true;
}

json cluster_json(const ClusterSpec& cluster) {
  json nodes = default_names(cluster.node_names) ? json(cluster.node_names.size()) : json(cluster.node_names);
  return {{"protocol", cluster.protocol},
          {"nodes", std::move(nodes)},
          {"params", cluster.params},
          {"bugs", json(std::vector<std::string>(cluster.bugs.begin(), cluster.bugs.end()))}};
}

json link_json(const LinkSpec& link, const NodeNames& names) {
  const NodeNames::Forms forms{.single = true, .all = true};
  json out = {{"from", names.write_list(link.from, forms)}, {"to", names.write_list(link.to, forms)}};
  if (link.latency) out["latency"] = latency_to_json(*link.latency);
  if (link.loss) out["loss"] = *link.loss;
  if (link.duplicate) out["duplicate"] = *link.duplicate;
  if (link.reorder) out["reorder"] = *link.reorder;
  if (!link.latency_by_type.empty()) out["latency_by_type"] = type_latencies_to_json(link.latency_by_type);
  return out;
}

json network_json(const NetworkSpec& net, const NodeNames& names) {
  json links = json::array();
  for (const auto& link : net.links) links.push_back(link_json(link, names));
  json out = {{"latency", latency_to_json(net.latency)},
              {"client_latency", latency_to_json(net.client_latency)},
              {"loss", net.loss},
              {"duplicate", net.duplicate},
              {"reorder", net.reorder},
              {"links", std::move(links)}};
  // Only when given, so that the canonical form of a scenario without it is unchanged.
  if (!net.latency_by_type.empty()) out["latency_by_type"] = type_latencies_to_json(net.latency_by_type);
  return out;
}

json clock_json(const ClockSpec& clock) { return {{"offset_ms", ms_json(clock.offset_ns)}, {"drift_ppm", clock.drift_ppm}}; }

// The default spelled out, then only the nodes whose clock differs from it.
json clocks_json(const std::vector<ClockSpec>& clocks, const NodeNames& names) {
  json out = {{"default", clock_json(ClockSpec{})}};
  for (NodeId id = 0; id < clocks.size() && id < names.size(); ++id) {
    if (!(clocks[id] == ClockSpec{})) out[names.name(id)] = clock_json(clocks[id]);
  }
  return out;
}

std::string_view target_name(const WorkloadSpec& w, const NodeNames& names) {
  switch (w.target) {
    case WorkloadSpec::Target::any: return "any";
    case WorkloadSpec::Target::round_robin: return "round-robin";
    case WorkloadSpec::Target::node: return names.name(w.target_node);
  }
  return "any";
}

json workload_json(const WorkloadSpec& w, const NodeNames& names) {
  json out = w.params.is_object() ? w.params : json::object();
  out["kind"] = w.kind;
  out["clients"] = w.clients;
  out["ops"] = w.ops_max;
  out["think_ms"] = ms_json(w.think_ns);
  out["timeout_ms"] = ms_json(w.timeout_ns);
  out["attempts"] = w.attempts_max;
  out["start_ms"] = ms_json(w.start_ns);
  if (w.stop_ns) out["stop_ms"] = ms_json(*w.stop_ns);
  out["target"] = target_name(w, names);
  return out;
}

json checks_json(const ChecksSpec& checks, const WorkloadSpec& workload) {
  json out = {{"invariants", checks.invariants}};
  if (checks.linearizability) {
    out["linearizability"] = {{"model", *checks.linearizability},
                              {"steps_max", checks.lin_steps_max},
                              {"memo_mb_max", checks.lin_memo_bytes_max >> 20}};
  }
  if (checks.liveness) {
    json liveness = {{"within_ms", ms_json(checks.liveness_within_ns)}};
    if (checks.calm_ns) liveness["calm_ms"] = ms_json(*checks.calm_ns);
    out["liveness"] = std::move(liveness);
  } else {
    out["liveness"] = false;
  }
  if (checks.broadcast) {
    json bounds = json::object();
    const BroadcastBoundsSpec& b = *checks.broadcast;
    if (b.msgs_per_op_max) bounds["msgs_per_op_max"] = *b.msgs_per_op_max;
    if (b.stable_median_max_ns) bounds["stable_median_ms_max"] = ms_json(*b.stable_median_max_ns);
    if (b.stable_max_max_ns) bounds["stable_max_ms_max"] = ms_json(*b.stable_max_max_ns);
    out["broadcast"] = std::move(bounds);
  } else if (workload.kind == "broadcast") {
    out["broadcast"] = false;  // on by default for this workload: say it was turned off
  }
  write_weak_checks(checks, out);
  return out;
}

std::string_view outcome_name(ExpectSpec::Outcome outcome) {
  switch (outcome) {
    case ExpectSpec::Outcome::holds: return "holds";
    case ExpectSpec::Outcome::violated: return "violated";
    case ExpectSpec::Outcome::any: return "any";
  }
  return "holds";
}

json expect_json(const ExpectSpec& expect) {
  json out = {{"safety", outcome_name(expect.safety)}, {"liveness", outcome_name(expect.liveness)}};
  if (!expect.violations.empty()) out["violation"] = expect.violations;
  return out;
}

json run_json(const RunSpec& run) {
  return {{"seed", run.seed},
          {"duration_ms", ms_json(run.duration_ns)},
          {"events_max", run.events_max},
          {"memory_mb_max", run.memory_bytes_max >> 20},
          {"messages_per_node_s_max", run.messages_per_node_s_max},
          {"timers_per_node_s_max", run.timers_per_node_s_max}};
}

}  // namespace

nlohmann::json to_json(const Scenario& s) {
  const NodeNames names(s.cluster.node_names, true);
  const FaultContext ctx{names, s.run.duration_ns};
  json faults = json::array();
  for (const auto& fault : s.faults) faults.push_back(fault_to_json(fault, ctx));
  json out = {{"name", s.name},
          {"description", s.description},
          {"cluster", cluster_json(s.cluster)},
          {"network", network_json(s.network, names)},
          {"clocks", clocks_json(s.clocks, names)},
          {"faults", std::move(faults)},
          {"workload", workload_json(s.workload, names)},
          {"checks", checks_json(s.checks, s.workload)},
          {"expect", expect_json(s.expect)},
          {"run", run_json(s.run)}};
  // Left out when it is the protocol's default, which reading it back gives again.
  if (s.fuzz != default_fuzz(s.cluster.protocol)) out["fuzz"] = fuzz_to_json(s.fuzz);
  if (s.sweep.present) out["sweep"] = sweep_to_json(s.sweep);
  return out;
}

}  // namespace dsim
