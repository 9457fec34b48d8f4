// The shipped Dynamo and ABD scenarios: each one's claim holds, and the ones that are
// comparisons (consistency levels, R/W splits, sloppy vs strict quorum, Merkle cost) compare as
// they claim.
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

const std::string kRoot = std::string(DSIM_SOURCE_DIR) + "/scenarios/";

Scenario load(const std::string& name) {
  auto loaded = load_scenario(kRoot + name);
  if (auto* diag = std::get_if<Diagnostics>(&loaded)) {
    ADD_FAILURE() << diag->format(name);
    return Scenario{};
  }
  return std::get<Scenario>(std::move(loaded));
}

// Client operations of kind `fs` that succeeded and were invoked in [from_ms, to_ms).
int ok_ops(const RunResult& r, const std::set<std::string>& fs, double from_ms, double to_ms) {
  int n = 0;
  for (const auto& op : r.history.ops) {
    const double at_ms = static_cast<double>(op.invoke_ns) / kNsPerMs;
    n += op.type == check::OpType::ok && fs.count(op.f) && at_ms >= from_ms && at_ms < to_ms;
  }
  return n;
}
const std::set<std::string> kReads = {"get", "read"}, kWrites = {"put", "write"};

TEST(QuorumScenarios, EveryClaimHolds) {
  std::size_t count = 0;
  for (const char* dir : {"dynamo", "abd"}) {
    for (const auto& entry : std::filesystem::directory_iterator(kRoot + dir)) {
      if (entry.path().extension() != ".json") continue;
      ++count;
      const std::string name = std::string(dir) + "/" + entry.path().filename().string();
      const RunResult result = run_scenario(load(name));
      EXPECT_TRUE(result.expectation_held) << name << ": " << result.expectation_detail;
    }
  }
  EXPECT_GE(count, 20u);
}

TEST(QuorumScenarios, AllFailsWithOneNodeDownWhileQuorumSucceeds) {
  const RunResult all = run_scenario(load("dynamo/one-down-consistency-all.json"));
  const RunResult quorum = run_scenario(load("dynamo/one-down-consistency-quorum.json"));
  // n2 is down from 500 ms; give in-flight operations 100 ms.
  std::cout << "ok after the crash: ALL " << ok_ops(all, kReads, 600, 1e9) << " reads, " << ok_ops(all, kWrites, 600, 1e9)
            << " writes; QUORUM " << ok_ops(quorum, kReads, 600, 1e9) << " reads, " << ok_ops(quorum, kWrites, 600, 1e9)
            << " writes\n";
  EXPECT_EQ(ok_ops(all, kReads, 600, 1e9) + ok_ops(all, kWrites, 600, 1e9), 0);
  EXPECT_GT(ok_ops(quorum, kReads, 600, 1e9), 20);
  EXPECT_GT(ok_ops(quorum, kWrites, 600, 1e9), 20);
}

TEST(QuorumScenarios, ReadOneWriteAllVersusReadAllWriteOne) {
  const RunResult r1w3 = run_scenario(load("dynamo/one-down-r1-w3.json"));
  const RunResult r3w1 = run_scenario(load("dynamo/one-down-r3-w1.json"));
  std::cout << "ok after the crash: R=1,W=3 " << ok_ops(r1w3, kReads, 600, 1e9) << " reads, "
            << ok_ops(r1w3, kWrites, 600, 1e9) << " writes; R=3,W=1 " << ok_ops(r3w1, kReads, 600, 1e9) << " reads, "
            << ok_ops(r3w1, kWrites, 600, 1e9) << " writes\n";
  EXPECT_EQ(ok_ops(r1w3, kWrites, 600, 1e9), 0);
  EXPECT_GT(ok_ops(r1w3, kReads, 600, 1e9), 5);
  EXPECT_EQ(ok_ops(r3w1, kReads, 600, 1e9), 0);
  EXPECT_GT(ok_ops(r3w1, kWrites, 600, 1e9), 5);
}

