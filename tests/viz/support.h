// Traces of real scenarios, made once per test binary by the dsim executable under test.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <iostream>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dsim::viz_test {

namespace fs = std::filesystem;

inline fs::path work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("dsim_viz_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Command { int exit_code = -1; std::string out; };

// Runs a shell command from the source tree; captures stdout (stderr goes to a file).
inline Command run(const std::string& command) {
  const std::string full = "cd " + shell_quote(DSIM_SOURCE_DIR) + " && " + command + " 2>" +
                           shell_quote((work_dir() / "last_stderr.txt").string());
  Command result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The trace of scenarios/<scenario> (run once, cached by name).
inline fs::path trace_of(const std::string& scenario) {
  std::string name = scenario;
  for (char& c : name) if (c == '/') c = '_';
  const fs::path out = work_dir() / (name + ".trace.json");
  if (!fs::exists(out)) {
    run(shell_quote(DSIM_BINARY) + " run " + shell_quote("scenarios/" + scenario) + " --quiet --trace " + shell_quote(out.string()));
  }
  return out;
}

inline nlohmann::json load_json(const fs::path& path) { return nlohmann::json::parse(slurp(path)); }

inline bool scenario_exists(const std::string& scenario) {
  return fs::exists(fs::path(DSIM_SOURCE_DIR) / "scenarios" / scenario);
}

}  // namespace dsim::viz_test
