// The per-format parsers behind parse_history (parse.h). Each gets text already checked to be
// UTF-8 and returns the history or an error whose file field the caller fills in.
#pragma once

#include <string_view>

#include "sim/check/parse.h"

namespace dsim::check {

ParseResult parse_jepsen_log(std::string_view text, const Model* model, ParseDeadline deadline, Keys keys);
ParseResult parse_edn_lines(std::string_view text, const Model* model, ParseDeadline deadline, Keys keys);
ParseResult parse_json_history(std::string_view text, const Model* model);

}  // namespace dsim::check
