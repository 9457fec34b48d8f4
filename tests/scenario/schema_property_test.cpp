// Every scenario file scenarios/schema.json accepts, the parser accepts: generated documents mix
// valid values with the boundary mistakes a schema is likely to miss (one partition group,
// `keys: 0`, an unknown model, a protocol's workload or cluster size it does not serve). The
// generator keeps the rules a JSON Schema cannot state: names a fault refers to exist, times
// lie within the run, read + write <= 1, the model fits the workload, an expectation has a check.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "sim/core/file.h"
#include "sim/node/protocol.h"
#include "tests/scenario/json_schema.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

const JsonSchema& schema() {
  static const JsonSchema s(json::parse(read_file(DSIM_SOURCE_DIR "/scenarios/schema.json", 16u << 20).value_or("{}")));
  return s;
}

template <class T>
T pick(std::vector<T> choices) {
  return *rc::gen::elementOf(choices);
}

json gen_faults(int nodes) {
  json faults = json::array();
  for (int i = *rc::gen::inRange(0, 3); i > 0; --i) {
    // Between one and three groups, each a node or two; the rest of the cluster left out.
    json groups = json::array();
    const int count = *rc::gen::inRange(1, 4);
    for (int g = 0; g < count && g < nodes; ++g) groups.push_back(json::array({fmt::format("n{}", g)}));
    if (*rc::gen::arbitrary<bool>() || nodes < 3) {
      faults.push_back({{"at_ms", 0}, {"action", "partition"}, {"groups", groups}});
    } else {
      faults.push_back({{"at_ms", 0}, {"action", "bridge"}, {"groups", groups}, {"bridge", fmt::format("n{}", nodes - 1)}});
    }
  }
  return faults;
}

json gen_workload(const std::string& kind) {
  json w = {{"kind", kind}};
  if (kind == "none") return w;
  w["clients"] = pick<int>({0, 1, 3, 1000, 1001});
  if (kind == "register" || kind == "kv") {
    w["keys"] = pick<int>({-1, 0, 1, 2, 1000, 1001});
    const double read = pick<double>({0, 0.5, 1});
    w["read"] = read;
    w["write"] = pick<double>({0, 1 - read, -0.1});
  }
  if (kind == "register") w["values"] = pick<int>({0, 1, 5, 1000000, 1000001});
  if (kind == "set") {
    w["keys"] = pick<int>({0, 1, 1000, 1001});
    w["final_reads"] = pick<std::string>({"every-node", "one", "all"});
  }
  if (kind == "set" || kind == "broadcast") {
    w["read"] = pick<double>({0, 0.5, 1, 1.5});
    w["final_after_ms"] = pick<double>({-1, 0, 500, 3600000, 3600001});
  }
  if (kind == "visibility") {
    w["probes"] = pick<int>({0, 1, 1000000, 1000001});
    w["t_ms"] = pick<json>({json::array(), json::array({0, 0.5, 5}), json::array({-1}), json::array({0, 3600001})});
  }
  if (kind == "bank") {
    w["accounts"] = pick<int>({1, 2, 8, 10000, 10001});
    w["participants"] = pick<int>({0, 1, 3});
    w["audit_fraction"] = pick<double>({0, 0.1, 1, 1.5});
  }
  return w;
}

json gen_doc() {
  std::vector<std::string> protocols = {"no-such-protocol"};
  for (const auto& p : ProtocolRegistry::instance().all()) protocols.push_back(p.name);
  const std::string protocol = pick(protocols);
  const int nodes = *rc::gen::inRange(0, 66);
  json doc = {{"cluster", {{"protocol", protocol}, {"nodes", nodes}}}};
  if (nodes >= 1 && nodes <= 64) doc["faults"] = gen_faults(nodes);
  const std::string kind = pick<std::string>(
      {"none", "register", "kv", "bank", "set", "visibility", "broadcast", "no-such-workload"});
  doc["workload"] = gen_workload(kind);
  if (protocol == "twopc" || protocol == "threepc") doc["workload"]["target"] = "n0";
  json checks = {{"invariants", *rc::gen::arbitrary<bool>()}};
  // A model that fits the workload (a rule the schema does not state), or one that does not exist.
  const ProtocolInfo* info = ProtocolRegistry::instance().find(protocol);
  const ServedWorkload* served = info ? info->serves(kind) : nullptr;
  const bool has_clients = doc["workload"].value("clients", 3) > 0;
  if (*rc::gen::arbitrary<bool>()) {
    if (served && !served->models.empty() && has_clients) {
      checks["linearizability"] = pick(served->models);
    } else if (*rc::gen::arbitrary<bool>()) {
      checks["linearizability"] = "no-such-model";
    }
  }
  const bool liveness = *rc::gen::arbitrary<bool>();
  checks["liveness"] = liveness;
  doc["checks"] = checks;
  const bool safety_checked = checks["invariants"] == true || checks.contains("linearizability");
  doc["expect"] = {{"safety", safety_checked ? "holds" : "any"}, {"liveness", liveness ? "holds" : "any"}};
  doc["run"] = {{"duration_ms", pick<int>({0, 1, 200})}, {"memory_mb_max", pick<int>({0, 1, 2048, 1 << 20, (1 << 20) + 1})}};
  return doc;
}

