// End to end through the dsim binary: fuzz finds a known bug, writes and shrinks it, replay
// reproduces it; the pipeline is deterministic across -j and shards; GNU parallel shards merge
// into the single run's report; bad input exits 2.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "tests/fuzz/support.h"

namespace dsim::fuzz_test {
namespace {

namespace fs = std::filesystem;

// Small enough for the suite to stay well under a minute, large enough to find the bug more
// than once (docs/fuzzing.md quotes the figures).
constexpr const char* kSeeds = "1..40";

struct Fixture {
  fs::path dir;
  fs::path scenario;
};

Fixture skip_sync(const std::string& name) {
  Fixture f{scratch(name), {}};
  f.scenario = f.dir / "skip-sync.json";
  spit(f.scenario, kSkipSyncScenario);
  return f;
}

nlohmann::json read_json(const fs::path& path) { return nlohmann::json::parse(slurp(path)); }

// The summary's entry for the known bug's signature (the fuzzer may find other bugs too).
nlohmann::json known_bug(const nlohmann::json& summary) {
  for (const auto& s : summary["signatures"]) {
    if (s["signature"] == "invariant:replica-agreement") return s;
  }
  ADD_FAILURE() << "skip-sync (invariant:replica-agreement) not found:\n" << summary.dump(2);
  return nlohmann::json::object();
}

TEST(FuzzCli, FindsWritesShrinksAndReplaysAKnownBug) {
  const Fixture f = skip_sync("known-bug");
  const fs::path out = f.dir / "out";
  const Command fuzz = sh(fmt::format("{} fuzz {} --seeds {} -j 2 --out {}", dsim(), f.scenario.string(), kSeeds, out.string()));
  ASSERT_EQ(fuzz.exit_code, 1) << fuzz.out;
  const nlohmann::json summary = read_json(out / "summary.json");
  ASSERT_GE(summary["seeds_failed"].get<int>(), 1) << summary.dump(2);
  const nlohmann::json top = known_bug(summary);
  ASSERT_TRUE(top.contains("file"));
  const std::string sig = top["signature"].get<std::string>();

  // The failure file stands alone: it replays, and `dsim run` on it says its claim (this
  // failure) holds.
  const fs::path failure = out / top["file"].get<std::string>();
  ASSERT_TRUE(fs::exists(failure));
  EXPECT_TRUE(fs::exists(out / fs::path(top["file"].get<std::string>()).replace_extension(".trace.json")));
  EXPECT_EQ(sh(fmt::format("{} replay {}", dsim(), failure.string())).exit_code, 1);
  EXPECT_EQ(sh(fmt::format("{} run -q {}", dsim(), failure.string())).exit_code, 0);

  // The shrunk file is smaller on every count and still fails the same way.
  ASSERT_TRUE(top.contains("shrunk")) << top.dump(2);
  const nlohmann::json& shrunk = top["shrunk"];
  const fs::path small = out / shrunk["file"].get<std::string>();
  const Command replay = sh(fmt::format("{} replay {}", dsim(), small.string()));
  EXPECT_EQ(replay.exit_code, 1) << replay.out;
  EXPECT_NE(replay.out.find(sig), std::string::npos) << replay.out;
  const auto& before = shrunk["before"];
  const auto& after = shrunk["after"];
  EXPECT_LT(after["faults"].get<int>(), before["faults"].get<int>()) << shrunk.dump(2);
  EXPECT_LT(after["ops"].get<int>(), before["ops"].get<int>()) << shrunk.dump(2);
  EXPECT_LT(after["events"].get<int>(), before["events"].get<int>()) << shrunk.dump(2);
  EXPECT_TRUE(fs::exists(fs::path(small).replace_extension(".trace.json")));
  EXPECT_EQ(read_json(fs::path(small).replace_extension(".expect.json"))["signature"], sig);
}

TEST(FuzzCli, ReplayExitCodes) {
  const Fixture f = skip_sync("replay");
  const fs::path out = f.dir / "out";
  ASSERT_EQ(sh(fmt::format("{} fuzz -q {} --seeds {} -j 2 --no-shrink --out {}", dsim(), f.scenario.string(), kSeeds,
                           out.string()))
                .exit_code,
            1);
  const nlohmann::json summary = read_json(out / "summary.json");
  const nlohmann::json entry = known_bug(summary);
  ASSERT_TRUE(entry.contains("file"));
  const fs::path failure = out / entry["file"].get<std::string>();
  const fs::path sidecar = fs::path(failure).replace_extension(".expect.json");
  EXPECT_EQ(sh(fmt::format("{} replay -q {}", dsim(), failure.string())).exit_code, 1);

  // The bug fixed (its switch taken out of the file): the run passes.
  nlohmann::json fixed = read_json(failure);
  fixed["cluster"]["bugs"] = nlohmann::json::array();
  const fs::path fixed_path = f.dir / "fixed.json";
  spit(fixed_path, fixed.dump(2));
  spit(fs::path(fixed_path).replace_extension(".expect.json"), slurp(sidecar));
  EXPECT_EQ(sh(fmt::format("{} replay -q {}", dsim(), fixed_path.string())).exit_code, 0);

  // Recorded as another failure: it fails, but differently.
  nlohmann::json other = read_json(sidecar);
  other["signature"] = "invariant:some-other-invariant";
  const fs::path other_path = f.dir / "other.json";
  spit(other_path, slurp(failure));
  spit(fs::path(other_path).replace_extension(".expect.json"), other.dump(2));
  EXPECT_EQ(sh(fmt::format("{} replay -q {}", dsim(), other_path.string())).exit_code, 3);

  // A different fingerprint is a different failure too.
  nlohmann::json moved = read_json(sidecar);
  moved["fingerprint"] = "0000000000000000";
  spit(fs::path(other_path).replace_extension(".expect.json"), moved.dump(2));
  EXPECT_EQ(sh(fmt::format("{} replay -q {}", dsim(), other_path.string())).exit_code, 3);

  // Without a sidecar, the file's own expect section is the record.
  const fs::path bare = f.dir / "bare.json";
  spit(bare, slurp(failure));
  EXPECT_EQ(sh(fmt::format("{} replay -q {}", dsim(), bare.string())).exit_code, 1);
}

TEST(FuzzCli, SameFailuresAndShrunkFilesWithOneOrTwoJobsAndInShards) {
  const Fixture f = skip_sync("determinism");
  const fs::path one = f.dir / "j1", two = f.dir / "j2", shards = f.dir / "shards";
  const std::string scenario = f.scenario.string();
  ASSERT_EQ(sh(fmt::format("{} fuzz -q {} --seeds {} -j 1 --out {}", dsim(), scenario, kSeeds, one.string())).exit_code, 1);
  ASSERT_EQ(sh(fmt::format("{} fuzz -q {} --seeds {} -j 2 --out {}", dsim(), scenario, kSeeds, two.string())).exit_code, 1);
  for (int k = 1; k <= 3; ++k) {
    const int code =
        sh(fmt::format("{} fuzz -q {} --seeds {} --shard {}/3 -j 2 --out {}", dsim(), scenario, kSeeds, k, shards.string()))
            .exit_code;
    ASSERT_TRUE(code == 0 || code == 1) << code;
  }
  EXPECT_EQ(slurp(one / "results.jsonl"), slurp(two / "results.jsonl"));
  EXPECT_EQ(slurp(one / "summary.json"), slurp(two / "summary.json"));
  const auto files = tree(one);
  EXPECT_GE(files.size(), 6u);  // a failure, its trace and sidecar; the same shrunk
  EXPECT_EQ(files, tree(two));
  EXPECT_EQ(files, tree(shards));

  const fs::path merged = f.dir / "merged.json", single = f.dir / "single.json";
  EXPECT_EQ(sh(fmt::format("{} fuzz-report -q {}/results-1-of-3.jsonl {}/results-2-of-3.jsonl {}/results-3-of-3.jsonl --json {}",
                           dsim(), shards.string(), shards.string(), shards.string(), merged.string()))
                .exit_code,
            1);
  EXPECT_EQ(sh(fmt::format("{} fuzz-report -q {}/results.jsonl --json {}", dsim(), one.string(), single.string())).exit_code, 1);
  EXPECT_EQ(slurp(merged), slurp(single));
  EXPECT_EQ(slurp(single), slurp(one / "summary.json"));
}

TEST(FuzzCli, GnuParallelShardsMergeIntoTheSingleRunsReport) {
  if (sh("command -v parallel >/dev/null 2>&1").exit_code != 0) {
    GTEST_SKIP() << "GNU parallel is not installed (Debian package `parallel`)";
  }
  const Fixture f = skip_sync("parallel");
  const fs::path single = f.dir / "single", sharded = f.dir / "sharded";
  const std::string scenario = f.scenario.string();
  ASSERT_EQ(sh(fmt::format("{} fuzz -q {} --seeds {} -j 2 --out {}", dsim(), scenario, kSeeds, single.string())).exit_code, 1);
  // The README's recipe: one dsim per shard, GNU parallel keeping two running.
  const Command par = sh(fmt::format("parallel --will-cite -j 2 {} fuzz -q {} --seeds {} -j 1 --shard {{}}/4 --out {} ::: 1 2 3 4",
                                     dsim(), scenario, kSeeds, sharded.string()));
  EXPECT_LE(par.exit_code, 4) << par.out;  // parallel exits with the number of failed jobs
  const fs::path a = f.dir / "a.json", b = f.dir / "b.json", junit = f.dir / "junit.xml";
  EXPECT_EQ(sh(fmt::format("{} fuzz-report -q {}/results.jsonl --json {}", dsim(), single.string(), a.string())).exit_code, 1);
  EXPECT_EQ(sh(fmt::format("{} fuzz-report -q {}/results-*-of-4.jsonl --json {} --junit {}", dsim(), sharded.string(),
                           b.string(), junit.string()))
                .exit_code,
            1);
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_EQ(tree(single), tree(sharded));
  const std::string xml = slurp(junit);
  EXPECT_NE(xml.find("<testsuite "), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure "), std::string::npos) << xml;
}

TEST(FuzzCli, NoFailureExitsZero) {
  const fs::path dir = scratch("clean");
  const fs::path scenario = dir / "calm.json";
  // Primary-backup without bugs or clients: nothing the faults could break, every seed passes.
  spit(scenario, R"({ "cluster": { "protocol": "primary-backup", "nodes": 3 }, "run": { "duration_ms": 500 } })");
  const Command c = sh(fmt::format("{} fuzz {} --seeds 1..4 -j 2 --out {}", dsim(), scenario.string(), (dir / "out").string()));
  EXPECT_EQ(c.exit_code, 0) << c.out;
  EXPECT_EQ(read_json(dir / "out" / "summary.json")["seeds_run"], 4);
}

TEST(FuzzCli, BadInputExitsTwo) {
  const Fixture f = skip_sync("bad");
  const std::string s = f.scenario.string(), out = (f.dir / "out").string();
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds 1..2 --out {} 2>/dev/null", dsim(), (f.dir / "missing.json").string(), out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds 5..1 --out {} 2>/dev/null", dsim(), s, out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds x --out {} 2>/dev/null", dsim(), s, out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds 1..2 --shard 4/3 --out {} 2>/dev/null", dsim(), s, out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds 1..2 -j 0 --out {} 2>/dev/null", dsim(), s, out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz {} 2>/dev/null", dsim(), s)).exit_code, 2);  // --seeds is required
  spit(f.dir / "broken.json", R"({ "cluster": { "protocol": "primary-backup", "nodes": 3 }, "run": { "seedd": 1 } })");
  EXPECT_EQ(sh(fmt::format("{} fuzz {} --seeds 1..2 --out {} 2>/dev/null", dsim(), (f.dir / "broken.json").string(), out)).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} replay {} 2>/dev/null", dsim(), (f.dir / "missing.json").string())).exit_code, 2);
  EXPECT_EQ(sh(fmt::format("{} fuzz-report {} 2>/dev/null", dsim(), s)).exit_code, 2);  // not a results file
  EXPECT_EQ(sh(fmt::format("{} fuzz-report {} 2>/dev/null", dsim(), (f.dir / "missing.jsonl").string())).exit_code, 2);
}

