// The `fuzz` section and its nemesis profiles: read with precise errors, written back exactly,
// defaulted from the protocol, and drawn as documented (docs/fuzzing.md): every fault inside the
// window and undone by its end, the counts within their ranges, the same seed the same schedule.
#include <algorithm>
#include <set>
#include <variant>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/fault/nemesis.h"
#include "sim/node/protocol.h"
#include "sim/scenario/fuzz_json.h"
#include "sim/fuzz/generator.h"

namespace dsim {
namespace {

using json = nlohmann::json;

json doc_with(json fuzz, const char* protocol = "raft") {
  json doc = {{"cluster", {{"protocol", protocol}, {"nodes", 5}}}, {"run", {{"duration_ms", 4000}}}};
  if (!fuzz.is_null()) doc["fuzz"] = std::move(fuzz);
  return doc;
}

std::variant<Scenario, Diagnostics> parse(const json& doc) { return parse_scenario(doc.dump(), "test.json"); }

// The first problem's path and message, or "" when the document parsed.
std::string first_problem(const json& doc) {
  auto parsed = parse(doc);
  const auto* diag = std::get_if<Diagnostics>(&parsed);
  return diag ? diag->list().front().path + ": " + diag->list().front().message : "";
}

TEST(FuzzSection, BadProfilesAreNamedByPath) {
  const std::vector<std::pair<json, std::string>> cases = {
      {json::object(), "/fuzz/profiles: missing"},
      {{{"profiles", json::array()}}, "/fuzz/profiles: expected an array of 1 to 16"},
      {{{"profiles", {{{"kind", "chaos"}}}}}, "/fuzz/profiles/0/kind: expected one of"},
      {{{"profiles", {{{"kind", "swarm"}, {"gap_ms", 5}}}}}, "/fuzz/profiles/0/gap_ms: unknown key"},
      {{{"profiles", {{{"kind", "isolations"}, {"gap_ms", {300, 100}}}}}}, "/fuzz/profiles/0/gap_ms: expected a time"},
      {{{"profiles", {{{"kind", "isolations"}, {"chains", 0}}}}}, "/fuzz/profiles/0/chains: expected at least 1"},
      {{{"profiles", {{{"kind", "isolations"}, {"length", {1, 2, 3}}}}}}, "/fuzz/profiles/0/length: expected an integer"},
      {{{"profiles", {{{"kind", "isolations"}, {"select", {{"annotated", json::object()}}}}}}},
       "/fuzz/profiles/0/select/annotated: expected a non-empty object"},
      {{{"profiles", {{{"kind", "partition-restarts"}, {"restarts", 33}}}}}, "/fuzz/profiles/0/restarts: expected an integer"},
      {{{"profiles", {{{"kind", "swarm"}, {"weight", 0}}}}}, "/fuzz/profiles/0/weight: expected"},
      {{{"profiles", {{{"kind", "crash-restarts"}, {"restarts", 0}}}}}, "/fuzz/profiles/0/restarts: expected at least 1"},
      {{{"profiles", {{{"kind", "crash-restarts"}, {"lose_unsynced", 2}}}}}, "/fuzz/profiles/0/lose_unsynced: expected"},
      {{{"profiles", {{{"kind", "mix"}}}}}, "/fuzz/profiles/0/of: missing"},
      {{{"profiles", {{{"kind", "mix"}, {"of", json::array()}}}}}, "/fuzz/profiles/0/of: expected an array of 1 to 4 profiles"},
      {{{"profiles", {{{"kind", "mix"}, {"of", {{{"kind", "mix"}, {"of", {{{"kind", "swarm"}}}}}}}}}}},
       "/fuzz/profiles/0/of/0: expected a profile without \"weight\" or \"params\" and not a mix"},
      {{{"profiles", {{{"kind", "mix"}, {"of", {{{"kind", "swarm"}, {"weight", 2}}}}}}}},
       "/fuzz/profiles/0/of/0: expected a profile without \"weight\""},
      {{{"profiles", {{{"kind", "mix"}, {"of", {{{"kind", "crash-restarts"}, {"restart_ms", -1}}}}}}}},
       "/fuzz/profiles/0/of/0/restart_ms: expected a time"},
      {{{"profiles", {{{"kind", "mix"}, {"of", {{{"kind", 7}}}}}}}}, "/fuzz/profiles/0/of/0/kind: expected one of"},
      {{{"profiles", {{{"kind", "swarm"}, {"params", {{"leader_noop", true}}}}}}},
       "/fuzz/profiles/0/params/leader_noop: expected a list of 1 to 16 values"},
      {{{"profiles", {{{"kind", "swarm"}, {"params", {{"leader_noop", {{1, 2}}}}}}}}},
       "/fuzz/profiles/0/params/leader_noop/0: expected a number, string, boolean or null"},
      // Each value is tried in the cluster: the protocol's own validator judges it.
      {{{"profiles", {{{"kind", "swarm"}, {"params", {{"max_append_entries", {1, 0}}}}}}}},
       "/fuzz/profiles/0/params/max_append_entries/1: raft refuses it as cluster.params.max_append_entries: "},
      {{{"profiles", {{{"kind", "swarm"}, {"params", {{"no_such_param", {1}}}}}}}},
       "/fuzz/profiles/0/params/no_such_param/0: raft refuses it as cluster.params.no_such_param: unknown key"},
  };
  for (const auto& [fuzz, wanted] : cases) {
    const std::string got = first_problem(doc_with(fuzz));
    EXPECT_EQ(got.rfind(wanted, 0), 0u) << fuzz.dump() << "\n  got: " << got << "\n  wanted: " << wanted;
  }
}

TEST(FuzzSection, WritesBackExactlyAndLeavesTheDefaultOut) {
  const json fuzz = {{"profiles",
                      {{{"kind", "swarm"}, {"weight", 2}},
                       {{"kind", "isolations"}, {"select", {{"annotated", {{"role", "leader"}}}, {"pick", "newest"}}},
                        {"gap_ms", {50, 75.5}}},
                       {{"kind", "partition-restarts"}, {"restarts", 2}, {"params", {{"leader_noop", {false, true}}}}},
                       {{"kind", "mix"},
                        {"params", {{"leader_noop", {false}}}},
                        {"of",
                         {{{"kind", "isolations"}, {"chains", 1}},
                          {{"kind", "crash-restarts"}, {"restart_ms", {2, 9}}, {"lose_unsynced", 1}}}}}}}};
  const Scenario s = std::get<Scenario>(parse(doc_with(fuzz)));
  ASSERT_EQ(s.fuzz.profiles.size(), 4u);
  ASSERT_EQ(s.fuzz.profiles[3].of.size(), 2u);
  EXPECT_EQ(s.fuzz.profiles[3].of[1].restart_ns.max, 9 * kNsPerMs);
  EXPECT_EQ(s.fuzz.profiles[3].of[1].lose_unsynced_chance, 1.0);
  EXPECT_EQ(s.fuzz.profiles[1].gap_ns.max, 75'500'000);
  EXPECT_EQ(s.fuzz.profiles[2].restarts.min, 2u);
  EXPECT_EQ(s.fuzz.profiles[2].params.at("leader_noop"), (std::vector<json>{false, true}));
  const json written = to_json(s);
  ASSERT_TRUE(written.contains("fuzz"));
  EXPECT_EQ(std::get<Scenario>(parse(written)), s);
  // Without a section: the protocol's default, which the canonical form leaves out.
  const Scenario plain = std::get<Scenario>(parse(doc_with(nullptr)));
  EXPECT_EQ(plain.fuzz, default_fuzz("raft"));
  EXPECT_FALSE(to_json(plain).contains("fuzz"));
}

TEST(FuzzSection, EveryProtocolsDefaultProfilesRead) {
  for (const auto& p : ProtocolRegistry::instance().all()) {
    EXPECT_NO_THROW(default_fuzz(p.name)) << p.name;
    EXPECT_FALSE(default_fuzz(p.name).profiles.empty()) << p.name;
  }
  // Dynamo's default draws the pattern that finds hints kept only in memory.
  const auto dynamo = default_fuzz("dynamo").profiles;
  EXPECT_TRUE(std::any_of(dynamo.begin(), dynamo.end(),
                          [](const auto& p) { return p.kind == NemesisProfile::Kind::partition_restarts; }));
}

constexpr TimeNs kFrom = 100 * kNsPerMs, kUntil = 3000 * kNsPerMs;

std::vector<FaultAction> draw(const NemesisProfile& p, std::uint64_t seed, std::uint32_t nodes = 5) {
  Rng rng = Rng::derive(seed, "nemesis-test");
  return nemesis_faults(p, kFrom, kUntil, nodes, rng);
}

void expect_inside_window(const std::vector<FaultAction>& faults) {
  for (const auto& f : faults) {
    EXPECT_GE(f.at_ns, kFrom);
    ASSERT_TRUE(f.duration_ns.has_value());
    EXPECT_GE(*f.duration_ns, 1);
    EXPECT_LE(f.at_ns + *f.duration_ns, kUntil);  // undone before the calm
  }
  EXPECT_TRUE(std::is_sorted(faults.begin(), faults.end(),
                             [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; }));
}

TEST(Nemesis, IsolationsFollowTheirRanges) {
  NemesisProfile p;
  p.kind = NemesisProfile::Kind::isolations;
  p.chains = {2, 2};
  p.length = {3, 4};
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto faults = draw(p, seed);
    EXPECT_LE(faults.size(), 8u);
    EXPECT_GE(faults.size(), 2u);  // at least each chain's first, which starts in the window's first half
    expect_inside_window(faults);
    for (const auto& f : faults) {
      EXPECT_EQ(f.kind, FaultAction::Kind::partition);
      EXPECT_EQ(f.label, "isolate");
      ASSERT_EQ(f.groups.size(), 2u);
      EXPECT_EQ(f.groups[0].size(), 1u);
      EXPECT_EQ(f.groups[1].size(), 4u);
      EXPECT_LE(*f.duration_ns, p.duration_ns.max);
    }
    EXPECT_EQ(draw(p, seed), faults);  // pure in the seed
  }
  p.select = NodeSelector{{{"role", "leader"}}, NodeSelector::Pick::newest};
  for (const auto& f : draw(p, 7)) {
    EXPECT_EQ(f.select, p.select);
    EXPECT_TRUE(f.groups.empty());  // chosen as it fires
  }
  EXPECT_TRUE(draw(p, 7, 1).empty());  // nobody to cut a single node off from
}

TEST(Nemesis, PartitionRestartsCutAMinorityAndRestartOnlyTheMajoritySide) {
  NemesisProfile p;
  p.kind = NemesisProfile::Kind::partition_restarts;
  p.duration_ns = {600 * kNsPerMs, 1000 * kNsPerMs};
  p.down_before = {1, 1};
  p.restarts = {2, 3};
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto faults = draw(p, seed);
    expect_inside_window(faults);
    const auto cut = std::find_if(faults.begin(), faults.end(),
                                  [](const FaultAction& f) { return f.kind == FaultAction::Kind::partition; });
    ASSERT_NE(cut, faults.end());
    ASSERT_EQ(cut->groups.size(), 2u);
    const std::set<NodeId> minority(cut->groups[0].begin(), cut->groups[0].end());
    EXPECT_LT(2 * minority.size(), 5u);
    std::size_t crashes = 0;
    for (const auto& f : faults) {
      if (f.kind != FaultAction::Kind::crash) continue;
      ++crashes;
      ASSERT_EQ(f.nodes.size(), 1u);
      EXPECT_EQ(minority.count(f.nodes[0]), 0u) << "seed " << seed;
      const bool down_through = f.at_ns < cut->at_ns;
      if (!down_through) {
        EXPECT_GE(f.at_ns, cut->at_ns + *cut->duration_ns / 2);  // the cut's second half
      }
    }
    EXPECT_GE(crashes, 3u);
    EXPECT_LE(crashes, 4u);
  }
  EXPECT_TRUE(draw(p, 3, 2).empty());
}

