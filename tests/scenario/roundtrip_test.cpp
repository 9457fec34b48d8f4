// to_json is canonical and exact: parsing it gives back an equal Scenario, for randomly generated
// scenarios (RapidCheck) and for every scenario file shipped in scenarios/.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/check/model.h"
#include "sim/core/file.h"
#include "sim/node/protocol.h"
#include "sim/scenario/fault_json.h"
#include "sim/scenario/fuzz_json.h"
#include "sim/scenario/latency_json.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;
using Kind = FaultAction::Kind;

// Inclusive, unlike rc::gen::inRange.
template <class T>
T pick(T lo, T hi) {
  return *rc::gen::inRange<T>(lo, static_cast<T>(hi + 1));
}

bool coin() { return *rc::gen::arbitrary<bool>(); }

std::string printable_string(std::size_t max) {
  auto s = *rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
  return s.substr(0, max);
}

// A random selection of min_size to max_size of the nodes, in random order. No generator here
// loops until a draw is acceptable: while shrinking, RapidCheck may repeat a draw forever.
std::vector<NodeId> some_nodes(std::uint32_t n, std::size_t max_size = 64, std::size_t min_size = 1) {
  std::vector<NodeId> ids(n);
  for (NodeId i = 0; i < n; ++i) ids[i] = i;
  for (std::size_t i = n; i > 1; --i) std::swap(ids[i - 1], ids[pick<std::size_t>(0, i - 1)]);
  ids.resize(pick<std::size_t>(min_size, std::min<std::size_t>(n, max_size)));
  return ids;
}

LatencySpec gen_latency() {
  LatencySpec spec;
  spec.mean_ns = spec.stddev_ns = spec.min_ns = spec.max_ns = 0;
  spec.floor_ns = coin() ? 0 : pick<TimeNs>(0, kScenarioLatencyMax);
  switch (pick(0, 5)) {
    case 0: return *latency_preset(*rc::gen::elementOf(latency_preset_names()));
    case 1:
      spec.dist = LatencySpec::Dist::constant;
      spec.mean_ns = pick<TimeNs>(0, kScenarioLatencyMax);
      break;
    case 2:
      spec.dist = LatencySpec::Dist::uniform;
      spec.min_ns = pick<TimeNs>(0, kScenarioLatencyMax);
      spec.max_ns = pick<TimeNs>(spec.min_ns, kScenarioLatencyMax);
      break;
    case 3:
      spec.dist = LatencySpec::Dist::exponential;
      spec.mean_ns = pick<TimeNs>(1, kScenarioLatencyMax);
      break;
    default:
      spec.dist = coin() ? LatencySpec::Dist::normal : LatencySpec::Dist::lognormal;
      spec.mean_ns = pick<TimeNs>(1, kScenarioLatencyMax);
      spec.stddev_ns = pick<TimeNs>(0, kScenarioLatencyMax);
      break;
  }
  return spec;
}

// Round millionths, or thirds and sevenths whose decimals never end.
double probability() { return coin() ? pick<std::int64_t>(0, 1'000'000) / 1e6 : pick(0, 7) / 7.0; }

std::string kind_label(Kind kind) {
  const std::string own(fault_kind_name(kind));
  switch (pick(0, 3)) {
    case 0: return printable_string(64);
    case 1:
      if (kind == Kind::partition) return *rc::gen::element<std::string>("partition-one-way", "isolate", "bridge");
      return own;
    default: return own;
  }
}

