// A reader for the subset of EDN that Jepsen histories use, producing JSON values:
//   nil true false, integers (int64) and decimals, "strings", :keywords (as the string
//   ":name"), symbols (as their name), [vectors] (lists) #{sets} (as arrays), {maps}.
// Commas are whitespace. Map keys become strings: a keyword key loses its colon (`:process`
// -> "process"), other keys are written as EDN. Nesting is limited, so garbage cannot
// exhaust the stack.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace dsim::check {

class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : text_(text) {}

  // Reads the next value into `value`. On failure returns false and sets `error()`.
  bool read(nlohmann::json& value);
  // Skips whitespace and commas; true when nothing but them remains.
  bool at_end();
  const std::string& error() const { return error_; }

 private:
  static constexpr int kDepthMax = 64;

  bool read_value(nlohmann::json& value, int depth);
  bool read_string(nlohmann::json& value);
  bool read_atom(nlohmann::json& value);
  bool read_sequence(nlohmann::json& value, char close, int depth);
  bool read_map(nlohmann::json& value, int depth);
  bool fail(std::string message);
  std::string found() const;

  std::string_view text_;
  std::size_t at_ = 0;
  std::string error_;
};

}  // namespace dsim::check
