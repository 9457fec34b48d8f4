// scenarios/schema.json agrees with the parser on the vocabulary: actions, presets,
// distributions, and the keys every section accepts.
#include <algorithm>

#include <gtest/gtest.h>

#include "sim/core/file.h"
#include "sim/scenario/fault_json.h"
#include "sim/scenario/fuzz_json.h"
#include "tests/scenario/json_schema.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

json schema() {
  const auto text = read_file(DSIM_SOURCE_DIR "/scenarios/schema.json", 16u << 20);
  EXPECT_TRUE(text.has_value());
  return json::parse(text.value_or("{}"));
}

std::vector<std::string> keys(const json& properties) {
  std::vector<std::string> out;
  for (const auto& [key, value] : properties.items()) {
    if (key != "$schema" && key != "comment") out.push_back(key);
  }
  return out;
}

TEST(Schema, IsDraft2020) {
  EXPECT_EQ(schema()["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

TEST(Schema, FaultActionsMatchTheParser) {
  const json s = schema();
  EXPECT_EQ(s["$defs"]["fault"]["properties"]["action"]["enum"].get<std::vector<std::string>>(), fault_action_names());
  EXPECT_EQ(s["$defs"]["fault"]["allOf"].size(), fault_action_names().size()) << "one rule per action";
}

TEST(Schema, LatencyPresetsMatchTheParser) {
  EXPECT_EQ(schema()["$defs"]["latency"]["oneOf"][0]["enum"].get<std::vector<std::string>>(), latency_preset_names());
}

// The nemesis kinds are the parser's, and schema and parser agree on what a mix may hold: the
// protocols' own defaults (Raft's holds a mix) pass both, a part with a weight or a nested mix
// fails both.
TEST(Schema, NemesisProfilesMatchTheParser) {
  const json s = schema();
  const auto kinds = s["$defs"]["nemesisProfile"]["properties"]["kind"]["enum"].get<std::vector<std::string>>();
  for (auto k : {NemesisProfile::Kind::swarm, NemesisProfile::Kind::isolations, NemesisProfile::Kind::partition_restarts,
                 NemesisProfile::Kind::crash_restarts, NemesisProfile::Kind::mix}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), nemesis_kind_name(k)), kinds.end()) << nemesis_kind_name(k);
  }
  EXPECT_EQ(kinds.size(), 5u);
  const JsonSchema validator(s);
  const auto with_fuzz = [](json fuzz) {
    json doc = {{"cluster", {{"protocol", "raft"}, {"nodes", 5}}}};
    doc["fuzz"] = std::move(fuzz);
    return doc;
  };
  const json crashes = {{"kind", "crash-restarts"}, {"restarts", {2, 4}}, {"restart_ms", 5}, {"lose_unsynced", 1}};
  const json good = with_fuzz(default_fuzz_json("raft"));
  std::string why;
  EXPECT_TRUE(validator.accepts(good, &why)) << why;
  EXPECT_TRUE(std::holds_alternative<Scenario>(parse_scenario(good.dump(), "t.json")));
  const std::vector<json> bad = {
      with_fuzz({{"profiles", {{{"kind", "mix"}, {"of", {crashes, {{"kind", "swarm"}, {"weight", 2}}}}}}}}),
      with_fuzz({{"profiles", {{{"kind", "mix"}, {"of", {{{"kind", "mix"}, {"of", {crashes}}}}}}}}}),
      with_fuzz({{"profiles", {{{"kind", "mix"}, {"of", json::array()}}}}}),
      with_fuzz({{"profiles", {{{"kind", "crash-restarts"}, {"lose_unsynced", 1.5}}}}}),
  };
  for (const json& doc : bad) {
    EXPECT_FALSE(validator.accepts(doc)) << doc["fuzz"].dump();
    EXPECT_TRUE(std::holds_alternative<Diagnostics>(parse_scenario(doc.dump(), "t.json"))) << doc["fuzz"].dump();
  }
}

TEST(Schema, SectionKeysAreTheOnesTheParserReads) {
  const json s = schema();
  EXPECT_EQ(keys(s["properties"]), (std::vector<std::string>{"checks", "clocks", "cluster", "description", "expect",
                                                             "faults", "fuzz", "name", "network", "run", "sweep", "workload"}));
  // Every key the schema lists in a section is accepted by the parser there (no "unknown key").
  const std::vector<std::pair<std::string, json>> samples = {
      {"cluster", {{"protocol", "primary-backup"}, {"nodes", 3}, {"params", json::object()}, {"bugs", json::array()}}},
      {"network", {{"latency", "same-dc"}, {"client_latency", "same-dc"}, {"loss", 0}, {"duplicate", 0}, {"reorder", 0}, {"links", json::array()}, {"latency_by_type", json::object()}}},
      {"run", {{"seed", 1}, {"duration_ms", 10}, {"events_max", 10}, {"memory_mb_max", 10}, {"messages_per_node_s_max", 0}, {"timers_per_node_s_max", 0}}},
      {"expect", {{"safety", "violated"}, {"violation", "x"}, {"liveness", "any"}}},
      {"checks", {{"invariants", true}, {"linearizability", "register"}, {"liveness", true}, {"lost_writes", true},
                  {"staleness", true}, {"broadcast", true}, {"t_visibility", {{"t_ms", {0, 1}}}}}},
  };
  for (const auto& [section, sample] : samples) {
    EXPECT_EQ(keys(s["properties"][section]["properties"]), keys(sample)) << section;
    json doc = minimal_doc();
    if (section == "cluster") {
      doc["cluster"] = sample;
    } else if (section == "checks") {
      doc["checks"] = sample;
      doc["workload"] = {{"kind", "register"}};  // a history for the model to judge
    } else {
      doc[section] = sample;
    }
    EXPECT_TRUE(problems(doc).empty()) << section << ": " << format_problems(problems(doc));
  }
}

}  // namespace
}  // namespace dsim::testing
