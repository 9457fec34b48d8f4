// Numeric command-line flags, checked like scenario fields: the whole text must be a number in
// range (no wrap-around of "-1" into an unsigned, no 2^64, no "nan" or "1e300" milliseconds),
// and the message says the flag, the range and what was found, never a 309-digit bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/core/time.h"

namespace dsim::cli {

// An unsigned integer flag in [min, max].
CLI::Validator integer_in(std::uint64_t min, std::uint64_t max);
// A finite number flag in [min, max] (min_exclusive: in (min, max]).
CLI::Validator number_in(double min, double max, bool min_exclusive = false);
// A virtual-time flag in milliseconds: more than 0 and at most the scenario format's longest run.
CLI::Validator duration_ms_flag();
// A path flag: not empty.
CLI::Validator non_empty_path();

// The flag's text as nanoseconds, once duration_ms_flag() has accepted it.
TimeNs flag_ms_to_ns(double ms);

}  // namespace dsim::cli
