// `dsim validate FILE...`: checks scenario files without running them. Prints "FILE: ok" for
// each valid file (standard output) and every problem of the others, one per line (standard
// error). Exit 0 when all are valid, 2 otherwise.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/scenario/scenario.h"

namespace dsim::cli {

namespace {

constexpr std::size_t kFilesMax = 100'000;

bool validate_file(const std::string& file) {
  const auto loaded = load_scenario(file);
  if (const auto* diag = std::get_if<Diagnostics>(&loaded)) {
    std::cerr << diag->format(file);
    return false;
  }
  std::cout << file << ": ok\n";
  return true;
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
  cmd->add_option("files", *files, "Scenario files (JSON)")->required()->expected(1, static_cast<int>(kFilesMax));
  cmd->callback([files, &exit_code] {
    bool all_ok = true;
    for (const auto& file : *files) all_ok = validate_file(file) && all_ok;
    std::cout.flush();
    exit_code = all_ok ? kExitHeld : kExitBadInput;
  });
}

}  // namespace dsim::cli
