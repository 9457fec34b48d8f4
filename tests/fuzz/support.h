// Helpers for the fuzz tests: run the dsim binary, read files, compare directory trees.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dsim::fuzz_test {

struct Command {
  int exit_code = -1;
  std::string out;  // stdout (stderr goes to the test log)
};

// Runs a shell command line; the exit code is the command's (-1 when it died by a signal).
inline Command sh(const std::string& line) {
  Command c;
  FILE* pipe = ::popen(line.c_str(), "r");
  if (!pipe) return c;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) c.out.append(buf, n);
  const int status = ::pclose(pipe);
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

inline std::string dsim() { return DSIM_BINARY; }

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A fresh directory for one test, removed first if an earlier run left it.
inline std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("dsim-fuzz-test-{}-{}", ::getpid(), name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Every file under `dir` (relative path -> content), skipping the per-shard results and summaries.
inline std::map<std::string, std::string> tree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    if (name.rfind("results", 0) == 0 || name.rfind("summary", 0) == 0) continue;
    out[std::filesystem::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return out;
}

// Primary-backup with the skip-sync bug and no faults of its own: the fuzzer must find the
// crash that loses unsynced writes by itself.
inline const char* kSkipSyncScenario = R"({
  "description": "primary-backup with skip-sync, no faults: the fuzzer must find the power loss",
  "cluster": { "protocol": "primary-backup", "nodes": 3, "bugs": ["skip-sync"] },
  "workload": { "kind": "register", "clients": 3, "think_ms": 5 },
  "checks": { "linearizability": "cas-register" },
  "run": { "duration_ms": 3000 }
})";

}  // namespace dsim::fuzz_test
