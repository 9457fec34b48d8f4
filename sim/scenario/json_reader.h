// Reading JSON input with precise errors. Every problem is recorded with its JSON Pointer path
// (RFC 6901, e.g. /faults/2/node), what was expected and what was found, and reading goes on so
// that one pass reports every problem. Used for scenario files and for the parameters that
// protocols and workloads read from them.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/time.h"

namespace dsim {

struct Diagnostic {
  std::string path;     // JSON Pointer; "" is the whole document
  std::string message;  // "expected ..., found ..."
  // Where a syntax error is in the text, 1-based; 0 when the problem has a path instead.
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  bool whole_file = false;  // the file itself: missing, unreadable, too large

  bool operator==(const Diagnostic&) const = default;
};

// Problems printed per file; a file with more gets a count of the rest.
inline constexpr std::size_t kDiagnosticsShownMax = 20;

class Diagnostics {
 public:
  void error(std::string path, std::string message) {
    list_.push_back(Diagnostic{std::move(path), std::move(message)});
  }
  void expected(const std::string& path, std::string_view what, const nlohmann::json& found);
  void syntax_error(std::uint32_t line, std::uint32_t column, std::string message) {
    list_.push_back(Diagnostic{"", std::move(message), line, column, false});
  }
  void file_error(std::string message) { list_.push_back(Diagnostic{"", std::move(message), 0, 0, true}); }
  bool ok() const { return list_.empty(); }
  const std::vector<Diagnostic>& list() const { return list_; }
  // "FILE: PATH: MESSAGE", one line per problem ("FILE:LINE:COLUMN: MESSAGE" for syntax errors,
  // "FILE: MESSAGE" for a file that cannot be read); at most kDiagnosticsShownMax of them, then
  // a line counting the rest. Control characters are escaped (terminal_safe).
  std::string format(std::string_view file) const;

 private:
  std::vector<Diagnostic> list_;
};

// A short description of a JSON value for error messages: `"three"`, `-1`, `an object` ...
std::string describe_json(const nlohmann::json& value);
// path + "/" + key, escaped as JSON Pointer requires.
std::string json_path(std::string_view parent, std::string_view key);
std::string json_path(std::string_view parent, std::size_t index);

// Reads one JSON object. Each accessor marks its key as known; finish() reports the unknown ones.
// Accessors return the fallback after recording an error, so callers need no error branches.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string path, Diagnostics& diag);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  bool is_object() const { return object_ != nullptr; }
  bool has(std::string_view key) const;
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return json_path(path_, key); }
  Diagnostics& diag() { return diag_; }

  // The raw value of `key` (marked known), or nullptr when absent.
  const nlohmann::json* raw(std::string_view key);
  // Like raw(), but a missing key is an error.
  const nlohmann::json* required(std::string_view key, std::string_view what);

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  // For the full unsigned 64-bit range (seeds), which integer() cannot express.
  std::uint64_t unsigned_integer(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                 std::uint64_t max);
  double number(std::string_view key, double fallback, double min, double max);
  bool boolean(std::string_view key, bool fallback);
  std::string string(std::string_view key, std::string fallback);
  std::string choice(std::string_view key, std::string fallback, const std::vector<std::string>& options);
  // A duration given in milliseconds (decimals allowed, e.g. 0.25), returned in nanoseconds.
  TimeNs duration_ms(std::string_view key, TimeNs fallback_ns, TimeNs min_ns, TimeNs max_ns);
  std::vector<std::string> strings(std::string_view key);

  // Reports every key that no accessor asked for, naming the keys that are allowed. Only the
  // first call reports, so a validator and its caller may both call it.
  void finish();

 private:
  const nlohmann::json* object_ = nullptr;
  std::string path_;
  Diagnostics& diag_;
  std::set<std::string, std::less<>> known_;
  bool finished_ = false;
};

// Converts a JSON number of milliseconds to nanoseconds; nullopt if not a finite number in range.
std::optional<TimeNs> ms_value_to_ns(const nlohmann::json& value);

}  // namespace dsim
