// Scenario validation refuses claims nothing would check: a workload the protocol does not
// serve, a model that does not fit it, a cluster below the protocol's minimum, an expectation
// without an enabled check that can judge it. Each with the JSON path, expected and found.
#include <gtest/gtest.h>

#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

json doc(const std::string& protocol, json nodes, json workload, json checks = json::object(),
         json expect = json::object()) {
  json d = {{"cluster", {{"protocol", protocol}, {"nodes", nodes}}}, {"workload", workload}};
  if (!checks.empty()) d["checks"] = checks;
  if (!expect.empty()) d["expect"] = expect;
  return d;
}

struct Case {
  std::string name;
  json doc;
  std::string path;     // empty: valid
  std::string message;  // a part of the message at `path`
};

TEST(Vacuous, ValidationRefusesUncheckedClaims) {
  const json kv = {{"kind", "kv"}};
  const json reg = {{"kind", "register"}};
  const json bank = {{"kind", "bank"}, {"target", "n0"}};
  const std::vector<Case> cases = {
      {"primary-backup with bank", doc("primary-backup", 3, bank), "/workload/kind",
       "expected a workload \"primary-backup\" serves (\"register\", \"set\", \"visibility\"), found the string \"bank\""},
      {"twopc with register", doc("twopc", 4, reg), "/workload/kind", "serves (\"bank\"), found the string \"register\""},
      {"raft with bank", doc("raft", 3, bank), "/workload/kind", "found the string \"bank\""},
      {"pingpong with register", doc("pingpong", 3, reg), "/workload/kind", "found the string \"register\""},
      {"twopc with one node", doc("twopc", 1, json{{"kind", "none"}}), "/cluster/nodes",
       "expected at least 2 nodes for \"twopc\", found 1"},
      {"threepc with one named node", doc("threepc", json::array({"a"}), json{{"kind", "none"}}), "/cluster/nodes",
       "at least 2 nodes for \"threepc\""},
      {"kv model on register", doc("raft", 3, reg, {{"linearizability", "kv"}}), "/checks/linearizability",
       "a model that fits the \"register\" workload of \"raft\" (\"cas-register\", \"register\"), found the string \"kv\""},
      {"register model on kv", doc("raft", 3, kv, {{"linearizability", {{"model", "register"}}}}),
       "/checks/linearizability/model", "fits the \"kv\" workload of \"raft\" (\"kv\")"},
      {"a model on bank", doc("twopc", 4, bank, {{"linearizability", "kv"}}), "/checks/linearizability",
       "no model fits the \"bank\" workload of \"twopc\""},
      {"a model without clients", doc("raft", 3, json{{"kind", "kv"}, {"clients", 0}}, {{"linearizability", "kv"}}),
       "/checks/linearizability", "with 0 clients"},
      {"a model without a workload", doc("raft", 3, json{{"kind", "none"}}, {{"linearizability", "kv"}}),
       "/checks/linearizability", "found workload \"none\""},
      {"liveness expected, not checked", doc("raft", 3, kv, json::object(), {{"liveness", "holds"}}),
       "/expect/liveness", "unless checks.liveness is on"},
      {"liveness violated, not checked", doc("primary-backup", 3, reg, json::object(), {{"liveness", "violated"}}),
       "/expect/liveness", "found the string \"violated\""},
      {"safety with nothing checking it", doc("raft", 3, kv, {{"invariants", false}}), "/expect/safety",
       "no enabled check judges safety"},
      {"linearizability violation, not checked",
       doc("raft", 3, kv, json::object(), {{"safety", "violated"}, {"violation", "linearizability"}}),
       "/expect/violation", "with checks.linearizability off"},
      {"invariant violation, not checked",
       doc("raft", 3, kv, {{"invariants", false}, {"linearizability", "kv"}},
           {{"safety", "violated"}, {"violation", {"linearizability", "invariant:log-matching"}}}),
       "/expect/violation/1", "with checks.invariants off"},
      // What is checked passes.
      {"twopc liveness from its observer", doc("twopc", 4, bank, json::object(), {{"liveness", "holds"}}), "", ""},
      {"raft kv", doc("raft", 3, kv, {{"linearizability", "kv"}, {"liveness", true}}, {{"liveness", "holds"}}), "", ""},
      {"register model on register", doc("primary-backup", 3, reg, {{"linearizability", "register"}}), "", ""},
      {"safety any with nothing checked", doc("raft", 3, kv, {{"invariants", false}}, {{"safety", "any"}}), "", ""},
      // A history check that finds safety violations judges safety on its own.
      {"safety judged by lost_writes alone",
       doc("primary-backup", 3, json{{"kind", "set"}, {"clients", 2}}, {{"invariants", false}, {"lost_writes", true}}), "", ""},
      {"raft with one node", doc("raft", 1, kv), "", ""},
  };
  for (const Case& c : cases) {
    const auto found = problems(c.doc);
    if (c.path.empty()) {
      EXPECT_TRUE(found.empty()) << c.name << ":\n" << format_problems(found);
      continue;
    }
    bool matched = false;
    for (const auto& d : found) matched |= d.path == c.path && d.message.find(c.message) != std::string::npos;
    EXPECT_TRUE(matched) << c.name << ": expected at " << c.path << " \"" << c.message << "\", got:\n"
                         << format_problems(found);
  }
}

}  // namespace
}  // namespace dsim::testing
