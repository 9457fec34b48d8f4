// Properties of the aggregate: it depends on the set of records only (any order, any split into
// shards merged back), counts every record in its point's verdicts, and its figures bound each
// other (min <= median, mean <= max, the CI holds the mean).
#include <algorithm>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "sim/scenario/sweep_json.h"
#include "sim/sweep/sweep.h"

namespace dsim::sweep {
namespace {

using json = nlohmann::json;

const char* const kVerdicts[] = {"held", "violated", "inconclusive", "crashed"};

json header_for(std::size_t values, std::uint64_t seeds) {
  std::vector<json> vs;
  for (std::size_t i = 0; i < values; ++i) vs.push_back(static_cast<std::int64_t>(i * 10));
  std::vector<Param> params = {Param{"", "/a", vs}};
  EXPECT_EQ(name_sweep_params(params), "");
  SweepConfig c;
  c.file = "p.json";
  c.params = params;
  c.seeds = {1, seeds};
  return runs_header(c);
}

// Every (point, seed) once, with a random verdict and random metrics (some missing).
std::vector<json> gen_records(std::size_t points, std::uint64_t seeds) {
  std::vector<json> out;
  for (std::size_t p = 0; p < points; ++p) {
    for (std::uint64_t s = 1; s <= seeds; ++s) {
      const auto verdict = *rc::gen::elementOf(std::vector<std::string>(std::begin(kVerdicts), std::end(kVerdicts)));
      json r = {{"type", "run"}, {"point", p}, {"seed", s}, {"verdict", verdict}};
      if (verdict != "crashed") {
        json m = json::object();
        m["x"] = *rc::gen::inRange(-1000, 1000) / 7.0;  // inexact sums: a sum in another order differs
        if (*rc::gen::arbitrary<bool>()) m["y"] = *rc::gen::inRange(0, 5) / 4.0;
        r["metrics"] = m;
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

RC_GTEST_PROP(SweepAggregateProperty, DependsOnTheRecordsOnlyAndCountsEveryOne, ()) {
  const auto points = *rc::gen::inRange<std::size_t>(1, 5);
  const auto seeds = *rc::gen::inRange<std::uint64_t>(1, 8);
  const json header = header_for(points, seeds);
  const std::vector<json> records = gen_records(points, seeds);
  const json whole = aggregate(header, records);

  // Any order.
  // A random permutation: sort by drawn keys (ties keep their order).
  const auto keys = *rc::gen::container<std::vector<int>>(records.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> order(records.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<json> shuffled;
  for (const std::size_t i : order) shuffled.push_back(records[i]);
  RC_ASSERT(aggregate(header, shuffled).dump() == whole.dump());
  // Any number of shards, merged back, as sweep-report does.
  const auto shards = *rc::gen::inRange<std::size_t>(1, 5);
  std::vector<json> merged;
  for (std::size_t k = 0; k < shards; ++k) {
    for (std::size_t i = k; i < shuffled.size(); i += shards) merged.push_back(shuffled[i]);
  }
  RC_ASSERT(aggregate(header, merged).dump() == whole.dump());

  std::uint64_t counted = 0;
  for (const json& p : whole["points"]) {
    std::uint64_t sum = 0;
    for (const char* v : kVerdicts) sum += p["verdicts"][v].get<std::uint64_t>();
    RC_ASSERT(sum == p["runs"].get<std::uint64_t>());
    counted += sum;
    for (const auto& [name, s] : p["metrics"].items()) {
      const double mean = s["mean"].get<double>();
      RC_ASSERT(s["min"].get<double>() <= s["median"].get<double>());
      RC_ASSERT(s["median"].get<double>() <= s["max"].get<double>());
      RC_ASSERT(s["min"].get<double>() <= mean + 1e-9);
      RC_ASSERT(mean <= s["max"].get<double>() + 1e-9);
      RC_ASSERT(s["p99"].get<double>() <= s["max"].get<double>());
      if (!s["ci95"].is_null()) RC_ASSERT(s["ci95"][0].get<double>() <= mean && mean <= s["ci95"][1].get<double>());
      RC_ASSERT(s["ci95"].is_null() == (s["n"].get<std::uint64_t>() < 2));
    }
  }
  RC_ASSERT(counted == records.size());
}

}  // namespace
}  // namespace dsim::sweep
