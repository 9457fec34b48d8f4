// Self-contained HTML pages built from the visualizer's folder (viz/): `dsim viz` writes
// index.html with a trace, `dsim sweep` writes sweep.html with a sweep's aggregates. Each page's
// stylesheets and scripts are inlined and its data embedded, so it works offline from file://.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace dsim::cli {

// The folder holding the visualizer's pages: `explicit_dir` when given (nullopt unless it holds
// `page_file`), else ./viz, else the nearest viz/ beside or above the executable that holds
// `page_file`. Found at run time so an installed or copied binary still finds them.
std::optional<std::filesystem::path> find_assets_dir(const std::string& explicit_dir, const std::string& page_file);

// The document a page reads at load time from `<script id="ID" type="application/json">`. Views,
// not copies: a trace can be hundreds of megabytes.
struct EmbeddedData {
  std::string_view id;    // the element's id, which the page's scripts look up ("dsim-trace", "dsim-sweep")
  std::string_view json;  // JSON text, embedded as is but for '<' (see inline_page)
  std::string_view name;  // its data-name attribute: where the data came from, shown by the page
};

// `dir`/`page_file` with every `<link rel="stylesheet" href="F">` and `<script src="F"></script>`
// replaced by F's text (F relative to `dir`), and `data` embedded just before the first script.
// Every '<' of the JSON is written \u003c, so nothing in the data can end the element. On failure
// (a file unreadable or over 16 MB, a page naming no script) nullopt, with `error` set to a
// sentence for the caller to prefix with its command's name.
std::optional<std::string> inline_page(const std::filesystem::path& dir, const std::string& page_file,
                                       const EmbeddedData& data, std::string* error);

}  // namespace dsim::cli