TEST(Nemesis, CrashRestartsAreQuickAndFollowTheirRanges) {
  NemesisProfile p;
  p.kind = NemesisProfile::Kind::crash_restarts;
  p.restarts = {2, 5};
  p.restart_ns = {1 * kNsPerMs, 30 * kNsPerMs};
  std::size_t lost = 0, crashes = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto faults = draw(p, seed);
    expect_inside_window(faults);
    EXPECT_GE(faults.size(), 2u);
    EXPECT_LE(faults.size(), 5u);
    for (const auto& f : faults) {
      EXPECT_EQ(f.kind, FaultAction::Kind::crash);
      ASSERT_EQ(f.nodes.size(), 1u);
      EXPECT_LT(f.nodes[0], 5u);
      EXPECT_LE(*f.duration_ns, p.restart_ns.max);
      lost += f.lose_unsynced;
      ++crashes;
    }
    EXPECT_EQ(draw(p, seed), faults);  // pure in the seed
  }
  // About half the crashes lose what was not synced (the default chance); none and all at 0 and 1.
  EXPECT_GT(lost, crashes / 4);
  EXPECT_LT(lost, crashes * 3 / 4);
  p.lose_unsynced_chance = 0;
  for (const auto& f : draw(p, 9)) EXPECT_FALSE(f.lose_unsynced);
  p.select = NodeSelector{{{"role", "leader"}}, NodeSelector::Pick::newest};
  for (const auto& f : draw(p, 7)) {
    EXPECT_EQ(f.select, p.select);
    EXPECT_TRUE(f.nodes.empty());  // chosen as it fires
  }
}

