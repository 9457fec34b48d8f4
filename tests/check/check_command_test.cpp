// `dsim check` as a command: exit codes and messages, driven in-process through CLI11.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.h"

namespace dsim::cli {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun run_check(std::vector<std::string> args) {
  CLI::App app("dsim");
  app.require_subcommand(1);
  int exit_code = -1;
  add_check_command(app, exit_code);
  args.insert(args.begin(), {"dsim", "check"});
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  CommandRun run;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    run.exit_code = exit_code;
  } catch (const CLI::ParseError& e) {
    run.exit_code = kExitBadInput;
  }
  run.out = ::testing::internal::GetCapturedStdout();
  run.err = ::testing::internal::GetCapturedStderr();
  return run;
}

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("dsim_check_test_" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

constexpr const char* kOkLog =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t1\n";

constexpr const char* kBadLog =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t2\n";

TEST(CheckCommand, OkExitsZero) {
  const CommandRun run = run_check({write_file("ok.log", kOkLog), "--model", "register"});
  EXPECT_EQ(run.exit_code, kExitHeld) << run.err;
  EXPECT_EQ(run.out.rfind("ok: linearizable", 0), 0u) << run.out;
}

TEST(CheckCommand, IllegalExitsOneWithCounterexample) {
  const CommandRun run = run_check({write_file("bad.log", kBadLog), "--model", "cas-register"});
  EXPECT_EQ(run.exit_code, kExitViolated);
  EXPECT_NE(run.out.find("p1 read -> 2"), std::string::npos) << run.out;
}

TEST(CheckCommand, JsonOutput) {
  const CommandRun run = run_check({write_file("bad.log", kBadLog), "--model", "register", "--json"});
  EXPECT_EQ(run.exit_code, kExitViolated);
  const nlohmann::json j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["verdict"], "illegal");
  EXPECT_EQ(j["failures"][0]["blocked"], nlohmann::json::array({1}));
}

TEST(CheckCommand, BudgetSpentExitsThree) {
  std::string log;
  for (int p = 0; p < 14; p++) log += "INFO  jepsen.util - " + std::to_string(p) + "\t:invoke\t:write\t" + std::to_string(p) + "\n";
  for (int p = 0; p < 14; p++) log += "INFO  jepsen.util - " + std::to_string(p) + "\t:ok\t:write\t" + std::to_string(p) + "\n";
  log += "INFO  jepsen.util - 99\t:invoke\t:read\tnil\nINFO  jepsen.util - 99\t:ok\t:read\t99\n";
  const CommandRun run = run_check({write_file("hard.log", log), "--model", "register", "--steps-max", "100"});
  EXPECT_EQ(run.exit_code, kExitInconclusive);
  EXPECT_NE(run.out.find("unknown: search steps budget spent"), std::string::npos) << run.out;
}

TEST(CheckCommand, BadInputExitsTwoWithFileAndLine) {
  const std::string path = write_file("truncated.log", std::string(kOkLog) + "INFO  jepsen.util - 1\t:inv");
  const CommandRun run = run_check({path, "--model", "register"});
  EXPECT_EQ(run.exit_code, kExitBadInput);
  EXPECT_EQ(run.err.rfind("dsim check: " + path + ":5: expected an :f", 0), 0u) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(CheckCommand, FormatCanBeForced) {
  const CommandRun run = run_check({write_file("ok2.log", kOkLog), "--model", "register", "--format", "edn"});
  EXPECT_EQ(run.exit_code, kExitBadInput);
  EXPECT_NE(run.err.find(":1: expected an operation map"), std::string::npos) << run.err;
}

TEST(CheckCommand, UnknownModelOrMissingFileIsBadInput) {
  EXPECT_EQ(run_check({write_file("ok3.log", kOkLog), "--model", "queue"}).exit_code, kExitBadInput);
  const CommandRun missing = run_check({"/nonexistent/h.log", "--model", "kv"});
  EXPECT_EQ(missing.exit_code, kExitBadInput);
  EXPECT_NE(missing.err.find("/nonexistent/h.log: cannot open"), std::string::npos) << missing.err;
}

// Many histories in one process: a verdict line each, in the order given, and the exit code of
// the worst (bad input over a violation over an unproven verdict over a pass).
TEST(CheckCommand, ManyFilesOneLineEachAndTheWorstExitCode) {
  const std::string ok = write_file("many-ok.log", kOkLog), bad = write_file("many-bad.log", kBadLog);
  const std::string broken = write_file("many-broken.log", std::string(kOkLog) + "INFO  jepsen.util - 1\t:inv");
  const CommandRun two = run_check({ok, bad, ok, "--model", "register"});
  EXPECT_EQ(two.exit_code, kExitViolated);
  const std::string ok_line = ok + ": ok: linearizable (2 operations, 1 partition, 2 search steps)\n";
  EXPECT_EQ(two.out, ok_line + bad + ": illegal: 1 key(s) not linearizable\n" + ok_line) << two.out;
  EXPECT_NE(two.err.find("3 histories: 2 held, 1 violated, 0 inconclusive, 0 bad input"), std::string::npos) << two.err;

  const CommandRun three = run_check({bad, broken, ok, "--model", "register", "--json"});
  EXPECT_EQ(three.exit_code, kExitBadInput) << "bad input is the worst: a history went unchecked";
  std::vector<nlohmann::json> lines;
  std::size_t from = 0;
  while (from < three.out.size()) {
    const std::size_t nl = three.out.find('\n', from);
    lines.push_back(nlohmann::json::parse(three.out.substr(from, nl - from)));
    from = nl + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << three.out;
  EXPECT_EQ(lines[0]["file"], bad);
  EXPECT_EQ(lines[0]["verdict"], "illegal");
  EXPECT_EQ(lines[0]["exit"], kExitViolated);
  EXPECT_EQ(lines[1]["exit"], kExitBadInput);
  EXPECT_NE(lines[1]["error"].get<std::string>().find(broken + ":5: expected an :f"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2]["verdict"], "ok");
  EXPECT_EQ(run_check({ok, ok, "--model", "register"}).exit_code, kExitHeld);
}

}  // namespace
}  // namespace dsim::cli
