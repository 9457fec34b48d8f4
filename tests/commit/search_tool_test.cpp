// A manual sweep, skipped unless PROBE is set: prints each seed's first safety finding, to measure
// the bug-search bounds asserted in commit_test.cpp. PROBE names the run: "2pc" / "3pc", plus any
// of "part" (partitions allowed), "dense" (the bug-search workload), "cbl" (commit-before-log),
// "sps" (skip-prepare-sync), "pta" (precommit-timeout-aborts). N = seeds (30).
//   PROBE=3pc-pta-dense N=80 dsim_tests_commit --gtest_filter=CommitProbe.*
#include <chrono>
#include <iostream>
#include "tests/commit/commit_support.h"

using namespace dsim;
using namespace dsim::commit_test;

TEST(CommitProbe, Sweep) {
  const char* env = std::getenv("PROBE");
  if (!env) GTEST_SKIP();
  CommitFuzzCase spec;
  std::string what = env;
  if (what.find("3pc") != std::string::npos) spec.protocol = "threepc";
  if (what.find("part") != std::string::npos) spec.partitions = true;
  if (what.find("cbl") != std::string::npos) spec.bugs = {"commit-before-log"};
  if (what.find("sps") != std::string::npos) spec.bugs = {"skip-prepare-sync"};
  if (what.find("pta") != std::string::npos) spec.bugs = {"precommit-timeout-aborts"};
  if (what.find("dense") != std::string::npos) spec = dense(spec);
  int n = std::getenv("N") ? std::atoi(std::getenv("N")) : 30;
  const int first = std::getenv("SEED") ? std::atoi(std::getenv("SEED")) : 1;
  if (std::getenv("SEED")) {
    n = first;
    if (std::getenv("DUMP")) std::cout << to_json(fuzz_scenario(spec, first)).dump() << std::endl;
  }
  for (int seed = first; seed <= n; ++seed) {
    auto t0 = std::chrono::steady_clock::now();
    RunResult r = run_scenario(fuzz_scenario(spec, seed));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    auto f = first_safety(r);
    std::cout << "seed " << seed << " " << ms << "ms events " << r.stats.events << " "
              << (f ? f->id() + " " + f->detail : std::string("ok")) << " "
              << r.metrics["commit_transactions"].dump() << std::endl;
  }
}
