// `dsim viz TRACE -o report.html`: one self-contained HTML page (the visualizer's code, styles
// and the trace inlined) that works offline from file://. The visualizer's files are found at
// run time: --assets DIR, else ./viz, else a viz/ folder beside or above the executable.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/cli/commands.h"
#include "sim/cli/flags.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/trace/trace_reader.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kAssetBytesMax = 16u << 20;  // a visualizer file (index.html, a script)

struct VizOptions {
  std::string trace;
  std::string out;
  std::string assets;
};

std::optional<fs::path> viz_dir(const std::string& explicit_dir) {
  std::error_code ec;
  if (!explicit_dir.empty()) {
    if (fs::is_regular_file(fs::path(explicit_dir) / "index.html", ec)) return fs::path(explicit_dir);
    return std::nullopt;
  }
  if (fs::is_regular_file("viz/index.html", ec)) return fs::path("viz");
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "viz" / "index.html", ec)) return dir / "viz";
  }
  return std::nullopt;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string html_attr(const std::string& s) {
  std::string out;
  for (const char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

// A stylesheet link or a script tag of index.html, which `dsim viz` replaces by its file's text.
struct AssetTag {
  std::size_t begin = 0;  // of the tag in the page
  std::size_t end = 0;    // one past it
  std::string path;       // relative to the visualizer's folder
  bool css = false;
};

// The first asset tag at or after `from`, if any. The page is ours (viz/index.html), so exact
// tag texts suffice; a tag written otherwise is left alone and fails the browser tests.
std::optional<AssetTag> next_asset(const std::string& page, std::size_t from) {
  struct Form {
    std::string_view open, close;
    bool css;
  };
  constexpr Form kForms[] = {{"<link rel=\"stylesheet\" href=\"", "\">", true},
                             {"<script src=\"", "\"></script>", false}};
  std::optional<AssetTag> first;
  for (const Form& form : kForms) {
    const std::size_t open = page.find(form.open, from);
    if (open == std::string::npos || (first && open > first->begin)) continue;
    const std::size_t path_begin = open + form.open.size();
    const std::size_t close = page.find(form.close, path_begin);
    if (close == std::string::npos) continue;
    first = AssetTag{open, close + form.close.size(), page.substr(path_begin, close - path_begin), form.css};
  }
  return first;
}

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
  const auto dir = viz_dir(options.assets);
  if (!dir) {
    std::cerr << (options.assets.empty()
                      ? "dsim viz: cannot find the visualizer's files (viz/index.html): run from a dsim checkout or pass --assets DIR\n"
                      : fmt::format("dsim viz: {}: no index.html there\n", terminal_safe(options.assets)));
    return kExitBadInput;
  }
  auto page = read_file((*dir / "index.html").string(), kAssetBytesMax, &error);
  if (!page) {
    std::cerr << fmt::format("dsim viz: {}\n", error);
    return kExitBadInput;
  }
  // Inline every stylesheet and script the page names.
  std::string html;
  std::size_t last = 0;
  bool data_written = false;
  for (auto tag = next_asset(*page, 0); tag; tag = next_asset(*page, last)) {
    html.append(*page, last, tag->begin - last);
    last = tag->end;
    const bool is_css = tag->css;
    const std::string& rel = tag->path;
    const auto content = read_file((*dir / rel).string(), kAssetBytesMax, &error);
    if (!content) {
      std::cerr << fmt::format("dsim viz: the visualizer's file {} is missing: {}\n", (*dir / rel).string(), error);
      return kExitBadInput;
    }
    if (is_css) {
      html += "<style>\n" + replace_all(*content, "</", "<\\/") + "\n</style>";
      continue;
    }
    if (!data_written) {
      // JSON may hold '<' only inside strings, where \u003c means the same: nothing in the
      // trace can end the script element or open a comment.
      html += "<script id=\"dsim-trace\" type=\"application/json\" data-name=\"" +
              html_attr(fs::path(options.trace).filename().string()) + "\">\n" +
              replace_all(*text, "<", "\\u003c") + "</script>\n";
      data_written = true;
    }
    html += "<script>\n" + replace_all(*content, "</script", "<\\/script") + "\n</script>";
  }
  html.append(*page, last, std::string::npos);
  if (!data_written) {
    std::cerr << fmt::format("dsim viz: {}/index.html names no scripts\n", dir->string());
    return kExitBadInput;
  }
  if (out == "-") {
    std::cout << html;
    return kExitHeld;
  }
  if (!write_file_atomic(out, html, &error)) {
    std::cerr << fmt::format("dsim viz: {}\n", terminal_safe(error));
    return kExitBadInput;
  }
  std::cout << fmt::format("wrote {} ({:.1f} MB); open it in a browser\n", terminal_safe(out),
                           static_cast<double>(html.size()) / 1e6);
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
