// `dsim export TRACE --format perfetto|shiviz|edn -o OUT`: the run for other tools
// (docs/exporters.md). Exit 0 written, 2 bad input.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
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

// Whether `out` names the same file as `in` (a hard link or another spelling included).
bool same_file(const std::string& in, const std::string& out) {
  std::error_code ec;
  return std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec) && !ec;
}

int run_export(const ExportOptions& options) {
  std::string error;
  if (options.out != "-") {
    if (same_file(options.trace, options.out)) {
      std::cerr << fmt::format("dsim export: {}: refusing to overwrite the input trace with its export\n",
                               terminal_safe(options.out));
      return kExitBadInput;
    }
  }
  // The export is written as the trace is read, so its memory does not grow with the trace; an
  // output file is named only when complete.
  AtomicFileWriter file;
  if (options.out != "-" && !file.open(options.out, &error)) {
    std::cerr << "dsim export: " << terminal_safe(error) << "\n";
    return kExitBadInput;
  }
  std::ostream& out = options.out == "-" ? std::cout : file.stream();
  const std::unique_ptr<TraceSink> sink = options.format == "perfetto" ? perfetto_sink(out)
                                          : options.format == "shiviz" ? shiviz_sink(out)
                                                                       : edn_sink(out);
  try {
    if (!read_trace(options.trace, *sink, &error)) {
      std::cerr << "dsim export: " << terminal_safe(error) << "\n";
      return kExitBadInput;
    }
  } catch (const std::exception& e) {
    std::cerr << fmt::format("dsim export: {}: malformed trace: {}\n", terminal_safe(options.trace), terminal_safe(e.what()));
    return kExitBadInput;
  }
  if (options.out != "-" && !file.commit(&error)) {
    std::cerr << "dsim export: " << terminal_safe(error) << "\n";
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
  cmd->add_option("-o,--output", options->out, "File to write; - for standard output (default)")->check(non_empty_path());
  cmd->callback([options, &exit_code] { exit_code = run_export(*options); });
}

}  // namespace dsim::cli
