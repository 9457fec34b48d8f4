#include "sim/scenario/sweep_json.h"

#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "sim/core/formula.h"
#include "sim/core/seed_range.h"

namespace dsim {

namespace {

using json = nlohmann::json;

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

json number_json(double v) {
  if (std::nearbyint(v) == v && std::fabs(v) < 9e15) return static_cast<std::int64_t>(v);
  return std::round(v * 1e9) / 1e9;  // 0.1 + 2 * 0.1 is 0.3 here, not 0.30000000000000004
}

const std::vector<std::string> kStats = {"mean", "median", "p99", "min", "max", "ci95_low", "ci95_high"};

}  // namespace

std::optional<std::vector<json>> parse_sweep_range(const std::string& text, std::string* error) {
  const std::size_t dots = text.find("..");
  const std::size_t colon = dots == std::string::npos ? std::string::npos : text.find(':', dots);
  const auto from = dots == std::string::npos ? std::nullopt : parse_number(text.substr(0, dots));
  const auto to = from ? parse_number(text.substr(dots + 2, colon == std::string::npos ? std::string::npos : colon - dots - 2))
                       : std::nullopt;
  const auto step = colon == std::string::npos ? std::optional<double>(1.0) : parse_number(text.substr(colon + 1));
  if (!from || !to || !step) {
    *error = fmt::format("\"{}\" is not a range A..B or A..B:STEP of numbers", text);
    return std::nullopt;
  }
  if (!(*step > 0) || *to < *from) {
    *error = fmt::format("\"{}\": a range needs A <= B and a step above 0", text);
    return std::nullopt;
  }
  const double count = std::floor((*to - *from) / *step + 1e-9) + 1;
  if (count > static_cast<double>(kSweepValuesMax)) {
    *error = fmt::format("\"{}\" has {} values, more than {}", text, count, kSweepValuesMax);
    return std::nullopt;
  }
  std::vector<json> values;
  // Each value from A and its index, not by adding steps, so no rounding error piles up.
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    values.push_back(number_json(*from + *step * static_cast<double>(i)));
  }
  return values;
}

std::string name_sweep_params(std::vector<SweepParam>& params) {
  if (params.size() > kSweepParamsMax) return fmt::format("{} parameters, more than {}", params.size(), kSweepParamsMax);
  std::uint64_t points = 1;
  std::set<std::string> pointers, names;
  for (const SweepParam& p : params) {
    if (!pointers.insert(p.pointer).second) return fmt::format("{} is swept twice", p.pointer);
    if (p.values.empty()) return fmt::format("{} has no values", p.pointer);
    points *= p.values.size();
    if (points > kSweepPointsMax) return fmt::format("the grid has more than {} points", kSweepPointsMax);
  }
  const auto last_token = [](const std::string& pointer) { return pointer.substr(pointer.rfind('/') + 1); };
  for (SweepParam& p : params) {
    if (!p.name.empty()) continue;
    std::size_t same = 0;
    for (const SweepParam& q : params) same += q.name.empty() && last_token(q.pointer) == last_token(p.pointer);
    p.name = same == 1 && !last_token(p.pointer).empty() ? last_token(p.pointer) : p.pointer;
  }
  for (const SweepParam& p : params) {
    if (!names.insert(p.name).second) return fmt::format("two parameters are named \"{}\"", p.name);
  }
  return "";
}

