#include "sim/cli/page.h"

#include <cstddef>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "sim/core/file.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kAssetBytesMax = 16u << 20;  // a visualizer file (a page, a script)

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

std::string html_attr(std::string_view s) {
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

// A stylesheet link or a script tag of a page, which inline_page replaces by its file's text.
struct AssetTag {
  std::size_t begin = 0;  // of the tag in the page
  std::size_t end = 0;    // one past it
  std::string path;       // relative to the visualizer's folder
  bool css = false;
};

// The first asset tag at or after `from`, if any. The pages are ours (viz/*.html), so exact tag
// texts suffice; a tag written otherwise is left alone and fails the browser tests.
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

// Appended in one pass, without a copy of the data. JSON may hold '<' only inside strings, where
// \u003c means the same: nothing in the data can end the script element or open a comment.
void append_data_element(std::string& html, const EmbeddedData& data) {
  html += "<script id=\"" + html_attr(data.id) + "\" type=\"application/json\" data-name=\"" + html_attr(data.name) + "\">\n";
  html.reserve(html.size() + data.json.size() + 64);
  for (std::size_t from = 0;;) {
    const std::size_t lt = data.json.find('<', from);
    html.append(data.json.substr(from, lt - from));  // to the end when there is no '<' left
    if (lt == std::string_view::npos) break;
    html += "\\u003c";
    from = lt + 1;
  }
  html += "</script>\n";
}

std::optional<std::string> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::optional<fs::path> find_assets_dir(const std::string& explicit_dir, const std::string& page_file) {
  std::error_code ec;
  if (!explicit_dir.empty()) {
    if (fs::is_regular_file(fs::path(explicit_dir) / page_file, ec)) return fs::path(explicit_dir);
    return std::nullopt;
  }
  if (fs::is_regular_file(fs::path("viz") / page_file, ec)) return fs::path("viz");
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "viz" / page_file, ec)) return dir / "viz";
  }
  return std::nullopt;
}

std::optional<std::string> inline_page(const fs::path& dir, const std::string& page_file, const EmbeddedData& data,
                                       std::string* error) {
  std::string problem;
  const auto page = read_file((dir / page_file).string(), kAssetBytesMax, &problem);
  if (!page) return fail(error, problem);
  std::string html;
  std::size_t last = 0;
  bool data_written = false;
  for (auto tag = next_asset(*page, 0); tag; tag = next_asset(*page, last)) {
    html.append(*page, last, tag->begin - last);
    last = tag->end;
    const fs::path file = dir / tag->path;
    const auto content = read_file(file.string(), kAssetBytesMax, &problem);
    if (!content) return fail(error, fmt::format("the visualizer's file {} is missing: {}", file.string(), problem));
    if (tag->css) {
      html += "<style>\n" + replace_all(*content, "</", "<\\/") + "\n</style>";
      continue;
    }
    // Before the first script, so the data is there when any script runs.
    if (!data_written) append_data_element(html, data);
    data_written = true;
    html += "<script>\n" + replace_all(*content, "</script", "<\\/script") + "\n</script>";
  }
  if (!data_written) return fail(error, fmt::format("{}/{} names no scripts", dir.string(), page_file));
  html.append(*page, last, std::string::npos);
  return html;
}

}  // namespace dsim::cli
