// Arithmetic over named numbers, for an experiment's expected curve: "log2(n) + ln(n)",
// "2 * f + 1", "n ^ 2 / 4". Numbers, names, + - * / ^ (right-assoc), unary minus, parentheses,
// and the functions log2 ln log10 sqrt exp abs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dsim {

inline constexpr std::size_t kFormulaBytesMax = 1000;  // a longer text is refused, so recursion is bounded

// The value of `text` with `names` bound; nullopt with `error` ("at 5: expected ')'", "unknown name
// 'x'") when it does not parse. A value outside a function's domain is NaN, not an error.
std::optional<double> evaluate_formula(std::string_view text, const std::map<std::string, double>& names,
                                       std::string* error);

}  // namespace dsim
