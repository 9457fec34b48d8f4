// The set and visibility workloads on existing protocols, the new checks' scenario fields, and
// their bad inputs.
#include <gtest/gtest.h>

#include <map>

#include "sim/world/run.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

using json = nlohmann::json;

json visibility_doc(const std::string& protocol, json bugs = json::array()) {
  return {{"cluster", {{"protocol", protocol}, {"nodes", 3}, {"bugs", std::move(bugs)}}},
          {"workload", {{"kind", "visibility"}, {"clients", 3}, {"think_ms", 1}, {"t_ms", {0, 0.5, 2}}, {"probes", 20}}},
          {"checks", {{"staleness", {{"k_max", 0}}}, {"t_visibility", true}}},
          {"run", {{"duration_ms", 3000}}}};
}

TEST(VisibilityWorkload, ReadsExactlyTAfterTheAcknowledgementThroughAnotherNode) {
  const Scenario s = parse_ok(visibility_doc("primary-backup"));
  RunOptions options;
  options.trace = true;
  const RunResult r = run_scenario(s, options);
  std::map<std::string, const check::Operation*> writes;
  std::size_t reads = 0;
  for (const auto& op : r.history.ops) {
    ASSERT_TRUE(op.key.has_value());
    if (op.f == "write") writes[*op.key] = &op;
    if (op.f != "read") continue;
    ++reads;
    const check::Operation* w = writes.at(*op.key);
    ASSERT_EQ(w->type, check::OpType::ok);
    const TimeNs t = op.invoke_ns - w->complete_ns;
    EXPECT_TRUE(t == 0 || t == 500'000 || t == 2'000'000) << t;
  }
  EXPECT_EQ(writes.size(), 60u);  // 20 probes for each of 3 delays
  EXPECT_EQ(reads, 60u);
  // Primary-backup is linearizable: nothing stale, everything visible.
  EXPECT_TRUE(r.findings.empty()) << r.findings[0].detail;
  EXPECT_EQ(r.history_checks["staleness"]["k_max"], 0);
  for (const auto& b : r.history_checks["t_visibility"]["buckets"]) {
    EXPECT_EQ(b["reads"], 20);
    EXPECT_EQ(b["visible"], 20);
  }
  // The first attempt of each read went to a node other than its write's first attempt.
  std::map<std::uint64_t, std::int64_t> first_to;
  for (const auto& e : r.trace.events) {
    if (e.kind != TraceKind::send || !e.data.contains("op") || !e.data.contains("payload") || !e.data.contains("to")) continue;
    // Node-to-node messages carry payloads of their own: only a client request has an attempt.
    const nlohmann::json& payload = e.data["payload"];
    const auto attempt = payload.find("attempt");
    if (attempt != payload.end() && *attempt == 0) {
      first_to.emplace(e.data["op"].get<std::uint64_t>(), e.data["to"].get<std::int64_t>());
    }
  }
  for (std::size_t i = 0; i < r.history.ops.size(); ++i) {
    const auto& op = r.history.ops[i];
    if (op.f != "read") continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (r.history.ops[j].key == op.key && r.history.ops[j].f == "write") {
        EXPECT_NE(first_to.at(i), first_to.at(j));
      }
    }
  }
}

TEST(VisibilityWorkload, RaftIsNeverStale) {
  json doc = visibility_doc("raft");
  doc["cluster"]["nodes"] = 5;
  doc["workload"]["probes"] = 10;
  doc["workload"]["start_ms"] = 500;  // after the first election
  const RunResult r = run_scenario(parse_ok(doc));
  EXPECT_TRUE(r.findings.empty()) << r.findings[0].id() << ": " << r.findings[0].detail;
  for (const auto& b : r.history_checks["t_visibility"]["buckets"]) EXPECT_EQ(b["probability"], 1.0);
}

json set_doc(const std::string& protocol) {
  return {{"cluster", {{"protocol", protocol}, {"nodes", 3}}},
          {"workload", {{"kind", "set"}, {"clients", 3}, {"think_ms", 5}, {"stop_ms", 1000}, {"keys", 2},
                        {"final_after_ms", 200}}},
          {"faults", {{{"at_ms", 300}, {"action", "crash"}, {"node", "n1"}, {"duration_ms", 300}}}},
          {"checks", {{"lost_writes", true}}},
          {"run", {{"duration_ms", 2500}}}};
}

TEST(SetWorkload, FinalReadsFromEveryNodeAfterCalmFindNothingLost) {
  for (const std::string protocol : {"raft", "primary-backup"}) {
    const Scenario s = parse_ok(set_doc(protocol));
    const RunResult r = run_scenario(s);
    EXPECT_TRUE(r.findings.empty()) << protocol << ": " << r.findings[0].id() << " " << r.findings[0].detail;
    const json& lw = r.history_checks["lost_writes"];
    EXPECT_GT(lw["acknowledged"].get<int>(), 50) << protocol;
    EXPECT_EQ(lw["lost"], 0) << protocol;
    EXPECT_EQ(lw["keys"], 2) << protocol;
    // One final read per key and node, all after stop and calm plus final_after_ms.
    std::size_t finals = 0;
    for (const auto& op : r.history.ops) {
      if (op.f == "read") {
        ++finals;
        EXPECT_GE(op.invoke_ns, 1200 * kNsPerMs);
      }
    }
    EXPECT_EQ(finals, 6u) << protocol;
  }
}

