// `dsim sweep`, `sweep-report`, `sweep-page` and `dsim run` on an experiment, through the binary:
// outputs byte-identical for -j 1, -j 2 and merged shards; bad --set texts exit 2 naming the
// pointer; an experiment's expectations decide the exit code.
#include <filesystem>

#include "tests/fuzz/support.h"

namespace dsim::sweep_test {
namespace {

namespace fs = std::filesystem;
using fuzz_test::Command;
using fuzz_test::dsim;
using fuzz_test::sh;
using fuzz_test::slurp;
using fuzz_test::spit;

// Small: a sweep of 2 x 2 points x 3 seeds runs in well under a second.
constexpr const char* kScenario = R"({
  "name": "small raft",
  "cluster": {"protocol": "raft", "nodes": 3},
  "workload": {"kind": "register", "clients": 2, "think_ms": 10},
  "checks": {"linearizability": "cas-register"},
  "run": {"duration_ms": 800}
})";

fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / fmt::format("dsim-sweep-test-{}-{}", ::getpid(), name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  spit(dir / "s.json", kScenario);
  return dir;
}

constexpr const char* kGrid = "--set /cluster/nodes=3,5 --set /cluster/params/election_timeout_min_ms=150,200 --seeds 1..3";

std::string sweep_cmd(const fs::path& dir, const std::string& extra) {
  return fmt::format("{} sweep {} {} --assets {} -q {}", dsim(), (dir / "s.json").string(), kGrid,
                     (fs::path(DSIM_SOURCE_DIR) / "viz").string(), extra);
}

TEST(SweepCli, OutputsDoNotDependOnJobsOrShards) {
  const fs::path dir = scratch("determinism");
  ASSERT_EQ(sh(sweep_cmd(dir, "-j 1 --out " + (dir / "j1").string())).exit_code, 0);
  ASSERT_EQ(sh(sweep_cmd(dir, "-j 2 --out " + (dir / "j2").string())).exit_code, 0);
  ASSERT_EQ(sh(sweep_cmd(dir, "--shard 1/2 --out " + (dir / "shards").string())).exit_code, 0);
  ASSERT_EQ(sh(sweep_cmd(dir, "--shard 2/2 --out " + (dir / "shards").string())).exit_code, 0);
  const Command merged = sh(fmt::format("{} sweep-report {} {} --assets {} -q --out {}", dsim(),
                                        (dir / "shards/runs-1-of-2.jsonl").string(), (dir / "shards/runs-2-of-2.jsonl").string(),
                                        (fs::path(DSIM_SOURCE_DIR) / "viz").string(), (dir / "merged").string()));
  ASSERT_EQ(merged.exit_code, 0);
  for (const char* file : {"runs.jsonl", "sweep.json", "sweep.csv", "sweep.html"}) {
    const std::string j1 = slurp(dir / "j1" / file);
    EXPECT_FALSE(j1.empty()) << file;
    EXPECT_EQ(j1, slurp(dir / "j2" / file)) << file << " differs between -j 1 and -j 2";
    EXPECT_EQ(j1, slurp(dir / "merged" / file)) << file << " differs between one run and merged shards";
  }
  const auto agg = nlohmann::json::parse(slurp(dir / "j1/sweep.json"));
  ASSERT_EQ(agg["points"].size(), 4u);
  for (const auto& p : agg["points"]) {
    EXPECT_EQ(p["runs"], 3);
    EXPECT_EQ(p["metrics"]["run.simulated_ms"]["mean"], 800);
    EXPECT_GT(p["metrics"]["clients.ops"]["min"].get<double>(), 0);
  }
  EXPECT_EQ(agg["points"][3]["params"], (nlohmann::json{{"nodes", 5}, {"election_timeout_min_ms", 200}}));
  // Runs differ by seed: a sweep that ran one seed three times would have one fingerprint.
  std::set<std::string> fingerprints;
  std::istringstream runs(slurp(dir / "j1/runs.jsonl"));
  for (std::string line; std::getline(runs, line);) {
    const auto r = nlohmann::json::parse(line);
    if (r["type"] == "run") fingerprints.insert(r["fingerprint"].get<std::string>());
  }
  EXPECT_EQ(fingerprints.size(), 12u);
  // A shard twice is refused, naming both files.
  const Command twice = sh(fmt::format("{} sweep-report {} {} --out {} 2>&1", dsim(), (dir / "shards/runs-1-of-2.jsonl").string(),
                                       (dir / "shards/runs-1-of-2.jsonl").string(), (dir / "m2").string()));
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.out.find("is in both"), std::string::npos) << twice.out;
}

TEST(SweepCli, BadRunsFilesAreNamedWithTheirLine) {
  const fs::path dir = scratch("bad-runs");
  const auto report = [&](const std::string& text) {
    spit(dir / "runs.jsonl", text);
    return sh(fmt::format("{} sweep-report {} --out {} 2>&1", dsim(), (dir / "runs.jsonl").string(), (dir / "out").string()));
  };
  const std::string header = R"({"type":"header","format":"dsim-sweep-runs","version":1,"scenario":"s","title":"t",)"
                             R"("params":[{"name":"n","pointer":"/n","values":[1,2]}],"seeds":{"from":1,"to":2}})";
  for (const auto& [text, says] : std::vector<std::pair<std::string, std::string>>{
           {"", "empty"},
           {"{}\n", "runs.jsonl:1: expected a dsim sweep runs header"},
           {R"({"type":"header","format":"dsim-sweep-runs","version":1})" "\n", "runs.jsonl:1: expected \"params\""},
           {header + "\nnot json\n", "runs.jsonl:2: not valid JSON"},
           {header + "\n" + R"({"type":"run","point":2,"seed":1,"verdict":"held"})" + "\n", "runs.jsonl:2: \"point\""},
           {header + "\n" + R"({"type":"run","point":0,"seed":9,"verdict":"held"})" + "\n", "runs.jsonl:2: \"seed\" must be in 1..2"}}) {
    const Command c = report(text);
    EXPECT_EQ(c.exit_code, 2) << text << "\n" << c.out;
    EXPECT_NE(c.out.find(says), std::string::npos) << "should say " << says << ":\n" << c.out;
  }
  const Command dir_input = sh(fmt::format("{} sweep-report {} 2>&1", dsim(), dir.string()));
  EXPECT_EQ(dir_input.exit_code, 2);
  EXPECT_NE(dir_input.out.find(dir.string()), std::string::npos) << "the path is named:\n" << dir_input.out;
  EXPECT_FALSE(fs::exists(dir / "out/sweep.json")) << "nothing is written from a bad file";
}