TEST(QuorumScenarios, SloppyQuorumStaysAvailableAndHandsOff) {
  const RunResult sloppy = run_scenario(load("dynamo/sloppy-quorum-partition.json"));
  const RunResult strict = run_scenario(load("dynamo/strict-quorum-partition.json"));
  // Writes invoked while the partition lasts (500-1500 ms), after the first replica timeout and
  // before the last op_timeout (150 ms) that could end after the heal.
  const int sloppy_writes = ok_ops(sloppy, kWrites, 560, 1340), strict_writes = ok_ops(strict, kWrites, 560, 1340);
  const auto& m = sloppy.metrics.at("dynamo");
  std::cout << "writes ok during the partition: sloppy " << sloppy_writes << ", strict " << strict_writes
            << "; hinted writes " << m.at("hinted_writes") << ", handoffs " << m.at("handoffs") << "\n";
  EXPECT_EQ(strict_writes, 0);
  EXPECT_GT(sloppy_writes, 50);
  EXPECT_GT(m.at("handoffs").get<int>(), 0);
  EXPECT_EQ(m.at("hints_outstanding").get<int>(), 0);
}

TEST(QuorumScenarios, MerkleSendsOnlyTheKeysThatDiffer) {
  const RunResult r = run_scenario(load("dynamo/merkle-repairs-only-differences.json"));
  // Keys written while n2 was cut off (500-600 ms), and keys written at all.
  std::set<std::string> differing, written;
  for (const auto& op : r.history.ops) {
    if (op.f != "put") continue;
    written.insert(*op.key);
    if (op.invoke_ns >= 500 * kNsPerMs - 10 * kNsPerMs) differing.insert(*op.key);
  }
  const auto& ae = r.metrics.at("dynamo").at("anti_entropy");
  std::cout << "keys: " << written.size() << " written, " << differing.size() << " written while n2 was away; "
            << "anti-entropy sent " << ae.at("keys_sent") << " records in " << ae.at("messages") << " messages, "
            << ae.at("bytes") << " bytes\n";
  ASSERT_GT(differing.size(), 0u);
  ASSERT_LT(differing.size(), written.size());
  // Each differing key crosses once each way; nothing else is sent.
  EXPECT_GE(ae.at("keys_sent").get<std::size_t>(), differing.size());
  EXPECT_LE(ae.at("keys_sent").get<std::size_t>(), 2 * differing.size());
}

TEST(QuorumScenarios, VectorClocksKeepSiblingsThatLwwWouldDrop) {
  const RunResult r = run_scenario(load("dynamo/vclock-siblings.json"));
  const auto& m = r.metrics.at("dynamo");
  std::cout << "reads with siblings " << m.at("reads_with_siblings") << ", max siblings " << m.at("max_siblings") << "\n";
  EXPECT_GT(m.at("reads_with_siblings").get<int>(), 10);
  EXPECT_GE(m.at("max_siblings").get<int>(), 2);
}

TEST(QuorumScenarios, ReadRepairLowersStaleness) {
  const RunResult off = run_scenario(load("dynamo/stale-reads-no-repair.json"));
  const RunResult on = run_scenario(load("dynamo/stale-reads-read-repair.json"));
  const auto stale = [](const RunResult& r) { return r.history_checks.at("staleness").at("stale").get<int>(); };
  std::cout << "stale reads: no repair " << stale(off) << ", async read repair " << stale(on) << "\n";
  EXPECT_GT(stale(off), 0);
  EXPECT_LT(stale(on), stale(off));
}

TEST(QuorumScenarios, LwwLosesAddsVectorClocksKeepThem) {
  const RunResult lww = run_scenario(load("dynamo/set-lww-skewed-clock-loses-adds.json"));
  const RunResult vc = run_scenario(load("dynamo/set-vclock-skewed-clock-keeps-adds.json"));
  ASSERT_FALSE(lww.findings.empty());
  EXPECT_EQ(lww.findings.front().id(), "lost-writes:lost");
  EXPECT_TRUE(vc.findings.empty());
}

TEST(QuorumScenarios, BugPairsDifferOnlyInTheBug) {
  const std::pair<const char*, const char*> pairs[] = {
      {"dynamo/hints-survive-restart.json", "dynamo/bug-hints-in-memory.json"},
      {"dynamo/merkle-repairs-only-differences.json", "dynamo/bug-merkle-skip-subtree.json"},
      {"dynamo/vclock-siblings.json", "dynamo/bug-merge-drops-sibling.json"},
      {"abd/lossy-writer-write-back.json", "abd/bug-read-without-write-back.json"},
  };
  for (const auto& [good, bad] : pairs) {
    const Scenario a = load(good), b = load(bad);
    EXPECT_EQ(a.cluster.params, b.cluster.params) << bad;
    EXPECT_EQ(a.faults, b.faults) << bad;
    EXPECT_TRUE(a.cluster.bugs.empty()) << good;
    EXPECT_EQ(b.cluster.bugs.size(), 1u) << bad;
  }
}

}  // namespace
}  // namespace dsim