TEST(SetWorkload, NoFinalPhaseIsInconclusive) {
  json doc = set_doc("raft");
  doc["workload"].erase("stop_ms");  // clients run to the end: no time for final reads
  const RunResult r = run_scenario(parse_ok(doc));
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings[0].id(), "inconclusive:lost-writes");
  EXPECT_FALSE(r.expectation_held);
}

TEST(WeakChecks, RoundTripThroughCanonicalJson) {
  json doc = visibility_doc("primary-backup");
  doc["checks"]["lost_writes"] = {{"mode", "any"}};
  doc["checks"]["t_visibility"] = {{"t_ms", {0, 0.25, 1}}, {"tolerance_pp", 1.5}, {"min_probability", 0.5},
                                   {"model", {{"n", 3}, {"r", 1}, {"w", 1}, {"trials", 1000},
                                              {"w_latency", {{"dist", "exponential"}, {"mean_ms", 0.25}, {"floor_ms", 0}}}}}};
  const Scenario s = parse_ok(doc);
  ASSERT_TRUE(s.checks.t_visibility && s.checks.t_visibility->model);
  EXPECT_EQ(s.checks.t_visibility->t_ns, (std::vector<TimeNs>{0, 250'000, 1'000'000}));
  EXPECT_EQ(s.checks.t_visibility->model->w_latency.mean_ns, 250'000);
  EXPECT_EQ(s.checks.t_visibility->model->a_latency, s.network.latency);  // the default
  EXPECT_TRUE(s.checks.lost_writes->any);
  EXPECT_EQ(parse_ok(to_json(s)), s);
  // A visibility workload's t_ms is the default bucket list.
  EXPECT_EQ(parse_ok(visibility_doc("raft")).checks.t_visibility->t_ns, (std::vector<TimeNs>{0, 500'000, 2'000'000}));
}

void expect_problem(const json& doc, const std::string& path, const std::string& words) {
  const auto list = problems(doc);
  bool found = false;
  for (const auto& d : list) found |= d.path == path && d.message.find(words) != std::string::npos;
  EXPECT_TRUE(found) << "no problem at " << path << " with \"" << words << "\" in:\n" << format_problems(list);
}

TEST(WeakChecks, BadInputsNameThePath) {
  json doc = visibility_doc("raft");
  doc["checks"]["staleness"] = "yes";
  expect_problem(doc, "/checks/staleness", "expected true, false or an object");
  doc = visibility_doc("raft");
  doc["checks"]["staleness"] = {{"k_max", -1}};
  expect_problem(doc, "/checks/staleness/k_max", "expected");
  doc = visibility_doc("raft");
  doc["checks"]["lost_writes"] = {{"mode", "some"}};
  expect_problem(doc, "/checks/lost_writes/mode", "\"all\"");
  doc = visibility_doc("raft");
  doc["checks"]["t_visibility"] = {{"t_ms", {1, 0.5}}};
  expect_problem(doc, "/checks/t_visibility/t_ms/1", "increasing");
  doc["checks"]["t_visibility"] = {{"t_ms", json::array()}};
  expect_problem(doc, "/checks/t_visibility/t_ms", "an array of 1 to 64");
  doc["checks"]["t_visibility"] = {{"t_ms", {0}}, {"tolerance_pp", 1}};
  expect_problem(doc, "/checks/t_visibility/tolerance_pp", "expected a \"model\"");
  doc["checks"]["t_visibility"] = {{"model", {{"n", 3}, {"r", 4}}}};
  expect_problem(doc, "/checks/t_visibility/model/r", "expected r <= n (3), found 4");
  doc["checks"]["t_visibility"] = {{"model", {{"w_latency", {{"dist", "zipf"}}}}}};
  expect_problem(doc, "/checks/t_visibility/model/w_latency/dist", "expected");
  doc["checks"]["t_visibility"] = {{"bucket", 1}};
  expect_problem(doc, "/checks/t_visibility/bucket", "unknown");
  // Without a visibility workload there is no default t_ms.
  json set = set_doc("raft");
  set["checks"]["t_visibility"] = true;
  expect_problem(set, "/checks/t_visibility/t_ms", "expected t_ms");
}

TEST(Workloads, BadInputsNameThePath) {
  json doc = visibility_doc("raft");
  doc["workload"]["t_ms"] = {0, -1};
  expect_problem(doc, "/workload/t_ms/1", "increasing delays");
  doc["workload"]["t_ms"] = "0, 1";
  expect_problem(doc, "/workload/t_ms", "an array");
  doc["workload"]["t_ms"] = {0};
  doc["workload"]["probes"] = 0;
  expect_problem(doc, "/workload/probes", "expected");
  json set = set_doc("raft");
  set["workload"]["final_reads"] = "all";
  expect_problem(set, "/workload/final_reads", "\"every-node\"");
  set["workload"]["final_reads"] = "one";
  set["workload"]["final_after_ms"] = -5;
  expect_problem(set, "/workload/final_after_ms", "expected");
}

}  // namespace
}  // namespace dsim::testing
