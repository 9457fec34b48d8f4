// `dsim validate FILE|DIR...`: checks scenario files (a folder: every scenario under it) without
// running them. Prints "FILE: ok" for each valid file (standard output) and every problem of the
// others, one per line (standard error); an experiment's every grid point is validated too.
// Exit 0 when all are valid, 2 otherwise.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/core/text.h"
#include "sim/core/file.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFilesMax = 100'000;

// An experiment is valid when every point of its grid is a valid scenario, as dsim sweep
// would find before its first run.
bool validate_grid(const std::string& file, const Scenario& scenario) {
  std::string error;
  const auto text = read_file(file, kScenarioBytesMax, &error);
  if (text && sweep::point_scenarios(sweep::experiment_config(file, *text, scenario), &error)) return true;
  std::cerr << terminal_safe(file) << ": /sweep: " << terminal_safe(error) << (error.ends_with('\n') ? "" : "\n");
  return false;
}

bool validate_file(const std::string& file) {
  const auto loaded = load_scenario(file);
  if (const auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(file);
    return false;
  }
  const Scenario& scenario = std::get<Scenario>(loaded);
  if (scenario.sweep.present && !validate_grid(file, scenario)) return false;
  std::cout << terminal_safe(file) << ": ok\n";
  return true;
}

// The scenario files under `dir`: every *.json at any depth but schema.json (the format's JSON
// Schema, not a scenario), in name order. Symlinked folders are not followed (no cycles).
std::vector<std::string> scenarios_under(const std::string& dir, std::string* error) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == ".json" && p.filename() != "schema.json" && !it->is_directory(ec)) files.push_back(p.string());
    if (files.size() > kFilesMax) break;
  }
  if (ec) *error = fmt::format("{}: cannot list the folder: {}", dir, ec.message());
  if (files.size() > kFilesMax) *error = fmt::format("{}: more than {} scenario files", dir, kFilesMax);
  std::sort(files.begin(), files.end());
  return files;
}

// A file, or each scenario in a folder; a folder without scenarios is an error (a typo, likely).
bool validate_path(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return validate_file(path);
  std::string error;
  const std::vector<std::string> files = scenarios_under(path, &error);
  if (error.empty() && files.empty()) error = fmt::format("{}: no scenario files (*.json) in this folder", path);
  if (!error.empty()) {
    std::cerr << "dsim validate: " << terminal_safe(error) << "\n";
    return false;
  }
  bool all_ok = true;
  for (const auto& file : files) all_ok = validate_file(file) && all_ok;
  return all_ok;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check scenario files against the format (docs/scenario-format.md) without running them.\n"
      "Prints \"FILE: ok\" for each valid file, and for the others every problem, one per line:\n"
      "  FILE: /json/pointer: expected ..., found ...   (FILE:LINE:COLUMN: ... for JSON syntax)\n"
      "Exit code: 0 when every file is valid, 2 otherwise.");
  cmd->add_option("files", *files, "Scenario files (JSON), or folders: every *.json under them but schema.json")->required()->expected(1, static_cast<int>(kFilesMax));
  cmd->callback([files, &exit_code] {
    bool all_ok = true;
    for (const auto& file : *files) all_ok = validate_path(file) && all_ok;
    std::cout.flush();
    exit_code = all_ok ? kExitHeld : kExitBadInput;
  });
}

}  // namespace dsim::cli
