// Reading a scenario document into a Scenario. Each section has its own function; every problem
// is recorded in one Diagnostics with its JSON path, and reading goes on after an error, so one
// pass reports all of them. The format is documented in docs/scenario-format.md.
#include <algorithm>
#include <exception>
#include <filesystem>

#include <fmt/format.h>

#include "sim/check/model.h"
#include "sim/core/file.h"
#include "sim/node/protocol.h"
#include "sim/scenario/fault_json.h"
#include "sim/scenario/fuzz_json.h"
#include "sim/scenario/sweep_json.h"
#include "sim/scenario/json_text.h"
#include "sim/scenario/latency_json.h"
#include "sim/scenario/node_names.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/weak_checks_json.h"
#include "sim/workload/generator.h"

namespace dsim {

namespace {

using json = nlohmann::json;

constexpr std::uint32_t kClientsMax = 1000;
constexpr std::int64_t kOpsMax = 10'000'000;
constexpr std::int64_t kAttemptsMax = 100;
constexpr TimeNs kWorkloadWaitMax = 3600 * kNsPerSec;  // think_ms, timeout_ms
constexpr std::int64_t kDriftPpmMax = 500'000;
constexpr std::int64_t kEventsMax = 10'000'000'000;
constexpr std::int64_t kMemoMbMax = 1 << 20;           // 1 TiB: mb << 20 stays far from overflow
constexpr std::uint64_t kRateMax = 1'000'000'000'000;  // per node per simulated second: far past any real load
constexpr std::size_t kViolationsMax = 64;

std::string quoted(const std::vector<std::string>& names) {
  return fmt::format("\"{}\"", fmt::join(names, "\", \""));
}

class ScenarioReader {
 public:
  ScenarioReader(const json& doc, std::string_view file, Diagnostics& diag) : top_(doc, "", diag), diag_(diag) {
    scenario_.name = std::filesystem::path(std::string(file)).stem().string();
  }

  Scenario read() {
    if (!top_.is_object()) return scenario_;
    scenario_.name = top_.string("name", scenario_.name);
    scenario_.description = top_.string("description", "");
    // Times elsewhere are checked against the run's duration, so `run` comes first.
    const json* run = top_.raw("run");
    read_run(run ? *run : json::object());
    read_cluster(top_.required("cluster", "an object with \"protocol\" and \"nodes\""));
    if (const json* network = top_.raw("network")) read_network(*network);
    scenario_.clocks.assign(nodes_.size(), ClockSpec{});
    if (const json* clocks = top_.raw("clocks")) read_clocks(*clocks);
    if (const json* faults = top_.raw("faults")) read_faults(*faults);
    read_workload(top_.raw("workload"));
    if (const json* checks = top_.raw("checks")) read_checks(*checks);
    // The broadcast workload's claim is the broadcast checker's: on unless the file turns it off.
    if (!broadcast_set_ && scenario_.workload.kind == "broadcast") scenario_.checks.broadcast = BroadcastBoundsSpec{};
    const json* expect = top_.raw("expect");
    read_expect(expect ? *expect : json::object());
    read_fuzz_section(top_.raw("fuzz"));
    if (const json* sweep = top_.raw("sweep")) {
      if (auto spec = read_sweep(*sweep, "/sweep", diag_)) scenario_.sweep = std::move(*spec);
    }
    top_.finish();
    return std::move(scenario_);
  }

 private:
  TimeNs run_max() const { return run_ns_.value_or(kScenarioDurationMax); }

