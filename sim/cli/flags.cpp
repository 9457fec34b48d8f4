#include "sim/cli/flags.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "sim/core/text.h"
#include "sim/scenario/scenario.h"

namespace dsim::cli {

namespace {

// The text as it appears in a message: escaped, and cut if long.
std::string found(const std::string& text) {
  std::string shown = terminal_safe(text.size() > 40 ? text.substr(0, 37) + "..." : text);
  return text.empty() ? "an empty value" : fmt::format("\"{}\"", shown);
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

CLI::Validator integer_in(std::uint64_t min, std::uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && !text.empty() && value >= min && value <= max) {
          return "";
        }
        return fmt::format("expected an integer from {} to {}, found {}", min, max, found(text));
      },
      fmt::format("INT in [{}, {}]", min, max));
}

CLI::Validator number_in(double min, double max, bool min_exclusive) {
  return CLI::Validator(
      [min, max, min_exclusive](std::string& text) -> std::string {
        const auto value = parse_number(text);
        if (value && (min_exclusive ? *value > min : *value >= min) && *value <= max) return "";
        return min_exclusive ? fmt::format("expected a number more than {} and at most {}, found {}", min, max, found(text))
                             : fmt::format("expected a number from {} to {}, found {}", min, max, found(text));
      },
      fmt::format("NUMBER in {}{}, {}]", min_exclusive ? "(" : "[", min, max));
}

CLI::Validator duration_ms_flag() {
  const double max_ms = ns_to_ms(kScenarioDurationMax);
  return CLI::Validator(
      [max_ms](std::string& text) -> std::string {
        const auto value = parse_number(text);
        if (value && *value > 0 && *value <= max_ms) return "";
        return fmt::format("expected a duration in milliseconds more than 0 and at most {} (7 days), found {}", max_ms,
                           found(text));
      },
      fmt::format("MS in (0, {}]", max_ms));
}

CLI::Validator non_empty_path() {
  return CLI::Validator([](std::string& text) -> std::string { return text.empty() ? "expected a file path, found an empty one" : ""; },
                        "PATH");
}

TimeNs flag_ms_to_ns(double ms) {
  // duration_ms_flag() bounds ms by the longest run, far inside TimeNs.
  return static_cast<TimeNs>(std::llround(ms * static_cast<double>(kNsPerMs)));
}

}  // namespace dsim::cli
