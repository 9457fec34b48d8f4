// What a sweep says of one metric at one grid point, over its seeds: the figures a table, a plot
// and an expectation use.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace dsim::sweep {

struct Summary {
  std::size_t n = 0;
  double mean = 0;
  double median = 0;  // the middle value, or the mean of the two middle ones
  double p99 = 0;     // nearest rank: the smallest value with 99% of them at or below it
  double min = 0;
  double max = 0;
  // The 95% confidence interval of the mean (Student's t, n - 1 degrees of freedom); none when
  // n < 2, where the spread is unknown.
  std::optional<std::pair<double, double>> ci95;
};

// Requires at least one value. The order of `values` does not matter.
Summary summarize(std::vector<double> values);

// Student's t for a two-sided 95% interval with `df` degrees of freedom (df >= 1): exact to three
// decimals up to 30, then interpolated in 1/df towards 1.96.
double t95(std::size_t df);

nlohmann::json to_json(const Summary& summary);

}  // namespace dsim::sweep