  void read_run(const json& value);
  void read_cluster(const json* value);
  void read_node_names(const json& value, const std::string& path);
  void read_params(const json* value, const ProtocolInfo* protocol);
  void read_bugs(ObjectReader& r, const ProtocolInfo* protocol);
  void read_network(const json& value);
  std::optional<LinkSpec> read_link(const json& value, const std::string& path);
  void read_clocks(const json& value);
  void read_faults(const json& value);
  void read_workload(const json* value);
  void read_target(ObjectReader& r);
  void read_checks(const json& value);
  void read_linearizability(const json& value, const std::string& path);
  void read_liveness(const json& value, const std::string& path);
  void read_broadcast(const json& value, const std::string& path);
  void read_expect(const json& value);
  void read_fuzz_section(const json* value);
  void check_profile_params();
  void check_workload_served(ObjectReader& r);
  void check_model_fits(const std::string& model, const std::string& path);
  void check_expect_is_checked(ObjectReader& r);

  ObjectReader top_;
  Diagnostics& diag_;
  Scenario scenario_;
  NodeNames nodes_{{}, false};
  std::optional<TimeNs> run_ns_;  // the run's duration, once known valid
  bool broadcast_set_ = false;    // checks.broadcast was written
  const ProtocolInfo* protocol_ = nullptr;  // once known
};

// Without a section, the protocol's declared profiles (tests check that each one reads).
void ScenarioReader::read_fuzz_section(const json* value) {
  const json defaults = default_fuzz_json(protocol_ ? protocol_->name : "");
  if (auto fuzz = read_fuzz(value ? *value : defaults, "/fuzz", diag_)) scenario_.fuzz = std::move(*fuzz);
  check_profile_params();
}

// Every value a profile may draw must be one the protocol accepts in this cluster: each is tried
// in cluster.params in place of its own, and a refusal is reported at the value.
void ScenarioReader::check_profile_params() {
  if (!protocol_ || !nodes_.known() || nodes_.size() < protocol_->nodes_min) return;
  for (std::size_t i = 0; i < scenario_.fuzz.profiles.size(); ++i) {
    for (const auto& [name, values] : scenario_.fuzz.profiles[i].params) {
      for (std::size_t j = 0; j < values.size(); ++j) {
        json params = scenario_.cluster.params.is_object() ? scenario_.cluster.params : json::object();
        params[name] = values[j];
        Diagnostics tried;
        ObjectReader reader(params, "/cluster/params", tried);
        protocol_->validate(reader, nodes_.size());
        reader.finish();
        if (tried.ok()) continue;
        const std::string at = json_path(json_path(json_path(json_path("/fuzz/profiles", i), "params"), name), j);
        diag_.error(at, fmt::format("{} refuses it as cluster.params.{}: {}", protocol_->name, name,
                                    tried.list().front().message));
      }
    }
  }
}

void ScenarioReader::read_run(const json& value) {
  ObjectReader r(value, "/run", diag_);
  RunSpec& run = scenario_.run;
  run.seed = r.unsigned_integer("seed", run.seed, 0, UINT64_MAX);
  const std::size_t errors = diag_.list().size();
  run.duration_ns = r.duration_ms("duration_ms", run.duration_ns, 1, kScenarioDurationMax);
  if (diag_.list().size() == errors) run_ns_ = run.duration_ns;
  run.events_max = static_cast<std::uint64_t>(r.integer("events_max", static_cast<std::int64_t>(run.events_max), 1, kEventsMax));
  run.memory_bytes_max = static_cast<std::uint64_t>(
                             r.integer("memory_mb_max", static_cast<std::int64_t>(run.memory_bytes_max >> 20), 1, kMemoMbMax))
                         << 20;
  // A rate of 0 turns its watchdog off (a load generator that means to flood).
  run.messages_per_node_s_max = r.unsigned_integer("messages_per_node_s_max", run.messages_per_node_s_max, 0, kRateMax);
  run.timers_per_node_s_max = r.unsigned_integer("timers_per_node_s_max", run.timers_per_node_s_max, 0, kRateMax);
  r.finish();
}

void ScenarioReader::read_cluster(const json* value) {
  if (!value) return;
  ObjectReader r(*value, "/cluster", diag_);
  if (!r.is_object()) return;
  ClusterSpec& cluster = scenario_.cluster;
  const ProtocolInfo* protocol = nullptr;
  if (const json* name = r.required("protocol", "the name of a registered protocol")) {
    protocol = name->is_string() ? ProtocolRegistry::instance().find(name->get<std::string>()) : nullptr;
    if (protocol) {
      cluster.protocol = protocol->name;
    } else {
      std::vector<std::string> names;
      for (const auto& p : ProtocolRegistry::instance().all()) names.push_back(p.name);
      diag_.expected(r.path("protocol"), fmt::format("a registered protocol ({})", quoted(names)), *name);
    }
  }
  if (const json* nodes = r.required("nodes", "a node count from 1 to 64 or an array of node names")) {
    read_node_names(*nodes, r.path("nodes"));
  }
  protocol_ = protocol;
  if (protocol && nodes_.known() && nodes_.size() < protocol->nodes_min) {
    diag_.expected(r.path("nodes"), fmt::format("at least {} nodes for \"{}\"", protocol->nodes_min, protocol->name),
                   *r.raw("nodes"));
  }
  // Validated even when absent: a protocol's defaults may still not fit the cluster.
  const json empty = json::object();
  const json* params = r.raw("params");
  read_params(params ? params : &empty, protocol);
  read_bugs(r, protocol);
  r.finish();
}

void ScenarioReader::read_node_names(const json& value, const std::string& path) {
  const std::size_t errors = diag_.list().size();
  std::vector<std::string> names;
  std::map<std::string, std::size_t, std::less<>> first_at;  // name -> its index, for duplicates
  if (value.is_number_integer()) {
    const bool in_range = value.is_number_unsigned() && value.get<std::uint64_t>() >= 1 &&
                          value.get<std::uint64_t>() <= kScenarioNodesMax;
    if (in_range) {
      for (std::uint64_t i = 0; i < value.get<std::uint64_t>(); ++i) names.push_back(fmt::format("n{}", i));
    } else {
      diag_.expected(path, fmt::format("a node count from 1 to {}", kScenarioNodesMax), value);
    }
  } else if (value.is_array() && !value.empty() && value.size() <= kScenarioNodesMax) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const json& item = value[i];
      const std::string item_path = json_path(path, i);
      if (!item.is_string() || !is_node_name(item.get<std::string>())) {
        diag_.expected(item_path, "a node name: a letter, then up to 31 letters, digits, '_' or '-'", item);
        continue;
      }
      const auto name = item.get<std::string>();
      if (is_reserved_node_name(name)) {
        diag_.expected(item_path, "a node name other than \"default\", \"any\" and \"round-robin\" (they are keywords)",
                       item);
      } else if (auto [seen, fresh] = first_at.try_emplace(name, i); !fresh) {
        diag_.error(item_path, fmt::format("expected distinct node names, found \"{}\" again (also at {})", name,
                                           json_path(path, seen->second)));
      }
      names.push_back(name);
    }
  } else {
    diag_.expected(path, fmt::format("a node count from 1 to {} or an array of 1 to {} node names", kScenarioNodesMax,
                                     kScenarioNodesMax),
                   value);
  }
  const bool ok = diag_.list().size() == errors;
  scenario_.cluster.node_names = ok ? names : std::vector<std::string>{};
  nodes_ = NodeNames(scenario_.cluster.node_names, ok);
}

