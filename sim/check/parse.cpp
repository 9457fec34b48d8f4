#include "sim/check/parse.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/check/parsers.h"
#include "sim/check/utf8.h"
#include "sim/core/file.h"

namespace dsim::check {

const char* format_name(Format format) {
  switch (format) {
    case Format::auto_detect: return "auto";
    case Format::jepsen_log: return "jepsen-log";
    case Format::edn: return "edn";
    case Format::json: return "json";
  }
  return "auto";
}

std::optional<Format> parse_format_name(std::string_view name) {
  for (Format format : {Format::auto_detect, Format::jepsen_log, Format::edn, Format::json}) {
    if (name == format_name(format)) return format;
  }
  return std::nullopt;
}

std::string ParseError::to_string() const {
  if (line == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}:{}: {}", file, line, message);
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// By the first characters: `{:` starts an EDN map, `{"`, `[` or `{}` JSON; anything else is
// taken for log lines.
Format detect(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size() && is_blank(text[at])) at++;
  if (at == text.size()) return Format::json;  // nothing: JSON says best what is missing
  if (text[at] == '[') return Format::json;
  if (text[at] != '{') return Format::jepsen_log;
  for (at++; at < text.size() && (is_blank(text[at]) || text[at] == ','); at++) {
  }
  return at < text.size() && text[at] == ':' ? Format::edn : Format::json;
}

std::int64_t line_of(std::string_view text, std::size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

}  // namespace

ParseResult parse_history(std::string_view text, Format format, std::string_view file_name,
                          const Model* model, ParseDeadline deadline, Keys keys) {
  ParseResult result;
  const auto late = [&] { return deadline && std::chrono::steady_clock::now() > *deadline; };
  if (auto bad = find_invalid_utf8(text)) {
    result.error = ParseError{.file = "", .line = line_of(text, *bad),
                              .message = fmt::format("expected UTF-8 text, found byte 0x{:02x}",
                                                     static_cast<unsigned char>(text[*bad]))};
  } else {
    const Format chosen = format == Format::auto_detect ? detect(text) : format;
    switch (chosen) {
      case Format::jepsen_log: result = parse_jepsen_log(text, model, deadline, keys); break;
      case Format::edn: result = parse_edn_lines(text, model, deadline, keys); break;
      case Format::json:
      case Format::auto_detect: result = late() ? ParseResult{} : parse_json_history(text, model); break;
    }
    result.format = chosen;
  }
  if (!result.error && late()) {
    result.timed_out = true;
    result.history = History{};
  }
  if (result.error) {
    result.error->file = std::string(file_name);
    result.history = History{};
  }
  return result;
}

ParseResult load_history(const std::string& path, Format format, const Model* model, ParseDeadline deadline, Keys keys) {
  std::string error;
  const auto text = read_file(path, static_cast<std::size_t>(kHistoryBytesMax), &error);
  if (!text) {
    ParseResult result;
    result.error = ParseError{.file = path, .line = 0, .message = error};
    return result;
  }
  return parse_history(*text, format, path, model, deadline, keys);
}

}  // namespace dsim::check
