// Every history under ../shared/data gets the verdict VERDICTS.md lists for it. The data is
// not part of the repository; without it the test skips.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "sim/check/linearizability.h"
#include "sim/check/parse.h"

namespace dsim::check {
namespace {

const std::filesystem::path kDataDir = DSIM_SOURCE_DIR "/../shared/data";

struct Expectation {
  std::string file;     // relative to kDataDir
  bool linearizable;    // "ok" or "bad"
};

// The rows `| path | ok |` / `| path | bad |` of the table in VERDICTS.md.
std::vector<Expectation> read_verdicts() {
  std::ifstream in(kDataDir / "VERDICTS.md");
  std::vector<Expectation> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, '|');) {
      const auto first = cell.find_first_not_of(' ');
      const auto last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    // "| a | b |" splits into "", "a", "b".
    if (cells.size() == 3 && (cells[2] == "ok" || cells[2] == "bad")) {
      rows.push_back({cells[1], cells[2] == "ok"});
    }
  }
  return rows;
}

// The model for a file: key-value histories are EDN maps with :key; Jepsen's etcd logs are
// a cas register.
const Model& model_for(const ParseResult& parsed) {
  for (const Operation& op : parsed.history.ops) {
    if (op.key) return *find_model("kv");
  }
  return *find_model("cas-register");
}

TEST(SharedData, EveryHistoryGetsItsListedVerdict) {
  if (!std::filesystem::exists(kDataDir)) {
    GTEST_SKIP() << "no shared histories at " << kDataDir << "; nothing to check";
  }
  const std::vector<Expectation> expectations = read_verdicts();
  ASSERT_FALSE(expectations.empty()) << "no verdict rows in " << kDataDir / "VERDICTS.md";
  for (const Expectation& expected : expectations) {
    SCOPED_TRACE(expected.file);
    const ParseResult parsed = load_history(kDataDir / expected.file, Format::auto_detect);
    ASSERT_FALSE(parsed.error) << parsed.error->to_string();
    const Model& model = model_for(parsed);
    for (bool split : {true, false}) {
      if (!split && parsed.history.ops.size() > 1000) continue;  // c50 unsplit: too slow for a unit test
      const LinearizabilityResult result =
          check_linearizability(parsed.history, model, CheckBudget{}, split);
      EXPECT_EQ(result.verdict, expected.linearizable ? Verdict::ok : Verdict::illegal)
          << "split=" << split << ": " << describe(result, parsed.history);
    }
  }
}

// The same verdicts from one `dsim check` process over every Jepsen etcd history (the batch
// path a CI job uses): a JSON line per file, in order, and exit 1 since some are not linearizable.
TEST(SharedData, OneCheckProcessGivesEveryEtcdVerdict) {
  if (!std::filesystem::exists(kDataDir)) {
    GTEST_SKIP() << "no shared histories at " << kDataDir << "; nothing to check";
  }
  std::map<std::string, bool> expected;  // absolute path -> linearizable
  std::string command = std::string(DSIM_BINARY) + " check --model cas-register --json";
  for (const Expectation& e : read_verdicts()) {
    if (e.file.rfind("jepsen-etcd/", 0) != 0) continue;
    const std::string path = (kDataDir / e.file).string();
    expected[path] = e.linearizable;
    command += " '" + path + "'";
  }
  ASSERT_FALSE(expected.empty());
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::size_t lines = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line); ++lines) {
    const auto j = nlohmann::json::parse(line);
    const std::string file = j["file"].get<std::string>();
    ASSERT_TRUE(expected.count(file)) << file;
    EXPECT_EQ(j["verdict"], expected[file] ? "ok" : "illegal") << file;
  }
  EXPECT_EQ(lines, expected.size());
}

}  // namespace
}  // namespace dsim::check