void ScenarioReader::read_params(const json* value, const ProtocolInfo* protocol) {
  if (!value) return;
  ObjectReader params(*value, "/cluster/params", diag_);
  if (!params.is_object()) return;
  scenario_.cluster.params = *value;
  // A node count below the protocol's minimum is reported once, by the cluster.
  if (protocol && nodes_.known() && nodes_.size() < protocol->nodes_min) return;
  // Without a known protocol, its parameters cannot be judged: the protocol error says enough.
  if (!protocol) return;
  protocol->validate(params, nodes_.size());
  params.finish();
}

void ScenarioReader::read_bugs(ObjectReader& r, const ProtocolInfo* protocol) {
  const std::vector<std::string> bugs = r.strings("bugs");
  std::vector<std::string> known;
  if (protocol) {
    for (const auto& bug : protocol->known_bugs) known.push_back(bug.name);
  }
  for (std::size_t i = 0; i < bugs.size(); ++i) {
    const std::string path = json_path(r.path("bugs"), i);
    if (protocol && std::find(known.begin(), known.end(), bugs[i]) == known.end()) {
      const std::string what = known.empty() ? fmt::format("no bugs: \"{}\" has no known-bug switches", protocol->name)
                                             : fmt::format("a known bug of \"{}\" ({})", protocol->name, quoted(known));
      diag_.expected(path, what, bugs[i]);
    } else if (!scenario_.cluster.bugs.insert(bugs[i]).second) {
      diag_.error(path, fmt::format("expected distinct bugs, found \"{}\" again", bugs[i]));
    }
  }
}