namespace {

std::optional<SweepParam> read_param(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  if (!r.is_object()) return std::nullopt;
  SweepParam p;
  p.name = r.string("name", "");
  if (const json* ptr = r.required("pointer", "a JSON Pointer into the scenario, e.g. \"/cluster/nodes\"")) {
    if (!ptr->is_string() || ptr->get<std::string>().empty() || ptr->get<std::string>()[0] != '/') {
      diag.expected(r.path("pointer"), "a JSON Pointer starting with '/'", *ptr);
    } else {
      p.pointer = ptr->get<std::string>();
      try {
        (void)json::json_pointer(p.pointer);
      } catch (const json::exception&) {
        diag.error(r.path("pointer"), "not a JSON Pointer ('~' must be followed by 0 or 1)");
      }
    }
  }
  const json* values = r.raw("values");
  const json* range = r.raw("range");
  if (!values == !range) diag.error(path, "expected exactly one of \"values\" (a list) and \"range\" (\"A..B:STEP\")");
  if (values && (!values->is_array() || values->empty() || values->size() > kSweepValuesMax)) {
    diag.expected(r.path("values"), fmt::format("a list of 1 to {} numbers, strings or booleans", kSweepValuesMax), *values);
  } else if (values) {
    for (std::size_t i = 0; i < values->size(); ++i) {
      if ((*values)[i].is_structured() || (*values)[i].is_null()) diag.expected(json_path(r.path("values"), i), "a number, a string or a boolean", (*values)[i]);
      p.values.push_back((*values)[i]);
    }
  }
  if (range && !range->is_string()) diag.expected(r.path("range"), "a range \"A..B\" or \"A..B:STEP\"", *range);
  else if (range) {
    std::string error;
    if (auto vs = parse_sweep_range(range->get<std::string>(), &error)) p.values = std::move(*vs);
    else diag.error(r.path("range"), error);
  }
  r.finish();
  return p;
}

// A parameter's name, which plot and expect refer to.
void check_name(const SweepSpec& s, const std::string& name, const std::string& path, Diagnostics& diag) {
  for (const SweepParam& p : s.params) {
    if (p.name == name) return;
  }
  std::string names;
  for (const SweepParam& p : s.params) names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", p.name);
  diag.error(path, fmt::format("\"{}\" is not a swept parameter (they are: {})", name, names.empty() ? "none" : names));
}

SweepExpect read_expect(const json& value, const std::string& path, const SweepSpec& s, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  SweepExpect e;
  if (!r.is_object()) return e;
  e.metric = r.string("metric", "");
  if (e.metric.empty()) diag.error(r.path("metric"), "expected a metric's name, e.g. \"raft.split_votes\"");
  e.stat = r.choice("stat", "mean", kStats);
  const bool bound = r.has("below") || r.has("above"), trend = r.has("trend"), fit = r.has("fit");
  if (bound + trend + fit != 1) diag.error(path, "expected one of: \"below\"/\"above\" (a bound), \"trend\", \"fit\"");
  if (const json* at = r.raw("at")) {
    if (!at->is_object()) diag.expected(r.path("at"), "an object of parameter names and values", *at);
    else {
      for (const auto& [name, v] : at->items()) check_name(s, name, json_path(r.path("at"), name), diag);
      e.at = *at;
    }
  }
  if (bound) {
    e.kind = SweepExpect::Kind::bound;
    if (r.has("below")) e.below = r.number("below", 0, -1e300, 1e300);
    if (r.has("above")) e.above = r.number("above", 0, -1e300, 1e300);
  } else if (trend || fit) {
    e.kind = trend ? SweepExpect::Kind::trend : SweepExpect::Kind::fit;
    e.in = r.string("in", "");
    check_name(s, e.in, r.path("in"), diag);
  }
  if (trend) e.increasing = r.choice("trend", "decreasing", {"increasing", "decreasing"}) == "increasing";
  if (fit) {
    e.formula = r.string("fit", "");
    e.tolerance = r.number("tolerance", 0.1, 0, 1e6);
    std::map<std::string, double> names;
    for (const SweepParam& p : s.params) names[p.name] = 1;
    std::string error;
    if (!evaluate_formula(e.formula, names, &error)) diag.error(r.path("fit"), fmt::format("the formula: {}", error));
  }
  r.finish();
  return e;
}

void read_plot(ObjectReader& top, SweepSpec& s, Diagnostics& diag) {
  const json* plot = top.raw("plot");
  if (!plot) return;
  ObjectReader r(*plot, top.path("plot"), diag);
  if (!r.is_object()) return;
  s.plot_metrics = r.strings("metrics");
  s.plot_x = r.string("x", "");
  s.plot_series = r.string("series", "");
  if (!s.plot_x.empty()) check_name(s, s.plot_x, r.path("x"), diag);
  if (!s.plot_series.empty()) check_name(s, s.plot_series, r.path("series"), diag);
  r.finish();
}

void read_seeds(ObjectReader& r, SweepSpec& s, Diagnostics& diag) {
  constexpr std::uint64_t kSeedsPerPointMax = 1'000'000;
  const json* seeds = r.raw("seeds");
  if (!seeds) return;
  const auto range = seeds->is_string() ? parse_seed_range(seeds->get<std::string>(), nullptr) : std::nullopt;
  if (!range || seeds->get<std::string>().find("..") == std::string::npos || range->count() > kSeedsPerPointMax) {
    diag.expected(r.path("seeds"), "a seed range \"A..B\" (A <= B, at most 1,000,000 seeds)", *seeds);
    return;
  }
  s.seeds_from = range->from;
  s.seeds_to = range->to;
}

}  // namespace

