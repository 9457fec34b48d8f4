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

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dsim::check {

class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : text_(text) {}

  // Reads the next value into `value`. On failure returns false and sets `error()`.
  bool read(nlohmann::json& value);
  // Reads a map without building it: each entry goes to `on_entry(name, value)` in order, its
  // name as read() would key it (a keyword without its colon). For the top-level operation map
  // of each history line, where building a JSON object per line was most of the parse.
  template <typename OnEntry>
  bool read_map_entries(OnEntry&& on_entry) {
    if (at_end() || text_[at_] != '{') return fail(fmt::format("expected a map {{...}}, found {}", found()));
    at_++;
    return read_entries(0, on_entry);
  }
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
  // The entries of a map whose '{' was read, up to its '}'.
  template <typename OnEntry>
  bool read_entries(int depth, OnEntry& on_entry) {
    while (!at_end()) {
      if (text_[at_] == '}') return at_++, true;
      nlohmann::json key;
      nlohmann::json item;
      if (!read_value(key, depth + 1)) return false;
      if (at_end() || text_[at_] == '}') return fail("map key without a value, found the end of the map");
      if (!read_value(item, depth + 1)) return false;
      std::string name = key.is_string() ? key.get<std::string>() : key.dump();
      if (!name.empty() && name[0] == ':') name.erase(0, 1);
      on_entry(name, std::move(item));
    }
    return fail("expected '}', found the end of the line");
  }
  bool fail(std::string message);
  std::string found() const;

  std::string_view text_;
  std::size_t at_ = 0;
  std::string error_;
};

}  // namespace dsim::check