void ScenarioReader::read_network(const json& value) {
  ObjectReader r(value, "/network", diag_);
  NetworkSpec& net = scenario_.network;
  if (const json* latency = r.raw("latency")) net.latency = read_latency(*latency, r.path("latency"), diag_).value_or(net.latency);
  net.client_latency = net.latency;
  if (const json* latency = r.raw("client_latency")) {
    net.client_latency = read_latency(*latency, r.path("client_latency"), diag_).value_or(net.client_latency);
  }
  net.loss = r.number("loss", 0, 0, 1);
  net.duplicate = r.number("duplicate", 0, 0, 1);
  net.reorder = r.number("reorder", 0, 0, 1);
  if (const json* by_type = r.raw("latency_by_type")) {
    net.latency_by_type = read_type_latencies(*by_type, r.path("latency_by_type"), diag_).value_or(TypeLatencies{});
  }
  if (const json* links = r.raw("links")) {
    if (!links->is_array() || links->size() > kScenarioLinksMax) {
      diag_.expected(r.path("links"), fmt::format("an array of at most {} links", kScenarioLinksMax), *links);
    } else {
      for (std::size_t i = 0; i < links->size(); ++i) {
        if (auto link = read_link((*links)[i], json_path(r.path("links"), i))) net.links.push_back(std::move(*link));
      }
    }
  }
  r.finish();
}

std::optional<LinkSpec> ScenarioReader::read_link(const json& value, const std::string& path) {
  const std::size_t errors = diag_.list().size();
  ObjectReader r(value, path, diag_);
  if (!r.is_object()) return std::nullopt;
  LinkSpec link;
  const NodeNames::Forms forms{.single = true, .all = true};
  if (const json* from = r.required("from", "a node name, an array of node names or \"*\"")) {
    link.from = nodes_.read_list(*from, r.path("from"), diag_, forms).value_or(std::vector<NodeId>{});
  }
  if (const json* to = r.required("to", "a node name, an array of node names or \"*\"")) {
    link.to = nodes_.read_list(*to, r.path("to"), diag_, forms).value_or(std::vector<NodeId>{});
  }
  if (const json* latency = r.raw("latency")) link.latency = read_latency(*latency, r.path("latency"), diag_);
  if (r.has("loss")) link.loss = r.number("loss", 0, 0, 1);
  if (r.has("duplicate")) link.duplicate = r.number("duplicate", 0, 0, 1);
  if (r.has("reorder")) link.reorder = r.number("reorder", 0, 0, 1);
  if (const json* by_type = r.raw("latency_by_type")) {
    link.latency_by_type = read_type_latencies(*by_type, r.path("latency_by_type"), diag_).value_or(TypeLatencies{});
  }
  r.finish();
  if (diag_.list().size() != errors) return std::nullopt;
  return link;
}