std::optional<SweepSpec> read_sweep(const json& value, const std::string& path, Diagnostics& diag) {
  const std::size_t errors_before = diag.list().size();
  ObjectReader r(value, path, diag);
  if (!r.is_object()) return std::nullopt;
  SweepSpec s;
  s.present = true;
  s.title = r.string("title", "");
  read_seeds(r, s, diag);
  if (const json* set = r.required("set", "a list of parameters, each {\"pointer\": ..., \"values\": [...]}")) {
    if (!set->is_array()) diag.expected(r.path("set"), "a list of parameters", *set);
    else {
      for (std::size_t i = 0; i < set->size(); ++i) {
        if (auto p = read_param((*set)[i], json_path(r.path("set"), i), diag)) s.params.push_back(std::move(*p));
      }
    }
  }
  if (diag.list().size() == errors_before) {
    if (const std::string problem = name_sweep_params(s.params); !problem.empty()) diag.error(r.path("set"), problem);
  }
  read_plot(r, s, diag);
  if (const json* expect = r.raw("expect")) {
    if (!expect->is_array() || expect->size() > kSweepExpectMax) {
      diag.expected(r.path("expect"), fmt::format("a list of at most {} expectations", kSweepExpectMax), *expect);
    } else {
      for (std::size_t i = 0; i < expect->size(); ++i) s.expect.push_back(read_expect((*expect)[i], json_path(r.path("expect"), i), s, diag));
    }
  }
  r.finish();
  if (diag.list().size() != errors_before) return std::nullopt;
  return s;
}

nlohmann::json sweep_to_json(const SweepSpec& s) {
  json set = json::array();
  for (const SweepParam& p : s.params) set.push_back({{"name", p.name}, {"pointer", p.pointer}, {"values", p.values}});
  json out = {{"title", s.title}, {"seeds", fmt::format("{}..{}", s.seeds_from, s.seeds_to)}, {"set", set}};
  if (!s.plot_metrics.empty() || !s.plot_x.empty() || !s.plot_series.empty()) {
    out["plot"] = {{"metrics", s.plot_metrics}, {"x", s.plot_x}, {"series", s.plot_series}};
  }
  json expect = json::array();
  for (const SweepExpect& e : s.expect) {
    json j = {{"metric", e.metric}, {"stat", e.stat}};
    if (!e.at.empty()) j["at"] = e.at;
    if (e.below) j["below"] = *e.below;
    if (e.above) j["above"] = *e.above;
    if (e.kind == SweepExpect::Kind::trend) j.update({{"trend", e.increasing ? "increasing" : "decreasing"}, {"in", e.in}});
    if (e.kind == SweepExpect::Kind::fit) j.update({{"fit", e.formula}, {"in", e.in}, {"tolerance", e.tolerance}});
    expect.push_back(std::move(j));
  }
  if (!expect.empty()) out["expect"] = expect;
  return out;
}

}  // namespace dsim
