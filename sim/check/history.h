// A history: what clients asked of a system and what they saw, as input to the checkers.
//
// Each Operation pairs an invoke with its completion. The completion type says what is known:
//   ok    it took effect, and `output` is what the client saw;
//   fail  it did not take effect (a model may still treat it as evidence, e.g. a failed cas says
//         the expected value did not match at some point in its interval);
//   info  unknown: it may take effect at any point after its invoke, or never.
// An operation that never completed is `info` with `complete_ns == kNever`.
//
// Real-time order: operation A precedes B exactly when A.complete_ns < B.invoke_ns. Equal times
// mean the two overlap. For Jepsen inputs, which carry only event order, the times are the
// 1-based line numbers of the invoke and completion lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dsim::check {

enum class OpType { ok, fail, info };  // the completion type

struct Operation {
  std::int64_t process = 0;          // client / process id (sequential per process)
  std::string f;                     // "read", "write", "cas", "get", "put", "append", ...
  std::optional<std::string> key;    // set for keyed models (kv), empty otherwise
  nlohmann::json value;              // the invoke's argument (write 3, cas [1 2]); null when none
  nlohmann::json output;             // the completion's value (a read's result); null when none
  OpType type = OpType::info;
  std::int64_t invoke_ns = 0;        // real-time (or virtual-time) order of the invoke
  std::int64_t complete_ns = kNever; // kNever for info / never completed
  static constexpr std::int64_t kNever = INT64_MAX;
};

struct History {
  std::vector<Operation> ops;
};

// "ok", "fail", "info".
const char* op_type_name(OpType);

// dsim's history JSON, the canonical form documented in docs/history-format.md.
nlohmann::json to_json(const Operation&);
nlohmann::json to_json(const History&);

// A value as compact JSON; never throws (invalid UTF-8 is replaced).
std::string show_value(const nlohmann::json& value);

// A value, or a piece of input text, for an error message: at most kEchoMax characters (cut at
// a UTF-8 character boundary), then "..." and how long it was. An input may be megabytes.
inline constexpr std::size_t kEchoMax = 80;
std::string echo(const nlohmann::json& value);
std::string echo_text(std::string_view text);

// One line for a person: `p3 cas [1 2] -> fail` (the key, when present, follows the name).
std::string describe(const Operation&);

}  // namespace dsim::check