ClockSpec read_clock(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  ClockSpec clock;
  clock.offset_ns = r.duration_ms("offset_ms", 0, -kScenarioDurationMax, kScenarioDurationMax);
  clock.drift_ppm = r.integer("drift_ppm", 0, -kDriftPpmMax, kDriftPpmMax);
  r.finish();
  return clock;
}

// {"default": {...}, "n1": {...}}: the default applies to every node, then each node's own.
void ScenarioReader::read_clocks(const json& value) {
  ObjectReader r(value, "/clocks", diag_);
  if (!r.is_object()) return;
  if (const json* clock = r.raw("default")) {
    const ClockSpec spec = read_clock(*clock, r.path("default"), diag_);
    std::fill(scenario_.clocks.begin(), scenario_.clocks.end(), spec);
  }
  for (const auto& [key, clock] : value.items()) {
    if (key == "default" || key == "$schema" || key == "comment") continue;
    r.raw(key);
    const auto id = nodes_.find(key);
    if (!id) {
      if (nodes_.known()) {
        diag_.error(r.path(key), fmt::format("unknown key; expected \"default\" or a node name ({})", nodes_.quoted_list()));
      }
      continue;
    }
    scenario_.clocks[*id] = read_clock(clock, r.path(key), diag_);
  }
  r.finish();
}

