// `dsim check` with the weak-consistency checks, on recorded histories.
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
  } catch (const CLI::ParseError&) {
    run.exit_code = kExitBadInput;
  }
  run.out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  return run;
}

std::string write_history(const std::string& name, const nlohmann::json& ops) {
  const auto path = std::filesystem::temp_directory_path() / ("dsim_staleness_test_" + name);
  std::ofstream(path, std::ios::binary) << nlohmann::json{{"format", "dsim-history"}, {"ops", ops}}.dump();
  return path.string();
}

nlohmann::json op(int p, const char* f, const char* key, nlohmann::json value, nlohmann::json output, int t0, int t1) {
  return {{"process", p}, {"f", f}, {"key", key}, {"value", value}, {"output", output}, {"type", "ok"},
          {"invoke_ns", t0}, {"complete_ns", t1}};
}

TEST(CheckCommand, LostWritesWithoutAModel) {
  const std::string file = write_history("set.json", {op(0, "add", "s", 1, nullptr, 0, 10), op(1, "add", "s", 2, nullptr, 0, 10),
                                                      op(0, "read", "s", nullptr, {1}, 20, 30)});
  const CommandRun run = run_check({file, "--lost-writes", "--json"});
  EXPECT_EQ(run.exit_code, kExitViolated);
  EXPECT_EQ(nlohmann::json::parse(run.out)["lost_writes"]["lost"], 1);
}

TEST(CheckCommand, StalenessAndVisibilityBesideLinearizability) {
  const std::string file = write_history("reg.json", {op(0, "write", "x", 1, nullptr, 0, 10), op(0, "write", "x", 2, nullptr, 20, 30),
                                                      op(1, "read", "x", nullptr, 1, 40, 50)});
  const CommandRun run = run_check({file, "--model", "register", "--staleness", "--t-visibility-ms", "0,5", "--json"});
  EXPECT_EQ(run.exit_code, kExitViolated);  // the stale read is not linearizable either
  const auto out = nlohmann::json::parse(run.out);
  EXPECT_EQ(out["staleness"]["k_max"], 1);
  EXPECT_EQ(out["t_visibility"]["buckets"][0]["reads"], 1);  // t = 10 ns
  EXPECT_EQ(out["t_visibility"]["buckets"][0]["visible"], 0);
  EXPECT_EQ(run_check({file}).exit_code, kExitBadInput);
  EXPECT_EQ(run_check({file, "--t-visibility-ms", "1,0.5"}).exit_code, kExitBadInput);
}

}  // namespace
}  // namespace dsim::cli
