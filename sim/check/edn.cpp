#include "sim/check/edn.h"

#include <cerrno>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace dsim::check {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ','; }

bool is_delimiter(char c) {
  return is_space(c) || c == '[' || c == ']' || c == '(' || c == ')' || c == '{' || c == '}' ||
         c == '"';
}

}  // namespace

bool EdnReader::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

// What the reader stands on, for error messages: a few characters, or the end of the line.
std::string EdnReader::found() const {
  if (at_ >= text_.size()) return "the end of the line";
  return fmt::format("'{}'", text_.substr(at_, 12));
}

bool EdnReader::at_end() {
  while (at_ < text_.size() && is_space(text_[at_])) at_++;
  return at_ >= text_.size();
}

bool EdnReader::read(nlohmann::json& value) { return read_value(value, 0); }

bool EdnReader::read_value(nlohmann::json& value, int depth) {
  if (depth > kDepthMax) return fail(fmt::format("values nested deeper than {}", kDepthMax));
  if (at_end()) return fail("expected a value, found the end of the line");
  const char c = text_[at_];
  if (c == '"') return read_string(value);
  if (c == '[') return at_++, read_sequence(value, ']', depth);
  if (c == '(') return at_++, read_sequence(value, ')', depth);
  if (c == '{') return at_++, read_map(value, depth);
  if (c == '#' && at_ + 1 < text_.size() && text_[at_ + 1] == '{') {
    at_ += 2;
    return read_sequence(value, '}', depth);
  }
  if (c == ']' || c == ')' || c == '}') return fail(fmt::format("expected a value, found {}", found()));
  return read_atom(value);
}

bool EdnReader::read_string(nlohmann::json& value) {
  std::string text;
  for (at_++; at_ < text_.size(); at_++) {
    // The run up to the next quote or escape, in one append.
    const std::size_t stop = text_.find_first_of("\"\\", at_);
    text.append(text_.substr(at_, std::min(stop, text_.size()) - at_));
    if (stop == std::string_view::npos) break;
    at_ = stop;
    if (text_[at_] == '"') {
      at_++;
      value = std::move(text);
      return true;
    }
    if (++at_ >= text_.size()) break;
    switch (text_[at_]) {
      case 'n': text += '\n'; break;
      case 't': text += '\t'; break;
      case 'r': text += '\r'; break;
      case '"': text += '"'; break;
      case '\\': text += '\\'; break;
      default: return fail(fmt::format("unsupported string escape '\\{}'", text_[at_]));
    }
  }
  return fail("unterminated string, found the end of the line");
}

bool EdnReader::read_atom(nlohmann::json& value) {
  const std::size_t start = at_;
  while (at_ < text_.size() && !is_delimiter(text_[at_])) at_++;
  const std::string_view token = text_.substr(start, at_ - start);
  if (token == "nil") return value = nullptr, true;
  if (token == "true") return value = true, true;
  if (token == "false") return value = false, true;
  const bool numeric = std::isdigit(static_cast<unsigned char>(token[0])) ||
                       ((token[0] == '-' || token[0] == '+') && token.size() > 1 &&
                        std::isdigit(static_cast<unsigned char>(token[1])));
  if (!numeric) {
    value = std::string(token);  // a keyword keeps its colon; a symbol is its name
    return true;
  }
  const std::string_view digits = token[0] == '+' ? token.substr(1) : token;
  std::int64_t integer = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), integer);
  if (error == std::errc() && end == digits.data() + digits.size()) return value = integer, true;
  const std::string copy(digits);
  char* parsed_end = nullptr;
  errno = 0;
  const double decimal = std::strtod(copy.c_str(), &parsed_end);
  if (errno == 0 && parsed_end == copy.c_str() + copy.size()) return value = decimal, true;
  return fail(fmt::format("expected a number, found '{}'", token));
}

bool EdnReader::read_sequence(nlohmann::json& value, char close, int depth) {
  value = nlohmann::json::array();
  while (!at_end()) {
    if (text_[at_] == close) return at_++, true;
    nlohmann::json item;
    if (!read_value(item, depth + 1)) return false;
    value.push_back(std::move(item));
  }
  return fail(fmt::format("expected '{}', found the end of the line", close));
}

bool EdnReader::read_map(nlohmann::json& value, int depth) {
  value = nlohmann::json::object();
  auto insert = [&value](const std::string& name, nlohmann::json&& item) { value[name] = std::move(item); };
  return read_entries(depth, insert);
}

}  // namespace dsim::check