// A mix runs its parts' schedules together: its first targeted part draws exactly what it would
// draw alone, the others add theirs, the swarm part is the swarm's own schedule, all in time order.
TEST(Nemesis, MixRunsItsPartsTogether) {
  const json iso = {{"kind", "isolations"}, {"chains", 1}, {"length", 3}};
  const json crashes = {{"kind", "crash-restarts"}, {"restarts", 4}};
  const Scenario alone = std::get<Scenario>(parse(doc_with({{"profiles", {iso}}})));
  const Scenario swarm = std::get<Scenario>(parse(doc_with({{"profiles", {{{"kind", "swarm"}}}}})));
  const Scenario mixed = std::get<Scenario>(parse(doc_with({{"profiles", {{{"kind", "mix"}, {"of", {iso, crashes}}}}}})));
  const Scenario with_swarm =
      std::get<Scenario>(parse(doc_with({{"profiles", {{{"kind", "mix"}, {"of", {crashes, {{"kind", "swarm"}}}}}}}})));
  const auto count = [](const Scenario& s, FaultAction::Kind kind) {
    return std::count_if(s.faults.begin(), s.faults.end(), [&](const FaultAction& f) { return f.kind == kind; });
  };
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario a = fuzz::fuzz_scenario(alone, seed), m = fuzz::fuzz_scenario(mixed, seed);
    EXPECT_EQ(count(m, FaultAction::Kind::partition), count(a, FaultAction::Kind::partition)) << seed;
    EXPECT_EQ(count(m, FaultAction::Kind::crash), 4) << seed;
    for (const auto& f : a.faults) EXPECT_NE(std::find(m.faults.begin(), m.faults.end(), f), m.faults.end()) << seed;
    EXPECT_TRUE(std::is_sorted(m.faults.begin(), m.faults.end(),
                               [](const FaultAction& x, const FaultAction& y) { return x.at_ns < y.at_ns; }));
    EXPECT_EQ(fuzz::fuzz_scenario(mixed, seed), m);
    const Scenario w = fuzz::fuzz_scenario(with_swarm, seed), sw = fuzz::fuzz_scenario(swarm, seed);
    for (const auto& f : sw.faults) EXPECT_NE(std::find(w.faults.begin(), w.faults.end(), f), w.faults.end()) << seed;
    EXPECT_EQ(w.faults.size(), sw.faults.size() + 4) << seed;
  }
}

