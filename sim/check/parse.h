// Reading histories from text. Three formats (docs/history-format.md):
//   jepsen-log  Jepsen's old log lines: `INFO  jepsen.util - 3	:invoke	:cas	[3 0]`
//   edn         Jepsen operation maps, one per line: `{:process 0, :type :invoke, :f :get, ...}`
//   json        dsim's history JSON (an operation list), or a JSON list of Jepsen-style events
// Parsing never throws and never trusts its input: every problem is reported as
// `file:line: what was expected, what was found`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/check/history.h"
#include "sim/check/model.h"

namespace dsim::check {

enum class Format { auto_detect, jepsen_log, edn, json };

const char* format_name(Format);                            // "auto", "jepsen-log", "edn", "json"
std::optional<Format> parse_format_name(std::string_view);  // the reverse

struct ParseError {
  std::string file;
  std::int64_t line = 0;  // 1-based; 0 when the problem is not on one line
  std::string message;

  std::string to_string() const;  // "file:line: message"
};

// The wall-clock end of a parse (`dsim check --timeout` counts reading the history); none in
// simulations. Line formats check it every few thousand lines, JSON between its stages.
using ParseDeadline = std::optional<std::chrono::steady_clock::time_point>;

struct ParseResult {
  History history;                  // empty when `error` is set or the deadline passed
  std::optional<ParseError> error;
  bool timed_out = false;           // the deadline passed before the parse was done
  Format format = Format::auto_detect;  // the format read (after detection)
};

// Files larger than this are refused rather than read into memory.
inline constexpr std::int64_t kHistoryBytesMax = 1LL << 30;
// Nesting of arrays and objects in a JSON history (EDN values have the same bound).
inline constexpr std::size_t kHistoryDepthMax = 64;

// How the Jepsen line formats carry a key. Jepsen's own: a :key field. jepsen.independent's:
// every value is a `[key value]` tuple (and no :key), as `dsim export --format edn` writes them.
enum class Keys { field, independent };

// With a model, operations it does not understand (an unknown :f, a malformed cas) are errors
// at the line that shows them.
ParseResult parse_history(std::string_view text, Format format, std::string_view file_name,
                          const Model* model = nullptr, ParseDeadline deadline = std::nullopt,
                          Keys keys = Keys::field);
ParseResult load_history(const std::string& path, Format format, const Model* model = nullptr,
                         ParseDeadline deadline = std::nullopt, Keys keys = Keys::field);

}  // namespace dsim::check
