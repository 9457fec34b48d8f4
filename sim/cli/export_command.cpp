// `dsim export TRACE --format perfetto|shiviz|edn -o OUT`: the run for other tools
// (docs/exporters.md). Exit 0 written, 2 bad input.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/core/file.h"
#include "sim/trace/export_common.h"
#include "sim/trace/export_edn.h"
#include "sim/trace/export_perfetto.h"
#include "sim/trace/export_shiviz.h"

namespace dsim::cli {

namespace {

struct ExportOptions {
  std::string trace;
  std::string format;
  std::string out = "-";
};

int run_export(const ExportOptions& options) {
  std::string error;
  const auto trace = load_trace_json(options.trace, &error);
  if (!trace) {
    std::cerr << "error: " << error << "\n";
    return kExitBadInput;
  }
  std::string text;
  try {
    if (options.format == "perfetto") text = export_perfetto(*trace);
    else if (options.format == "shiviz") text = export_shiviz(*trace);
    else text = export_edn(*trace);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("error: {}: malformed trace: {}\n", options.trace, e.what());
    return kExitBadInput;
  }
  if (options.out == "-") {
    std::cout << text;
    return kExitHeld;
  }
  if (!write_file_atomic(options.out, text, &error)) {
    std::cerr << fmt::format("error: {}: cannot write: {}\n", options.out, error);
    return kExitBadInput;
  }
  return kExitHeld;
}

}  // namespace

void add_export_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Convert a trace: Perfetto (Chrome trace JSON), ShiViz log, Jepsen EDN history");
  cmd->add_option("trace", options->trace, "Native trace (dsim run FILE --trace OUT.json)")->required();
  cmd->add_option("--format", options->format, "perfetto, shiviz or edn")
      ->required()
      ->check(CLI::IsMember({"perfetto", "shiviz", "edn"}));
  cmd->add_option("-o,--output", options->out, "File to write; - for standard output (default)");
  cmd->callback([options, &exit_code] { exit_code = run_export(*options); });
}

}  // namespace dsim::cli