RC_GTEST_PROP(SchemaAgreement, EveryFileTheSchemaAcceptsTheParserAccepts, ()) {
  const json doc = gen_doc();
  std::string why;
  const bool schema_ok = schema().accepts(doc, &why);
  const auto found = problems(doc);
  RC_TAG(schema_ok ? "schema accepts" : "schema rejects");
  if (schema_ok && !found.empty()) {
    RC_FAIL("the schema accepts what the parser rejects:\n" + format_problems(found) + doc.dump(2));
  }
}

// The known cases, each written out: the schema must reject them as the parser does.
TEST(SchemaAgreement, KnownLooseCasesAreRejectedByBoth) {
  const std::vector<std::pair<std::string, json>> cases = {
      {"partition with one group",
       {{"cluster", {{"protocol", "raft"}, {"nodes", 3}}},
        {"faults", {{{"at_ms", 1}, {"action", "partition"}, {"groups", json::array({json::array({"n0"})})}}}}}},
      {"keys 0", {{"cluster", {{"protocol", "raft"}, {"nodes", 3}}}, {"workload", {{"kind", "kv"}, {"keys", 0}}}}},
      {"unknown model",
       {{"cluster", {{"protocol", "raft"}, {"nodes", 3}}},
        {"workload", {{"kind", "kv"}}},
        {"checks", {{"linearizability", "no-such-model"}}}}},
      {"twopc with one node", {{"cluster", {{"protocol", "twopc"}, {"nodes", 1}}}}},
      {"twopc with register", {{"cluster", {{"protocol", "twopc"}, {"nodes", 3}}}, {"workload", {{"kind", "register"}}}}},
      {"primary-backup with bank",
       {{"cluster", {{"protocol", "primary-backup"}, {"nodes", 3}}}, {"workload", {{"kind", "bank"}}}}},
      {"membership with one node", {{"cluster", {{"protocol", "membership"}, {"nodes", 1}}}}},
      {"broadcast with kv", {{"cluster", {{"protocol", "broadcast"}, {"nodes", 3}}}, {"workload", {{"kind", "kv"}}}}},
      {"dynamo smaller than its n", {{"cluster", {{"protocol", "dynamo"}, {"nodes", 2}}}}},
      {"set with keys 0",
       {{"cluster", {{"protocol", "dynamo"}, {"nodes", 3}}}, {"workload", {{"kind", "set"}, {"keys", 0}}}}},
  };
  for (const auto& [name, doc] : cases) {
    EXPECT_FALSE(schema().accepts(doc)) << name;
    EXPECT_FALSE(problems(doc).empty()) << name;
  }
}

// The schema's list of protocols is the registry's, and what each serves is what it declares.
TEST(SchemaAgreement, ProtocolsAndWhatTheyServeMatchTheRegistry) {
  const json s = json::parse(read_file(DSIM_SOURCE_DIR "/scenarios/schema.json", 16u << 20).value_or("{}"));
  std::vector<std::string> names;
  for (const auto& p : ProtocolRegistry::instance().all()) {
    names.push_back(p.name);
    std::vector<std::string> kinds = {"none"};
    for (const auto& w : p.workloads) {
      if (w.workload != "none") kinds.push_back(w.workload);
    }
    std::sort(kinds.begin() + 1, kinds.end());
    bool found = false;
    for (const auto& rule : s["allOf"]) {
      if (!rule.contains("if") || rule["if"]["properties"]["cluster"]["properties"]["protocol"]["const"] != p.name) continue;
      found = true;
      EXPECT_EQ(rule["then"]["properties"]["workload"]["properties"]["kind"]["enum"].get<std::vector<std::string>>(), kinds)
          << p.name;
    }
    EXPECT_TRUE(found) << p.name << " has no rule in the schema's allOf";
  }
  EXPECT_EQ(s["properties"]["cluster"]["properties"]["protocol"]["enum"].get<std::vector<std::string>>(), names);
}

}  // namespace
}  // namespace dsim::testing
