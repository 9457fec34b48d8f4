// `dsim viz TRACE -o report.html`: one self-contained HTML page (the visualizer's code, styles
// and the trace inlined) that works offline from file://. The visualizer's files are found at
// run time: --assets DIR, else ./viz, else a viz/ folder beside or above the executable.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/cli/page.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/trace/trace_reader.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

struct VizOptions {
  std::string trace;
  std::string out;
  std::string assets;
};

int run_viz(const VizOptions& options) {
  std::string error;
  std::string out = options.out;
  if (out.empty()) out = fs::path(options.trace).replace_extension(".html").string();
  std::error_code ec;
  if (out != "-" && fs::exists(out, ec) && fs::equivalent(options.trace, out, ec)) {
    std::cerr << fmt::format("dsim viz: {}: refusing to overwrite the input trace with the page\n", terminal_safe(out));
    return kExitBadInput;
  }
  if (out != "-" && !can_write_file(out, &error)) {
    std::cerr << fmt::format("dsim viz: {}\n", terminal_safe(error));
    return kExitBadInput;
  }
  const auto text = read_file(options.trace, kTraceBytesMax, &error);
  if (!text) {
    std::cerr << fmt::format("dsim viz: {}: cannot read: {}\n", terminal_safe(options.trace), error);
    return kExitBadInput;
  }
  // The whole trace is checked (without building it): a truncated or broken one would open as an
  // error page, and a user should hear that here, with a line number.
  if (std::string problem = trace_text_problem(*text, options.trace); !problem.empty()) {
    std::cerr << fmt::format("dsim viz: {}\n", terminal_safe(problem));
    return kExitBadInput;
  }
  const auto dir = find_assets_dir(options.assets, "index.html");
  if (!dir) {
    std::cerr << (options.assets.empty()
                      ? "dsim viz: cannot find the visualizer's files (viz/index.html): run from a dsim checkout or pass --assets DIR\n"
                      : fmt::format("dsim viz: {}: no index.html there\n", terminal_safe(options.assets)));
    return kExitBadInput;
  }
  const std::string name = fs::path(options.trace).filename().string();
  const auto html = inline_page(*dir, "index.html", {"dsim-trace", *text, name}, &error);
  if (!html) {
    std::cerr << fmt::format("dsim viz: {}\n", error);
    return kExitBadInput;
  }
  if (out == "-") {
    std::cout << *html;
    return kExitHeld;
  }
  if (!write_file_atomic(out, *html, &error)) {
    std::cerr << fmt::format("dsim viz: {}\n", terminal_safe(error));
    return kExitBadInput;
  }
  std::cout << fmt::format("wrote {} ({:.1f} MB); open it in a browser\n", terminal_safe(out),
                           static_cast<double>(html->size()) / 1e6);
  return kExitHeld;
}

}  // namespace

void add_viz_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VizOptions>();
  CLI::App* cmd = app.add_subcommand("viz", "Write a trace as one self-contained HTML page (the visualizer, offline)");
  cmd->add_option("trace", options->trace, "Native trace (dsim run FILE --trace OUT.json)")->required();
  cmd->add_option("-o,--output", options->out, "HTML file to write; - for standard output (default: the trace's name with .html)")
      ->check(non_empty_path());
  cmd->add_option("--assets", options->assets, "The visualizer's folder (default: ./viz or beside the executable)");
  cmd->callback([options, &exit_code] { exit_code = run_viz(*options); });
}

}  // namespace dsim::cli
