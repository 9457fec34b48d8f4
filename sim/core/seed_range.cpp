#include "sim/core/seed_range.h"

#include <string_view>

#include <fmt/format.h>

#include "sim/core/text.h"

namespace dsim {

std::optional<SeedRange> parse_seed_range(const std::string& text, std::string* error) {
  const auto dots = text.find("..");
  const auto from = parse_u64(std::string_view(text).substr(0, dots));
  const auto to = dots == std::string::npos ? from : parse_u64(std::string_view(text).substr(dots + 2));
  if (!from || !to) {
    if (error) *error = fmt::format("expected seeds as A..B or A (unsigned integers), found \"{}\"", text);
    return std::nullopt;
  }
  if (*to < *from || *to - *from >= kSeedsMax) {
    if (error) *error = fmt::format("expected A <= B and at most {} seeds, found \"{}\"", kSeedsMax, text);
    return std::nullopt;
  }
  return SeedRange{*from, *to};
}

}  // namespace dsim
