// A range of seeds as people write it: "A..B" (inclusive) or one seed "A". `dsim fuzz --seeds`,
// `dsim sweep --seeds` and an experiment's `sweep.seeds` read it the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dsim {

// Seeds in one invocation: the parent keeps a record (a few hundred bytes) per seed. Shard more.
inline constexpr std::uint64_t kSeedsMax = 10'000'000;

struct SeedRange {
  std::uint64_t from = 0;  // inclusive
  std::uint64_t to = 0;    // inclusive
  std::uint64_t count() const { return to - from + 1; }
};

// "A..B" or "A"; nullopt with `error` set when malformed or longer than kSeedsMax.
std::optional<SeedRange> parse_seed_range(const std::string& text, std::string* error);

}  // namespace dsim
