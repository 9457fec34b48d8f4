// Parsing the text of an input file into JSON, strictly: a syntax error is reported with its line
// and column and with what the parser expected and found; a key given twice in one object (which
// a plain parse would silently collapse to the last one) is an error; and the text's size and
// nesting depth are limited, so that no input can exhaust memory or the stack.
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"

namespace dsim {

struct JsonTextLimits {
  std::size_t bytes_max = 16u << 20;
  std::size_t depth_max = 64;
};

// nullopt when the text is not one valid JSON document; the problems are then in `diag`.
// Duplicate keys are recorded in `diag` but still give a document (the last value wins), so that
// the caller can go on to report the document's other problems in the same pass.
std::optional<nlohmann::json> parse_json_text(std::string_view text, Diagnostics& diag,
                                              const JsonTextLimits& limits = {});

// The 1-based line and column (in characters, not bytes) of byte `offset` in `text`.
struct TextPosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};
TextPosition text_position(std::string_view text, std::size_t offset);

}  // namespace dsim
