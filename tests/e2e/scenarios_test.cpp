// Every shipped scenario file is an end-to-end test: `dsim run --check-determinism FILE` must
// exit 0 — its claim held, and two runs of it agreed event for event.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  const fs::path root = fs::path(DSIM_SOURCE_DIR) / "scenarios";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
      files.push_back(fs::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, ClaimHoldsAndRunIsDeterministic) {
  const std::string file = std::string(DSIM_SOURCE_DIR) + "/scenarios/" + GetParam();
  const std::string cmd = std::string(DSIM_BINARY) + " run --check-determinism " + file + " > /dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the claim of " << GetParam() << " did not hold; run: dsim run " << file;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shipped, Scenario, ::testing::ValuesIn(scenario_files()), test_name);

// The experiments (files with a sweep section): `dsim run FILE` runs the sweep, and its
// expectations over the aggregates must hold.
std::vector<std::string> experiment_files() {
  std::vector<std::string> files;
  for (const std::string& f : scenario_files()) {
    std::ifstream in(fs::path(DSIM_SOURCE_DIR) / "scenarios" / f);
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_object() && doc.contains("sweep")) files.push_back(f);
  }
  return files;
}

class Experiment : public ::testing::TestWithParam<std::string> {};

TEST_P(Experiment, ExpectationsHold) {
  const std::string file = std::string(DSIM_SOURCE_DIR) + "/scenarios/" + GetParam();
  const fs::path out = fs::temp_directory_path() / ("dsim-experiment-" + std::to_string(::getpid()) + "-" + test_name({GetParam(), 0}));
  const std::string cmd = std::string(DSIM_BINARY) + " run " + file + " -q --out " + out.string();
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the experiment " << GetParam() << " did not hold; run: dsim run " << file;
  EXPECT_TRUE(fs::exists(out / "sweep.html"));
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Shipped, Experiment, ::testing::ValuesIn(experiment_files()), test_name);

}  // namespace