void ScenarioReader::read_faults(const json& value) {
  if (!value.is_array() || value.size() > kScenarioFaultsMax) {
    diag_.expected("/faults", fmt::format("an array of at most {} faults", kScenarioFaultsMax), value);
    return;
  }
  const FaultContext ctx{nodes_, run_ns_};
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto fault = read_fault(value[i], json_path("/faults", i), ctx, diag_)) {
      scenario_.faults.push_back(std::move(*fault));
    }
  }
  std::stable_sort(scenario_.faults.begin(), scenario_.faults.end(),
                   [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
}

const std::vector<std::string> kWorkloadCommonKeys = {"kind",     "clients",  "ops",     "think_ms", "timeout_ms",
                                                      "attempts", "start_ms", "stop_ms", "target"};

void ScenarioReader::read_workload(const json* value) {
  WorkloadSpec& w = scenario_.workload;
  const json empty = json::object();
  ObjectReader r(value ? *value : empty, "/workload", diag_);
  if (!r.is_object()) return;
  w.kind = r.string("kind", "none");
  const WorkloadInfo* info = WorkloadRegistry::instance().find(w.kind);
  if (!info) {
    std::vector<std::string> names;
    for (const auto& g : WorkloadRegistry::instance().all()) names.push_back(g.name);
    diag_.expected(r.path("kind"), fmt::format("a registered workload ({})", quoted(names)), *r.raw("kind"));
  }
  w.clients = static_cast<std::uint32_t>(r.integer("clients", w.kind == "none" ? 0 : 3, 0, kClientsMax));
  if (w.kind == "none" && w.clients > 0) {
    diag_.error(r.path("clients"), fmt::format("expected 0 clients with kind \"none\" (no operations to issue), found {}",
                                               w.clients));
  }
  w.ops_max = r.integer("ops", 0, 0, kOpsMax);
  w.think_ns = r.duration_ms("think_ms", w.think_ns, 0, kWorkloadWaitMax);
  w.timeout_ns = r.duration_ms("timeout_ms", w.timeout_ns, 1, kWorkloadWaitMax);
  w.attempts_max = static_cast<std::uint32_t>(r.integer("attempts", w.attempts_max, 1, kAttemptsMax));
  w.start_ns = r.duration_ms("start_ms", 0, 0, run_max());
  if (r.has("stop_ms")) {
    const TimeNs stop = r.duration_ms("stop_ms", run_max(), 0, run_max());
    if (stop <= w.start_ns) {
      diag_.error(r.path("stop_ms"), fmt::format("expected a time after start_ms ({}), found {}", ns_to_ms(w.start_ns),
                                                 ns_to_ms(stop)));
    }
    w.stop_ns = stop;
  }
  read_target(r);
  if (info) check_workload_served(r);
  // Without a known generator, which other keys belong is unknown: the kind error says enough.
  if (!info) return;
  info->validate(r);
  for (const auto& [key, item] : (value ? *value : empty).items()) {
    const bool common = std::find(kWorkloadCommonKeys.begin(), kWorkloadCommonKeys.end(), key) != kWorkloadCommonKeys.end();
    if (!common && key != "$schema" && key != "comment") w.params[key] = item;
  }
  r.finish();
}

void ScenarioReader::read_target(ObjectReader& r) {
  const json* target = r.raw("target");
  WorkloadSpec& w = scenario_.workload;
  if (!target) return;
  if (*target == "any") {
    w.target = WorkloadSpec::Target::any;
  } else if (*target == "round-robin") {
    w.target = WorkloadSpec::Target::round_robin;
  } else if (auto id = nodes_.find(target->is_string() ? target->get<std::string>() : "")) {
    w.target = WorkloadSpec::Target::node;
    w.target_node = *id;
  } else if (nodes_.known()) {
    diag_.expected(r.path("target"), fmt::format("\"any\", \"round-robin\" or a node name ({})", nodes_.quoted_list()),
                   *target);
  }
}

void ScenarioReader::read_checks(const json& value) {
  ObjectReader r(value, "/checks", diag_);
  scenario_.checks.invariants = r.boolean("invariants", true);
  if (const json* lin = r.raw("linearizability")) read_linearizability(*lin, r.path("linearizability"));
  if (const json* live = r.raw("liveness")) read_liveness(*live, r.path("liveness"));
  if (const json* broadcast = r.raw("broadcast")) read_broadcast(*broadcast, r.path("broadcast"));
  read_weak_checks(r, scenario_);
  r.finish();
}

// true / false, or {"msgs_per_op_max": 30, "stable_median_ms_max": 400, "stable_max_ms_max": 600}.
void ScenarioReader::read_broadcast(const json& value, const std::string& path) {
  ChecksSpec& checks = scenario_.checks;
  broadcast_set_ = true;
  if (value.is_boolean()) {
    checks.broadcast = value.get<bool>() ? std::optional<BroadcastBoundsSpec>(BroadcastBoundsSpec{}) : std::nullopt;
    return;
  }
  if (!value.is_object()) {
    diag_.expected(path, "true, false or an object of bounds (msgs_per_op_max, stable_median_ms_max, stable_max_ms_max)",
                   value);
    return;
  }
  ObjectReader r(value, path, diag_);
  BroadcastBoundsSpec bounds;
  // raw() marks each key known, so an unknown key's message lists all three.
  if (r.raw("msgs_per_op_max")) bounds.msgs_per_op_max = r.number("msgs_per_op_max", 0.0, 0.0, 1e12);
  if (r.raw("stable_median_ms_max")) {
    bounds.stable_median_max_ns = r.duration_ms("stable_median_ms_max", 0, 0, kScenarioDurationMax);
  }
  if (r.raw("stable_max_ms_max")) {
    bounds.stable_max_max_ns = r.duration_ms("stable_max_ms_max", 0, 0, kScenarioDurationMax);
  }
  r.finish();
  checks.broadcast = bounds;
}

// "register", or {"model": "register", "steps_max": 1000000, "memo_mb_max": 256}.
void ScenarioReader::read_linearizability(const json& value, const std::string& path) {
  ChecksSpec& checks = scenario_.checks;
  const std::string models = quoted(check::model_names());
  auto set_model = [&](const json& name, const std::string& at) {
    if (name.is_string() && check::find_model(name.get<std::string>())) {
      checks.linearizability = name.get<std::string>();
      check_model_fits(*checks.linearizability, at);
    } else {
      diag_.expected(at, fmt::format("a model name ({})", models), name);
    }
  };
  if (!value.is_object()) {
    if (value.is_string()) return set_model(value, path);
    diag_.expected(path, fmt::format("a model name ({}) or an object with \"model\"", models), value);
    return;
  }
  ObjectReader r(value, path, diag_);
  if (const json* model = r.required("model", fmt::format("a model name ({})", models))) set_model(*model, r.path("model"));
  checks.lin_steps_max = r.integer("steps_max", checks.lin_steps_max, 1, INT64_MAX);
  checks.lin_memo_bytes_max = r.integer("memo_mb_max", checks.lin_memo_bytes_max >> 20, 1, kMemoMbMax) << 20;
  r.finish();
}

// true / false, or {"within_ms": 5000, "calm_ms": 20000} (which turns it on).
void ScenarioReader::read_liveness(const json& value, const std::string& path) {
  ChecksSpec& checks = scenario_.checks;
  if (value.is_boolean()) {
    checks.liveness = value.get<bool>();
    return;
  }
  if (!value.is_object()) {
    diag_.expected(path, "true, false or an object with \"within_ms\" and \"calm_ms\"", value);
    return;
  }
  ObjectReader r(value, path, diag_);
  checks.liveness = true;
  checks.liveness_within_ns = r.duration_ms("within_ms", checks.liveness_within_ns, 1, kScenarioDurationMax);
  if (r.has("calm_ms")) checks.calm_ns = r.duration_ms("calm_ms", 0, 0, run_max());
  r.finish();
}

ExpectSpec::Outcome outcome(const std::string& name) {
  if (name == "violated") return ExpectSpec::Outcome::violated;
  if (name == "any") return ExpectSpec::Outcome::any;
  return ExpectSpec::Outcome::holds;
}

void ScenarioReader::read_expect(const json& value) {
  ObjectReader r(value, "/expect", diag_);
  ExpectSpec& expect = scenario_.expect;
  expect.safety = outcome(r.choice("safety", "holds", {"holds", "violated", "any"}));
  if (const json* violation = r.raw("violation")) {
    const std::string path = r.path("violation");
    const json list = violation->is_string() ? json::array({*violation}) : *violation;
    if (!list.is_array() || list.empty() || list.size() > kViolationsMax) {
      diag_.expected(path, fmt::format("a finding id prefix or an array of 1 to {} of them", kViolationsMax), *violation);
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string item_path = violation->is_string() ? path : json_path(path, i);
        if (list[i].is_string() && !list[i].get<std::string>().empty()) {
          expect.violations.push_back(list[i].get<std::string>());
        } else {
          diag_.expected(item_path, "a finding id prefix such as \"linearizability\" or \"invariant:...\"", list[i]);
        }
      }
    }
    if (expect.safety != ExpectSpec::Outcome::violated) {
      diag_.error(path, "expected no \"violation\" unless \"safety\" is \"violated\", found one");
    }
  }
  expect.liveness = outcome(r.choice("liveness", "any", {"any", "holds", "violated"}));
  check_expect_is_checked(r);
  r.finish();
}

