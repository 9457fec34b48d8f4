#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/core/text.h"

namespace dsim::cli {

int run_cli(int argc, const char* const* argv) {
  CLI::App app{"dsim: a deterministic simulator for distributed protocols.\n"
               "Exit codes: 0 the claim held, 1 a violation, 2 bad input or usage, 3 inconclusive."};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  app.set_version_flag("--version", std::string("dsim ") + kVersion);
  // Usage errors start like every other error: "dsim COMMAND: ...".
  app.failure_message([](const CLI::App* top, const CLI::Error& e) {
    const auto chosen = top->get_subcommands();
    const std::string who = chosen.empty() ? "dsim" : "dsim " + chosen.front()->get_name();
    const auto extra = top->remaining();
    if (chosen.empty() && !extra.empty()) {
      std::vector<std::string> names;
      for (const CLI::App* sub : top->get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
      return fmt::format("dsim: unknown command \"{}\"; expected one of: {}\nRun with --help for more information.\n",
                         terminal_safe(extra.front()), fmt::join(names, ", "));
    }
    return fmt::format("{}: {}\nRun with --help for more information.\n", who, terminal_safe(e.what()));
  });
  int exit_code = kExitHeld;
  add_run_command(app, exit_code);
  add_validate_command(app, exit_code);
  add_list_command(app, exit_code);
  add_check_command(app, exit_code);
  add_viz_command(app, exit_code);
  add_export_command(app, exit_code);
  add_fuzz_command(app, exit_code);
  add_replay_command(app, exit_code);
  add_fuzz_report_command(app, exit_code);
  add_sweep_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitHeld : kExitBadInput;
  } catch (const std::exception& e) {
    // Commands report their own errors; reaching here is a bug, but still not a crash.
    std::cerr << "dsim: internal error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return exit_code;
}

}  // namespace dsim::cli
