// UTF-8 validation. Histories are text; rejecting bad bytes up front means no later stage
// (JSON output in particular) meets them.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace dsim::check {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or nothing.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

}  // namespace dsim::check