// A workload the protocol does not serve makes every operation fail, and a check over such a
// history passes without having judged anything.
void ScenarioReader::check_workload_served(ObjectReader& r) {
  const std::string& kind = scenario_.workload.kind;
  if (!protocol_ || protocol_->workloads.empty() || kind == "none" || protocol_->serves(kind)) return;
  std::vector<std::string> served;
  for (const auto& w : protocol_->workloads) served.push_back(w.workload);
  diag_.expected(r.path("kind"), fmt::format("a workload \"{}\" serves ({})", protocol_->name, quoted(served)),
                 *r.raw("kind"));
}

// The model must understand the workload's operations, and there must be operations to judge.
void ScenarioReader::check_model_fits(const std::string& model, const std::string& path) {
  const WorkloadSpec& w = scenario_.workload;
  if (w.kind == "none" || w.clients == 0) {
    diag_.error(path, fmt::format("expected a workload with clients for a linearizability check (an empty history "
                                  "proves nothing), found workload \"{}\" with {} clients",
                                  w.kind, w.clients));
    return;
  }
  const ServedWorkload* served = protocol_ ? protocol_->serves(w.kind) : nullptr;
  if (!served) return;  // undeclared, or already reported under /workload/kind
  if (std::find(served->models.begin(), served->models.end(), model) != served->models.end()) return;
  if (served->models.empty()) {
    diag_.error(path, fmt::format("expected no linearizability check: no model fits the \"{}\" workload of \"{}\" "
                                  "(its invariants check it), found \"{}\"",
                                  w.kind, protocol_->name, model));
    return;
  }
  diag_.expected(path, fmt::format("a model that fits the \"{}\" workload of \"{}\" ({})", w.kind, protocol_->name,
                                   quoted(served->models)),
                 json(model));
}