std::vector<std::pair<NodeId, NodeId>> gen_pairs(std::uint32_t n, bool allow_empty) {
  std::vector<std::pair<NodeId, NodeId>> pairs;
  const std::size_t count = pick<std::size_t>(allow_empty ? 0 : 1, 12);
  while (pairs.size() < count) {
    const NodeId a = pick<NodeId>(0, n - 1);
    const NodeId b = pick<NodeId>(0, n - 2);
    pairs.emplace_back(a, b < a ? b : b + 1);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

// A node chosen when the fault fires: a few published keys and scalar values to match.
NodeSelector gen_selector() {
  NodeSelector selector;
  for (int i = pick(1, 3); i > 0; --i) {
    const std::string key = *rc::gen::element<std::string>("role", "term", "leader", "ready", "x y/~z");
    switch (pick(0, 4)) {
      case 0: selector.annotated[key] = printable_string(20); break;
      case 1: selector.annotated[key] = pick<std::int64_t>(-1'000'000, 1'000'000); break;
      case 2: selector.annotated[key] = probability(); break;
      case 3: selector.annotated[key] = coin(); break;
      default: selector.annotated[key] = nullptr; break;
    }
  }
  const NodeSelector::Pick picks[] = {NodeSelector::Pick::lowest, NodeSelector::Pick::newest, NodeSelector::Pick::random};
  selector.pick = picks[pick(0, 2)];
  return selector;
}

bool selectable(Kind kind) { return kind != Kind::restart && kind != Kind::heal && kind != Kind::clog &&
                                    kind != Kind::unclog && kind != Kind::network; }

// A fault as the fuzzer might draw it: any well-formed FaultAction, whatever its label.
FaultAction gen_raw_fault(std::uint32_t n, TimeNs run_ns) {
  FaultAction f;
  const bool links_possible = n >= 2;
  std::vector<Kind> kinds;
  for (int k = 0; k <= static_cast<int>(Kind::clock_resync); ++k) {
    const auto kind = static_cast<Kind>(k);
    if (links_possible || (kind != Kind::partition && kind != Kind::clog)) kinds.push_back(kind);
  }
  f.kind = *rc::gen::elementOf(kinds);
  f.at_ns = pick<TimeNs>(0, run_ns);
  f.label = kind_label(f.kind);
  const bool undoable = f.kind != Kind::restart && f.kind != Kind::resume && f.kind != Kind::heal &&
                        f.kind != Kind::unclog && f.kind != Kind::clock_resync;
  if (undoable && coin()) f.duration_ns = pick<TimeNs>(1, kScenarioDurationMax);
  if (selectable(f.kind) && pick(0, 3) == 0) {
    // Chosen when it fires: no nodes, and for isolate (the one partition that can) no links yet.
    f.select = gen_selector();
    if (f.kind == Kind::partition) f.label = *rc::gen::element<std::string>("isolate", printable_string(64));
    if (f.kind == Kind::crash) f.lose_unsynced = coin();
    if (f.kind == Kind::clock_step) f.delta_ns = pick<TimeNs>(1, kScenarioDurationMax);
    if (f.kind == Kind::clock_drift) f.drift_ppm = pick<std::int64_t>(-500'000, 500'000);
    return f;
  }
  switch (f.kind) {
    case Kind::heal: break;
    case Kind::partition:
    case Kind::clog:
    case Kind::unclog:
      f.pairs = links_possible ? gen_pairs(n, f.kind == Kind::unclog) : decltype(f.pairs){};
      for (int i = pick(0, 2); i > 0; --i) f.groups.push_back(some_nodes(n));
      if (coin()) f.nodes = some_nodes(n);
      break;
    case Kind::network:
    {
      const int required = pick(0, 3);  // at least one change
      if (required == 0 || coin()) f.loss = probability();
      if (required == 1 || coin()) f.duplicate = probability();
      if (required == 2 || coin()) f.reorder = probability();
      if (required == 3 || coin()) f.latency = gen_latency();
    }
      break;
    default:
      f.nodes = some_nodes(n);
      if (f.kind == Kind::crash) f.lose_unsynced = coin();
      if (f.kind == Kind::clock_step) {
        f.delta_ns = pick<TimeNs>(-kScenarioDurationMax, kScenarioDurationMax - 1);
        if (f.delta_ns >= 0) ++f.delta_ns;
      }
      if (f.kind == Kind::clock_drift) f.drift_ppm = pick<std::int64_t>(-500'000, 500'000);
      break;
  }
  return f;
}

// Disjoint non-empty groups covering a random part of the nodes (n >= 2).
std::vector<std::vector<NodeId>> gen_groups(std::uint32_t n, std::size_t count) {
  const auto ids = some_nodes(n, n, count);
  std::vector<std::vector<NodeId>> groups(count);
  for (std::size_t i = 0; i < ids.size(); ++i) groups[i < count ? i : pick<std::size_t>(0, count - 1)].push_back(ids[i]);
  return groups;
}

json names_json(const std::vector<NodeId>& ids, const std::vector<std::string>& names) {
  json out = json::array();
  for (NodeId id : ids) out.push_back(names[id]);
  return out;
}

// A partition as a person writes it: one of the named forms, read by the parser itself.
std::optional<FaultAction> gen_written_partition(const std::vector<std::string>& names, TimeNs run_ns) {
  const auto n = static_cast<std::uint32_t>(names.size());
  if (n < 3) return std::nullopt;
  json entry = {{"at_ms", ms_json(pick<TimeNs>(0, run_ns))}};
  switch (pick(0, 4)) {
    case 0:
      entry["action"] = "partition";
      entry["groups"] = json::array();
      for (const auto& g : gen_groups(n, pick<std::size_t>(2, 3))) entry["groups"].push_back(names_json(g, names));
      break;
    case 1: {
      entry["action"] = "partition-one-way";
      const auto g = gen_groups(n, 2);
      entry["from"] = names_json(g[0], names);
      entry["to"] = names_json(g[1], names);
      break;
    }
    case 2: entry["action"] = "isolate"; entry["nodes"] = names_json(some_nodes(n, n - 1), names); break;
    case 3: entry["action"] = "partition-majority"; entry["minority"] = names_json(some_nodes(n, (n - 1) / 2), names); break;
    default: {
      entry["action"] = "bridge";
      const auto g = gen_groups(n, 3);
      // json::array: a braced pair of two-name arrays would read as an object {"a": "b", ...}.
      entry["groups"] = json::array({names_json(g[0], names), names_json(g[1], names)});
      entry["bridge"] = names[g[2][0]];
      break;
    }
  }
  Diagnostics diag;
  const NodeNames node_names(names, true);
  auto f = read_fault(entry, "", FaultContext{node_names, run_ns}, diag);
  RC_ASSERT(diag.ok());
  return f;
}

std::vector<std::string> gen_names(std::uint32_t n) {
  const std::string prefix = *rc::gen::element<std::string>("n", "node", "db-", "X_");
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < n; ++i) names.push_back(fmt::format("{}{}", prefix, i));
  return names;
}

template <class T>
NemesisProfile::Range<T> gen_range(T lo, T hi) {
  const T a = pick<T>(lo, hi), b = pick<T>(lo, hi);
  return {std::min(a, b), std::max(a, b)};
}

// One profile of a targeted kind or the swarm (not a mix), with every field drawn.
NemesisProfile gen_profile() {
  NemesisProfile p;
  p.kind = *rc::gen::element(NemesisProfile::Kind::swarm, NemesisProfile::Kind::isolations,
                             NemesisProfile::Kind::partition_restarts, NemesisProfile::Kind::crash_restarts);
  const auto ns = [] { return gen_range<TimeNs>(1, 3600 * kNsPerSec); };
  if (p.kind == NemesisProfile::Kind::isolations) {
    if (coin()) p.select = NodeSelector{{{"role", "leader"}}, NodeSelector::Pick::newest};
    p.chains = gen_range<std::uint32_t>(1, 16);
    p.length = gen_range<std::uint32_t>(1, 100);
    p.gap_ns = ns();
    p.duration_ns = ns();
  } else if (p.kind == NemesisProfile::Kind::partition_restarts) {
    p.duration_ns = ns();
    p.minority = gen_range<std::uint32_t>(1, 4096);
    p.down_before = gen_range<std::uint32_t>(0, 32);
    p.restarts = gen_range<std::uint32_t>(0, 32);
    p.restart_ns = ns();
  } else if (p.kind == NemesisProfile::Kind::crash_restarts) {
    if (coin()) p.select = NodeSelector{{{"role", "leader"}}, NodeSelector::Pick::newest};
    p.restarts = gen_range<std::uint32_t>(1, 32);
    p.restart_ns = ns();
    p.lose_unsynced_chance = pick(0, 4) / 4.0;
  }
  return p;
}

// Profiles of every kind, mixes of them among them, with every field drawn.
FuzzSpec gen_fuzz() {
  FuzzSpec f;
  for (int i = pick(1, 4); i > 0; --i) {
    NemesisProfile p;
    if (coin()) {
      p = gen_profile();
    } else {
      p.kind = NemesisProfile::Kind::mix;
      for (int j = pick(1, 4); j > 0; --j) p.of.push_back(gen_profile());
    }
    p.weight = static_cast<double>(pick(1, 1000));
    f.profiles.push_back(p);
  }
  return f;
}

Scenario gen_scenario() {
  Scenario s;
  s.name = printable_string(40);
  s.description = printable_string(200);
  const auto n = pick<std::uint32_t>(1, 9);
  s.cluster.protocol = "primary-backup";
  s.cluster.node_names = gen_names(n);
  if (coin()) s.cluster.params = {{"retransmit_ms", pick(1, 60000)}};
  for (const auto& bug : ProtocolRegistry::instance().find("primary-backup")->known_bugs) {
    if (coin()) s.cluster.bugs.insert(bug.name);
  }
  s.run.seed = *rc::gen::arbitrary<std::uint64_t>();
  s.run.duration_ns = pick<TimeNs>(1, kScenarioDurationMax);
  s.run.events_max = pick<std::uint64_t>(1, 10'000'000'000);
  s.run.memory_bytes_max = pick<std::uint64_t>(1, 1 << 20) << 20;

  s.network.latency = gen_latency();
  s.network.client_latency = coin() ? s.network.latency : gen_latency();
  s.network.loss = probability();
  s.network.duplicate = probability();
  s.network.reorder = probability();
  for (int i = pick(0, 3); i > 0; --i) {
    LinkSpec link{some_nodes(n), some_nodes(n), std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    if (coin()) link.latency = gen_latency();
    if (coin()) link.loss = probability();
    if (coin()) link.duplicate = probability();
    if (coin()) link.reorder = probability();
    s.network.links.push_back(std::move(link));
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    ClockSpec clock;
    if (coin()) clock = {pick<TimeNs>(-kScenarioDurationMax, kScenarioDurationMax), pick<std::int64_t>(-500'000, 500'000)};
    s.clocks.push_back(clock);
  }
  for (int i = pick(0, 8); i > 0; --i) {
    auto written = coin() ? gen_written_partition(s.cluster.node_names, s.run.duration_ns) : std::nullopt;
    s.faults.push_back(written ? *written : gen_raw_fault(n, s.run.duration_ns));
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const auto& a, const auto& b) { return a.at_ns < b.at_ns; });

  WorkloadSpec& w = s.workload;
  w.kind = *rc::gen::element<std::string>("none", "register");  // what primary-backup serves
  w.clients = w.kind == "none" ? 0 : pick<std::uint32_t>(0, 1000);
  if (w.kind == "register" && coin()) w.params = {{"keys", pick(1, 1000)}};
  w.ops_max = pick<std::int64_t>(0, 10'000'000);
  w.think_ns = pick<TimeNs>(0, 3600 * kNsPerSec);
  w.timeout_ns = pick<TimeNs>(1, 3600 * kNsPerSec);
  w.attempts_max = pick<std::uint32_t>(1, 100);
  w.start_ns = pick<TimeNs>(0, s.run.duration_ns - 1);
  if (coin()) w.stop_ns = pick<TimeNs>(w.start_ns + 1, s.run.duration_ns);
  switch (pick(0, 2)) {
    case 0: w.target = WorkloadSpec::Target::any; break;
    case 1: w.target = WorkloadSpec::Target::round_robin; break;
    default: w.target = WorkloadSpec::Target::node; w.target_node = pick<NodeId>(0, n - 1); break;
  }

  ChecksSpec& c = s.checks;
  c.invariants = coin();
  if (w.clients > 0 && coin()) {  // a model that fits the workload, over a history that may exist
    c.linearizability = *rc::gen::element<std::string>("register", "cas-register");
    c.lin_steps_max = pick<std::int64_t>(1, INT64_MAX - 1);
    c.lin_memo_bytes_max = pick<std::int64_t>(1, 1 << 20) << 20;
  }
  c.liveness = coin();
  if (c.liveness) {
    c.liveness_within_ns = pick<TimeNs>(1, kScenarioDurationMax);
    if (coin()) c.calm_ns = pick<TimeNs>(0, s.run.duration_ns);
  }
  const ExpectSpec::Outcome outcomes[] = {ExpectSpec::Outcome::holds, ExpectSpec::Outcome::violated,
                                          ExpectSpec::Outcome::any};
  // Only expectations an enabled check can judge (primary-backup's observer reports no liveness).
  s.expect.safety = c.invariants || c.linearizability ? outcomes[pick(0, 2)] : ExpectSpec::Outcome::any;
  s.expect.liveness = c.liveness ? outcomes[pick(0, 2)] : ExpectSpec::Outcome::any;
  if (s.expect.safety == ExpectSpec::Outcome::violated) {
    for (int i = pick(0, 3); i > 0; --i) s.expect.violations.push_back("x" + printable_string(30));
  }
  s.fuzz = coin() ? default_fuzz(s.cluster.protocol) : gen_fuzz();
  return s;
}

RC_GTEST_PROP(RoundTrip, ParsingToJsonGivesBackTheSameScenario, ()) {
  const Scenario s = gen_scenario();
  const std::string text = to_json(s).dump(2);
  auto back = parse_scenario(text, "roundtrip.json");
  if (auto* diag = std::get_if<Diagnostics>(&back)) {
    RC_FAIL(diag->format("roundtrip.json") + text);
  }
  RC_ASSERT(std::get<Scenario>(back) == s);
}

RC_GTEST_PROP(RoundTrip, CanonicalJsonIsAFixedPoint, ()) {
  const Scenario s = gen_scenario();
  const json once = to_json(s);
  auto back = parse_scenario(once.dump(), "fixed.json");
  RC_ASSERT(std::holds_alternative<Scenario>(back));
  RC_ASSERT(to_json(std::get<Scenario>(back)) == once);
}

RC_GTEST_PROP(RoundTrip, WrittenPartitionsAreWrittenBackInTheirOwnForm, ()) {
  const auto names = gen_names(pick<std::uint32_t>(3, 9));
  const auto f = gen_written_partition(names, kNsPerSec);
  RC_PRE(f.has_value());
  const NodeNames node_names(names, true);
  const json entry = fault_to_json(*f, FaultContext{node_names, kNsPerSec});
  RC_ASSERT(entry["action"] == f->label);
  RC_ASSERT(!entry.contains("pairs"));
}

TEST(RoundTrip, DrawnPartitionsUseTheExplicitPairsForm) {
  FaultAction f;
  f.kind = Kind::partition;
  f.label = "swarm-partition";
  f.at_ns = 5;
  f.pairs = {{0, 1}, {2, 1}};
  const NodeNames names({"n0", "n1", "n2"}, true);
  const json entry = fault_to_json(f, FaultContext{names, kNsPerSec});
  EXPECT_EQ(entry, json::parse(R"({"at_ms": 5e-06, "action": "partition", "label": "swarm-partition",
                                   "pairs": [["n0", "n1"], ["n2", "n1"]]})"));
}

TEST(RoundTrip, DefaultsAreSpelledOut) {
  const json out = to_json(parse_ok(minimal_doc()));
  EXPECT_EQ(out["cluster"]["nodes"], 3);
  EXPECT_EQ(out["network"]["latency"], "same-dc");
  EXPECT_EQ(out["workload"]["think_ms"], 10);
  EXPECT_EQ(out["workload"]["target"], "any");
  EXPECT_EQ(out["checks"]["invariants"], true);
  EXPECT_EQ(out["checks"]["liveness"], false);
  EXPECT_EQ(out["expect"]["safety"], "holds");
  EXPECT_EQ(out["run"]["seed"], 1);
  EXPECT_EQ(out["run"]["duration_ms"], 10000);
  EXPECT_EQ(out["clocks"]["default"], (json{{"offset_ms", 0}, {"drift_ppm", 0}}));
}

std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(DSIM_SOURCE_DIR "/scenarios")) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ShippedScenarios, EveryFileIsValidAndRoundTrips) {
  const auto files = shipped_scenarios();
  ASSERT_FALSE(files.empty());
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    auto loaded = load_scenario(file.string());
    if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
      ADD_FAILURE() << diag->format(file.string());
      continue;
    }
    const Scenario& s = std::get<Scenario>(loaded);
    auto back = parse_scenario(to_json(s).dump(), file.string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(back)) << std::get<Diagnostics>(back).format(file.string());
    EXPECT_TRUE(std::get<Scenario>(back) == s);
  }
}

}  // namespace
}  // namespace dsim::testing