TEST(Nemesis, PickProfileFollowsTheWeightsAndDrawsNothingForOne) {
  NemesisProfile a, b;
  a.weight = 3;
  b.kind = NemesisProfile::Kind::isolations;
  b.weight = 1;
  int picked_b = 0;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    Rng rng = Rng::derive(seed, "fuzz-profile");
    picked_b += pick_profile({a, b}, rng).kind == NemesisProfile::Kind::isolations;
  }
  EXPECT_NEAR(picked_b, 1000, 120);
  // One profile: no draw, so a scenario without targeted profiles keeps its swarm schedules.
  Rng untouched = Rng::derive(1, "x"), reference = Rng::derive(1, "x");
  const std::vector<NemesisProfile> one = {b};
  EXPECT_EQ(&pick_profile(one, untouched), &one[0]);
  EXPECT_EQ(untouched.below(1u << 30), reference.below(1u << 30));
}

// A seed under a targeted profile runs that pattern and no swarm fault; the scenario's own faults
// stay.
TEST(Nemesis, FuzzScenarioDrawsTheProfilesFaults) {
  json doc = doc_with({{"profiles", {{{"kind", "partition-restarts"}}}}}, "dynamo");
  doc["faults"] = {{{"at_ms", 50}, {"action", "crash"}, {"node", "n4"}, {"duration_ms", 10}}};
  const Scenario base = std::get<Scenario>(parse(doc));
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Scenario s = fuzz::fuzz_scenario(base, seed);
    ASSERT_FALSE(s.faults.empty());
    EXPECT_EQ(s.faults.front().at_ns, 50 * kNsPerMs);
    std::size_t partitions = 0;
    for (const auto& f : s.faults) {
      partitions += f.kind == FaultAction::Kind::partition;
      EXPECT_TRUE(f.kind == FaultAction::Kind::partition || f.kind == FaultAction::Kind::crash) << seed;
    }
    EXPECT_EQ(partitions, 1u);
    EXPECT_EQ(fuzz::fuzz_scenario(base, seed), s);
  }
}