// An expectation that no enabled check can judge would pass without being checked.
void ScenarioReader::check_expect_is_checked(ObjectReader& r) {
  const ChecksSpec& checks = scenario_.checks;
  const ExpectSpec& expect = scenario_.expect;
  const bool observer_liveness = checks.invariants && protocol_ && protocol_->observer_checks_liveness.value_or(true);
  if (r.has("liveness") && expect.liveness != ExpectSpec::Outcome::any && !checks.liveness && !observer_liveness) {
    diag_.expected(r.path("liveness"), "\"any\" unless checks.liveness is on (no enabled check judges liveness)",
                   *r.raw("liveness"));
  }
  // The default "holds" too: the canonical form (to_json) spells it out, and it must parse back.
  // The checks that always judge safety (staleness and t_visibility only measure, unless bounded).
  const bool safety_judged = checks.invariants || checks.linearizability || checks.lost_writes || checks.broadcast;
  if (expect.safety != ExpectSpec::Outcome::any && !safety_judged) {
    const json found = r.has("safety") ? *r.raw("safety") : json("holds");
    diag_.expected(r.path("safety"),
                   "\"any\" unless checks.invariants, linearizability, lost_writes or broadcast is on (no enabled "
                   "check judges safety)",
                   found);
  }
  for (std::size_t i = 0; i < expect.violations.size(); ++i) {
    const std::string& prefix = expect.violations[i];
    const bool lin = prefix.rfind("linearizability", 0) == 0 && !checks.linearizability;
    const bool inv = prefix.rfind("invariant", 0) == 0 && !checks.invariants;
    if (!lin && !inv) continue;
    const json* violation = r.raw("violation");
    const std::string path = violation->is_string() ? r.path("violation") : json_path(r.path("violation"), i);
    diag_.error(path, fmt::format("expected a violation an enabled check can find, found \"{}\" with checks.{} off",
                                  prefix, lin ? "linearizability" : "invariants"));
  }
}

}  // namespace

std::variant<Scenario, Diagnostics> parse_scenario(std::string_view text, std::string_view file) {
  Diagnostics diag;
  try {
    const auto doc = parse_json_text(text, diag, {kScenarioBytesMax, kScenarioDepthMax});
    if (!doc) return diag;
    Scenario scenario = ScenarioReader(*doc, file, diag).read();
    if (diag.ok()) return scenario;
  } catch (const std::exception& e) {
    // Nothing above should throw on any input; if something does, it is still only a bad file.
    diag.error("", fmt::format("internal error while reading the scenario: {}", e.what()));
  }
  return diag;
}

std::variant<Scenario, Diagnostics> load_scenario(const std::string& path) {
  std::string error;
  const auto text = read_file(path, kScenarioBytesMax, &error);
  if (!text) {
    Diagnostics diag;
    diag.file_error(error.empty() ? "cannot read" : error);
    return diag;
  }
  return parse_scenario(*text, path);
}

}  // namespace dsim