// Starts `line` under sh in a process group of its own, so that a kill reaches its workers too.
pid_t spawn_group(const std::string& line) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  return pid;
}

std::size_t line_count(const fs::path& path) {
  const std::string text = slurp(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(FuzzCli, AKilledShardKeepsItsSeedsAndResumesToTheSameResults) {
  const Fixture f = skip_sync("resume");
  const fs::path whole = f.dir / "whole", killed = f.dir / "killed";
  const std::string scenario = f.scenario.string();
  const int whole_code =
      sh(fmt::format("{} fuzz -q {} --seeds {} --shard 2/3 -j 2 --out {}", dsim(), scenario, kSeeds, whole.string())).exit_code;
  ASSERT_TRUE(whole_code == 0 || whole_code == 1) << whole_code;
  // Killed (SIGKILL, workers and all) once a few seeds have their lines.
  const fs::path results = killed / "results-2-of-3.jsonl";
  const pid_t pid = spawn_group(fmt::format("exec {} fuzz -q {} --seeds {} --shard 2/3 -j 2 --out {}", dsim(), scenario,
                                            kSeeds, killed.string()));
  for (int i = 0; i < 6000 && line_count(results) < 5; ++i) ::usleep(10'000);
  ::kill(-pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::size_t kept = line_count(results);
  ASSERT_GE(kept, 5u) << "the killed run appended no lines";
  ASSERT_LT(kept, line_count(whole / "results-2-of-3.jsonl")) << "the run finished before the kill; nothing to resume";
  // The partial file is not a complete result: the report names the missing seeds.
  const Command partial = sh(fmt::format("{} fuzz-report -q {} 2>&1", dsim(), results.string()));
  EXPECT_EQ(partial.exit_code, 2) << partial.out;
  EXPECT_NE(partial.out.find("have no record"), std::string::npos) << partial.out;
  // A line cut short by the kill is dropped and its seed run again.
  std::ofstream(results, std::ios::app) << R"({"type":"seed","seed":)";

  const Command resumed = sh(fmt::format("{} fuzz {} --seeds {} --shard 2/3 -j 1 --out {} --resume", dsim(), scenario,
                                         kSeeds, killed.string()));
  EXPECT_EQ(resumed.exit_code, whole_code) << resumed.out;
  EXPECT_NE(resumed.out.find("resumed: "), std::string::npos) << resumed.out;
  EXPECT_EQ(slurp(results), slurp(whole / "results-2-of-3.jsonl"));
  EXPECT_EQ(slurp(killed / "summary-2-of-3.json"), slurp(whole / "summary-2-of-3.json"));
  EXPECT_EQ(tree(killed), tree(whole));
  // Resuming a complete run runs nothing and changes nothing.
  EXPECT_EQ(sh(fmt::format("{} fuzz -q {} --seeds {} --shard 2/3 --out {} --resume", dsim(), scenario, kSeeds,
                           killed.string()))
                .exit_code,
            whole_code);
  EXPECT_EQ(slurp(results), slurp(whole / "results-2-of-3.jsonl"));
  // Resuming with another range is refused, not mixed in.
  const Command other = sh(fmt::format("{} fuzz -q {} --seeds 1..41 --shard 2/3 --out {} --resume 2>&1", dsim(), scenario,
                                       killed.string()));
  EXPECT_EQ(other.exit_code, 2) << other.out;
  EXPECT_NE(other.out.find("cannot resume"), std::string::npos) << other.out;
}

TEST(FuzzCli, InfrastructureErrorsExitTwoBeforeAnySeedAndAreNoSignature) {
  const Fixture f = skip_sync("infra");
  const std::string s = f.scenario.string();
  // An output folder that cannot exist, a results file that cannot be written.
  for (const std::string& flags : {std::string("--out /dev/null/out"),
                                   fmt::format("--out {} --results /dev/null/r.jsonl", (f.dir / "o1").string())}) {
    const Command c = sh(fmt::format("{} fuzz {} --seeds 1..40 {} 2>&1", dsim(), s, flags));
    EXPECT_EQ(c.exit_code, 2) << c.out;
    EXPECT_EQ(c.out.find("crash:"), std::string::npos) << c.out;
    EXPECT_EQ(c.out.find("seeds run"), std::string::npos) << "seeds ran: " << c.out;
  }
  // A scenario whose own faults and a seed's swarm faults pass the format's limit.
  nlohmann::json many = nlohmann::json::parse(kSkipSyncScenario);
  many["faults"] = nlohmann::json::array();
  for (int i = 0; i < 99'990; ++i) many["faults"].push_back({{"at_ms", 1}, {"action", "pause"}, {"node", "n0"}, {"duration_ms", 1}});
  const fs::path big = f.dir / "many-faults.json";
  spit(big, many.dump());
  const Command c = sh(fmt::format("{} fuzz {} --seeds 1..2 --out {} 2>&1", dsim(), big.string(), (f.dir / "o2").string()));
  EXPECT_EQ(c.exit_code, 2) << c.out;
  EXPECT_NE(c.out.find("passes the limit of 100000"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("crash:"), std::string::npos) << c.out;
}

}  // namespace
}  // namespace dsim::fuzz_test
