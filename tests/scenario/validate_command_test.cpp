// `dsim validate` driven in-process: output lines and exit codes.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sim/cli/commands.h"
#include "tests/scenario/support.h"

namespace dsim::testing {
namespace {

struct CommandRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandRun run_validate(std::vector<std::string> args) {
  CLI::App app("dsim");
  app.require_subcommand(1);
  int exit_code = -1;
  cli::add_validate_command(app, exit_code);
  args.insert(args.begin(), {"dsim", "validate"});
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  CommandRun run;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    run.exit_code = exit_code;
  } catch (const CLI::CallForHelp&) {
    run.exit_code = cli::kExitHeld;
    run.out = app.get_subcommand("validate")->help();
  } catch (const CLI::ParseError&) {
    run.exit_code = cli::kExitBadInput;
  }
  run.out += ::testing::internal::GetCapturedStdout();
  run.err = ::testing::internal::GetCapturedStderr();
  return run;
}

std::string write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ValidateCommand, ValidFileIsOk) {
  const auto file = write_temp("valid.json", minimal_doc().dump());
  const auto run = run_validate({file});
  EXPECT_EQ(run.exit_code, cli::kExitHeld);
  EXPECT_EQ(run.out, file + ": ok\n");
  EXPECT_EQ(run.err, "");
}

TEST(ValidateCommand, InvalidFileListsEveryProblemAndExits2) {
  nlohmann::json doc = minimal_doc();
  doc["cluster"]["nodes"] = 0;
  doc["run"] = {{"seed", -1}};
  const auto file = write_temp("invalid.json", doc.dump());
  const auto run = run_validate({file});
  EXPECT_EQ(run.exit_code, cli::kExitBadInput);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, file + ": /run/seed: expected an integer from 0 to 18446744073709551615, found -1\n" + file +
                         ": /cluster/nodes: expected a node count from 1 to 4096, found 0\n");
}

TEST(ValidateCommand, SyntaxErrorHasLineAndColumn) {
  const auto file = write_temp("syntax.json", "{\n  \"cluster\": [,\n}");
  const auto run = run_validate({file});
  EXPECT_EQ(run.exit_code, cli::kExitBadInput);
  EXPECT_EQ(run.err.rfind(file + ":2:15: syntax error", 0), 0u) << run.err;
}

TEST(ValidateCommand, MixedFilesExit2AndReportEach) {
  const auto good = write_temp("good.json", minimal_doc().dump());
  const auto empty = write_temp("empty.json", "");
  const auto run = run_validate({good, "/nonexistent/x.json", empty, good});
  EXPECT_EQ(run.exit_code, cli::kExitBadInput);
  EXPECT_EQ(run.out, good + ": ok\n" + good + ": ok\n");
  EXPECT_EQ(run.err, "/nonexistent/x.json: cannot open: No such file or directory\n" + empty +
                         ": /: expected a JSON object, found an empty file\n");
}

TEST(ValidateCommand, BinaryGarbageIsBadInputNotACrash) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) & 0xff);
  const auto run = run_validate({write_temp("garbage.bin", garbage)});
  EXPECT_EQ(run.exit_code, cli::kExitBadInput);
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

TEST(ValidateCommand, NoFilesIsAUsageError) { EXPECT_EQ(run_validate({}).exit_code, cli::kExitBadInput); }

TEST(ValidateCommand, HelpDescribesTheOutput) {
  const auto run = run_validate({"--help"});
  EXPECT_EQ(run.exit_code, cli::kExitHeld);
  EXPECT_NE(run.out.find("FILE: ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Exit code"), std::string::npos) << run.out;
}

TEST(ValidateCommand, EveryShippedScenarioValidates) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(DSIM_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
      files.push_back(entry.path().string());
    }
  }
  ASSERT_FALSE(files.empty());
  const auto run = run_validate(files);
  EXPECT_EQ(run.exit_code, cli::kExitHeld) << run.err;
}

}  // namespace
}  // namespace dsim::testing
