#include "sim/scenario/json_text.h"

#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace dsim {

namespace {

using json = nlohmann::json;

// Printable ASCII stays; every other byte becomes \xNN, so that binary garbage or invalid UTF-8
// quoted back from the input cannot corrupt the terminal or the one-line-per-problem format.
std::string printable(std::string_view bytes, std::size_t max_chars) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02X}", c);
    }
  }
  if (bytes.size() > max_chars) out += "...";
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// What the lexer wanted, for its errors that do not say it themselves.
std::string lexer_expectation(std::string_view error) {
  if (starts_with(error, "invalid literal")) return "a JSON value (object, array, string, number, true, false or null)";
  if (error.find("UTF-8") != std::string_view::npos) return "well-formed UTF-8";
  if (starts_with(error, "invalid string: control character")) return "control characters escaped (\\n, \\t, \\u0000 ...)";
  if (starts_with(error, "invalid string: missing closing quote")) return "a closing quote";
  if (starts_with(error, "invalid string: forbidden character after backslash")) {
    return "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
  }
  if (starts_with(error, "invalid string: '\\u'")) return "four hex digits after \\u";
  if (starts_with(error, "invalid string: surrogate")) return "a valid UTF-16 surrogate pair";
  return "valid JSON";
}

// Rewrites nlohmann's parse error text as "expected X, found Y". Its shape (json/parser.hpp):
//   [json.exception.parse_error.101] parse error at line L, column C: syntax error while parsing
//   CONTEXT - (unexpected TOKEN | LEXER-ERROR; last read: 'TEXT')[; expected TOKEN]
std::string syntax_message(std::string_view what, const std::string& last_token) {
  if (auto bracket = what.find("] "); starts_with(what, "[") && bracket != std::string_view::npos) {
    what.remove_prefix(bracket + 2);
  }
  if (starts_with(what, "parse error")) {
    const auto colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  if (starts_with(what, "number overflow")) {
    return fmt::format("expected a number of at most about 1.8e308, found '{}'", printable(last_token, 40));
  }
  constexpr std::string_view kSyntax = "syntax error ";
  if (!starts_with(what, kSyntax)) return fmt::format("expected valid JSON, found: {}", printable(what, 200));
  what.remove_prefix(kSyntax.size());

  std::string context = "the document";
  constexpr std::string_view kWhile = "while parsing ";
  if (starts_with(what, kWhile)) {
    const auto dash = what.find(" - ");
    if (dash != std::string_view::npos) context = std::string(what.substr(kWhile.size(), dash - kWhile.size()));
  }
  if (const auto dash = what.find("- "); dash != std::string_view::npos) what.remove_prefix(dash + 2);

  std::string found;
  std::string expected;
  constexpr std::string_view kUnexpected = "unexpected ";
  constexpr std::string_view kLastRead = "; last read: '";
  constexpr std::string_view kExpected = "; expected ";
  if (starts_with(what, kUnexpected)) {
    what.remove_prefix(kUnexpected.size());
    const auto semi = what.find(kExpected);
    found = std::string(what.substr(0, semi));
    if (semi != std::string_view::npos) expected = std::string(what.substr(semi + kExpected.size()));
  } else if (const auto read = what.find(kLastRead); read != std::string_view::npos) {
    std::string_view error = what.substr(0, read);
    std::string_view token = what.substr(read + kLastRead.size());
    if (const auto end = token.rfind("'" + std::string(kExpected)); end != std::string_view::npos) {
      expected = std::string(token.substr(end + 1 + kExpected.size()));
      token = token.substr(0, end);
    } else if (!token.empty() && token.back() == '\'') {
      token.remove_suffix(1);
    }
    if (starts_with(error, "invalid literal") && token.size() > 1) {
      // nlohmann does not reset its token text before a literal, so it may begin with the
      // tokens before it ('"a": tru}'); a literal never contains these characters.
      const auto start = token.substr(0, token.size() - 1).find_last_of("{}[],:\" \t\r\n");
      if (start != std::string_view::npos) token.remove_prefix(start + 1);
    }
    if (const auto semi = error.find(kExpected); semi != std::string_view::npos) {
      // "invalid number; expected digit after '-'": the lexer says what it wanted.
      if (expected.empty()) expected = std::string(error.substr(semi + kExpected.size()));
      error = error.substr(0, semi);
    }
    if (expected.empty()) expected = lexer_expectation(error);
    found = fmt::format("'{}' ({})", printable(token, 40), error);
  } else {
    return fmt::format("syntax error while parsing {}: {}", context, printable(what, 200));
  }
  if (expected.empty()) expected = "valid JSON";
  return fmt::format("syntax error while parsing {}: expected {}, found {}", context, expected,
                     printable(found, 120));
}

// Walks the document as the parser reads it, keeping the JSON Pointer of the current value, the
// keys seen in each open object, and the depth.
class StrictSax {
 public:
  StrictSax(std::string_view text, Diagnostics& diag, std::size_t depth_max)
      : text_(text), diag_(diag), depth_max_(depth_max) {}

  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t) { return value(); }
  bool number_float(json::number_float_t, const json::string_t&) { return value(); }
  bool string(json::string_t&) { return value(); }
  bool binary(json::binary_t&) { return value(); }
  bool start_object(std::size_t) { return open(false); }
  bool start_array(std::size_t) { return open(true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& key) {
    Frame& frame = stack_.back();
    frame.key = key;
    if (!frame.keys.insert(key).second) {
      diag_.error(path(), "duplicate key; expected each key at most once in an object");
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& ex) {
    // `position` counts the characters read, the offending one included.
    const TextPosition at = text_position(text_, position == 0 ? 0 : position - 1);
    diag_.syntax_error(at.line, at.column, syntax_message(ex.what(), last_token));
    return false;
  }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t next_index = 0;   // arrays: the index the next element gets
    std::string key;              // objects: the key of the current member
    std::set<std::string> keys;   // objects: every key seen so far
  };

  bool value() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().next_index;
    return true;
  }

  bool open(bool is_array) {
    value();
    if (stack_.size() >= depth_max_) {
      diag_.error(path(), fmt::format("expected at most {} levels of nested arrays and objects, found more", depth_max_));
      return false;
    }
    stack_.push_back(Frame{is_array, 0, {}, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  std::string path() const {
    std::string out;
    for (const Frame& frame : stack_) {
      out = frame.is_array ? json_path(out, frame.next_index - 1) : json_path(out, frame.key);
    }
    return out;
  }

  std::string_view text_;
  Diagnostics& diag_;
  std::size_t depth_max_;
  std::vector<Frame> stack_;
};

bool only_whitespace(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

TextPosition text_position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition at;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++at.line;
      at.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // UTF-8 continuation bytes do not start a character
      ++at.column;
    }
  }
  return at;
}

std::optional<json> parse_json_text(std::string_view text, Diagnostics& diag, const JsonTextLimits& limits) {
  if (text.size() > limits.bytes_max) {
    diag.file_error(fmt::format("expected at most {} bytes, found {}", limits.bytes_max, text.size()));
    return std::nullopt;
  }
  if (only_whitespace(text)) {
    diag.error("", "expected a JSON object, found an empty file");
    return std::nullopt;
  }
  StrictSax sax(text, diag, limits.depth_max);
  if (!json::sax_parse(text.begin(), text.end(), &sax)) return std::nullopt;
  // The strict pass accepted the text, so this parse cannot fail.
  return json::parse(text.begin(), text.end());
}

}  // namespace dsim
