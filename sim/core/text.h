// Text from input files on its way to a terminal: a scenario's description or a key it names
// could hold escape sequences that move the cursor, retitle the window or hide earlier output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dsim {

// `text` with every control character but newline and tab (C0, DEL, and the C1 range
// U+0080..U+009F in UTF-8) written as \xNN (\u00NN for C1); everything else, including valid
// UTF-8, unchanged. Values quoted inside one-line messages are JSON-escaped before this.
std::string terminal_safe(std::string_view text);

// A duration for people, the same way everywhere: "1004.573 ms" (three decimals: microseconds),
// "250 ms" when whole.
std::string format_ms(double ms);

// The whole text as an unsigned decimal integer ("12"); nullopt for "", "-1", "1x", 2^64.
std::optional<std::uint64_t> parse_u64(std::string_view text);

}  // namespace dsim