// A profile's parameters are drawn per seed from their own stream, only on the seeds that draw
// that profile, and the seeds that draw another profile are exactly what they were without it.
TEST(Nemesis, ProfileParamsAreDrawnOnlyWhereTheProfileIs) {
  const json iso = {{"kind", "isolations"}, {"weight", 1}, {"params", {{"max_append_entries", {1, 2}}, {"leader_noop", {false}}}}};
  const json bare = {{"kind", "isolations"}, {"weight", 1}};
  const Scenario with = std::get<Scenario>(parse(doc_with({{"profiles", {{{"kind", "swarm"}, {"weight", 1}}, iso}}})));
  const Scenario without = std::get<Scenario>(parse(doc_with({{"profiles", {{{"kind", "swarm"}, {"weight", 1}}, bare}}})));
  std::set<json> drawn;
  std::size_t isolated = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const Scenario a = fuzz::fuzz_scenario(with, seed), b = fuzz::fuzz_scenario(without, seed);
    EXPECT_EQ(a.faults, b.faults) << seed << ": the parameters move no fault";
    const bool selected = a.cluster.params.contains("leader_noop");
    isolated += selected;
    if (!selected) {
      EXPECT_EQ(a.cluster.params, b.cluster.params) << seed;
      continue;
    }
    EXPECT_EQ(a.cluster.params["leader_noop"], false);
    drawn.insert(a.cluster.params["max_append_entries"]);
    EXPECT_EQ(fuzz::fuzz_scenario(with, seed), a);
  }
  EXPECT_GT(isolated, 5u);
  EXPECT_LT(isolated, 35u);
  EXPECT_EQ(drawn, (std::set<json>{1, 2}));
}

}  // namespace
}  // namespace dsim