TEST(SweepCli, BadSetsExitTwoNamingThePointer) {
  const fs::path dir = scratch("bad");
  const auto run = [&](const std::string& set) {
    return sh(fmt::format("{} sweep {} --set '{}' --seeds 1 --out {} 2>&1", dsim(), (dir / "s.json").string(), set,
                          (dir / "out").string()));
  };
  for (const auto& [set, says] : std::vector<std::pair<std::string, std::string>>{
           {"/cluster/nodes=0", "/cluster/nodes"},
           {"/cluster/params/no_such_param=1", "/cluster/params/no_such_param"},
           {"/clutser/nodes=3", "/clutser"},
           {"cluster/nodes=3", "JSON Pointer"},
           {"/cluster/nodes=3..1", "A <= B"},
           {"/cluster/nodes=3,,5", "empty value"},
           {"/cluster/protocol/x=1", "/cluster/protocol/x"}}) {
    const Command c = run(set);
    EXPECT_EQ(c.exit_code, 2) << set << "\n" << c.out;
    EXPECT_NE(c.out.find(says), std::string::npos) << set << " should name " << says << ":\n" << c.out;
  }
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing is written for a sweep that cannot start";
}

TEST(SweepCli, AnExperimentJudgesItsExpectations) {
  const fs::path dir = scratch("experiment");
  const auto experiment = [&](const std::string& expect) {
    auto doc = nlohmann::json::parse(kScenario);
    doc["sweep"] = nlohmann::json::parse(R"({"title": "t", "seeds": "1..2",
        "set": [{"pointer": "/cluster/nodes", "values": [3, 5], "name": "n"}], "expect": [)" + expect + "]}");
    spit(dir / "e.json", doc.dump(2));
    return sh(fmt::format("{} run {} --out {}", dsim(), (dir / "e.json").string(), (dir / "out").string()));
  };
  const Command held = experiment(R"({"metric": "run.simulated_ms", "below": 801}, {"metric": "clients.ops", "above": 0})");
  EXPECT_EQ(held.exit_code, 0) << held.out;
  EXPECT_NE(held.out.find("the expectation held"), std::string::npos) << held.out;
  const auto agg = nlohmann::json::parse(slurp(dir / "out/sweep.json"));
  EXPECT_EQ(agg["expect"].size(), 2u);
  EXPECT_EQ(agg["title"], "t");
  EXPECT_EQ(experiment(R"({"metric": "run.simulated_ms", "at": {"n": 5}, "below": 800})").exit_code, 1);
  EXPECT_EQ(experiment(R"({"metric": "no.such.metric", "below": 1})").exit_code, 3);
  // A flag that asks for one run runs it once, at the values it was written with.
  const Command once = sh(fmt::format("{} run {} --seed 3 --json", dsim(), (dir / "e.json").string()));
  EXPECT_EQ(once.exit_code, 0) << once.out;
  EXPECT_EQ(nlohmann::json::parse(once.out)["seed"], 3);
}

TEST(SweepCli, ValidateChecksEveryPointOfAnExperiment) {
  const fs::path dir = scratch("validate");
  auto doc = nlohmann::json::parse(kScenario);
  doc["sweep"] = {{"set", {{{"pointer", "/cluster/nodes"}, {"values", {3, 0}}}}}};
  spit(dir / "e.json", doc.dump(2));
  const Command bad = sh(fmt::format("{} validate {} 2>&1", dsim(), (dir / "e.json").string()));
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("/cluster/nodes=0"), std::string::npos) << "the point is named:\n" << bad.out;
  doc["sweep"]["set"][0]["values"] = {3, 5};
  spit(dir / "e.json", doc.dump(2));
  EXPECT_EQ(sh(fmt::format("{} validate {}", dsim(), (dir / "e.json").string())).exit_code, 0);
}

TEST(SweepCli, APageIsDrawnFromAnAggregateAndBadOnesAreRefused) {
  const fs::path dir = scratch("page");
  ASSERT_EQ(sh(sweep_cmd(dir, "-j 2 --out " + (dir / "out").string())).exit_code, 0);
  const Command page = sh(fmt::format("{} sweep-page {} -o {} --assets {}", dsim(), (dir / "out/sweep.json").string(),
                                      (dir / "again.html").string(), (fs::path(DSIM_SOURCE_DIR) / "viz").string()));
  EXPECT_EQ(page.exit_code, 0);
  EXPECT_EQ(slurp(dir / "again.html").size(), slurp(dir / "out/sweep.html").size());
  spit(dir / "bad.json", R"({"format": "dsim-trace"})");
  const Command bad = sh(fmt::format("{} sweep-page {} 2>&1", dsim(), (dir / "bad.json").string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("bad.json"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(dir / "bad.html"));
}

}  // namespace
}  // namespace dsim::sweep_test
