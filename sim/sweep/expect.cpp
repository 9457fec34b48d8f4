#include "sim/sweep/expect.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "sim/core/formula.h"

namespace dsim::sweep {

namespace {

using json = nlohmann::json;

struct Verdict {
  std::string word = "held";
  std::string detail;
};

std::string show(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::string where(const json& params) {
  std::string out;
  for (const auto& [name, v] : params.items()) out += fmt::format("{}{}={}", out.empty() ? "" : ", ", name, show(v));
  return out.empty() ? "the only point" : out;
}

std::string text_of(const SweepExpect& e) {
  std::string t = e.metric + " " + e.stat;
  if (!e.at.empty()) t += fmt::format(" at {}", where(e.at));
  switch (e.kind) {
    case SweepExpect::Kind::bound:
      if (e.above) t += fmt::format(" above {}", *e.above);
      if (e.below) t += fmt::format("{} below {}", e.above ? " and" : "", *e.below);
      return t;
    case SweepExpect::Kind::trend: return fmt::format("{} {} in {}", t, e.increasing ? "increasing" : "decreasing", e.in);
    case SweepExpect::Kind::fit: return t + fmt::format(" ≈ {} within {}% along {}", e.formula, e.tolerance * 100, e.in);
  }
  return t;
}

// A point is judged when each parameter named in `at` has the value given there (or one of them,
// for a list).
bool matches(const json& point, const json& at) {
  for (const auto& [name, v] : at.items()) {
    const json& have = point["params"].value(name, json());
    const bool in = v.is_array() ? std::find(v.begin(), v.end(), have) != v.end() : have == v;
    if (!in) return false;
  }
  return true;
}

// The statistic at a point, or nullopt (with why) when the point cannot be judged.
std::optional<double> figure_at(const json& point, const SweepExpect& e, std::string* why) {
  if (point["runs"].get<std::uint64_t>() == 0 || point["verdicts"]["crashed"].get<std::uint64_t>() > 0) {
    *why = fmt::format("at {}: {} runs, {} crashed", where(point["params"]), point["runs"].dump(), point["verdicts"]["crashed"].dump());
    return std::nullopt;
  }
  const json& m = point["metrics"].value(e.metric, json());
  if (m.is_null()) {
    *why = fmt::format("at {}: no run measured {}", where(point["params"]), e.metric);
    return std::nullopt;
  }
  if (e.stat == "ci95_low" || e.stat == "ci95_high") {
    if (m["ci95"].is_null()) {
      *why = fmt::format("at {}: one run has no confidence interval", where(point["params"]));
      return std::nullopt;
    }
    return m["ci95"][e.stat == "ci95_low" ? 0 : 1].get<double>();
  }
  return m[e.stat].get<double>();
}

Verdict judge_bound(const SweepExpect& e, const std::vector<const json*>& points) {
  for (const json* p : points) {
    std::string why;
    const auto v = figure_at(*p, e, &why);
    if (!v) return {"inconclusive", why};
    if ((e.below && !(*v < *e.below)) || (e.above && !(*v > *e.above))) {
      return {"failed", fmt::format("at {}: {} is {:.6g}", where((*p)["params"]), e.stat, *v)};
    }
  }
  return {"held", fmt::format("{} point(s) within the bound", points.size())};
}

// Points along `in`, grouped by the values of the other parameters, each group in grid order.
std::map<std::string, std::vector<const json*>> lines_along(const std::string& in, const std::vector<const json*>& points) {
  std::map<std::string, std::vector<const json*>> lines;
  for (const json* p : points) {
    json rest = (*p)["params"];
    rest.erase(in);
    lines[rest.dump()].push_back(p);
  }
  return lines;
}

Verdict judge_trend(const SweepExpect& e, const std::vector<const json*>& points) {
  for (const auto& [rest, line] : lines_along(e.in, points)) {
    std::vector<double> vs;
    for (const json* p : line) {
      std::string why;
      const auto v = figure_at(*p, e, &why);
      if (!v) return {"inconclusive", why};
      vs.push_back(*v);
    }
    for (std::size_t i = 1; i < vs.size(); ++i) {
      if (e.increasing ? vs[i] < vs[i - 1] : vs[i] > vs[i - 1]) {
        return {"failed", fmt::format("{} {} from {:.6g} at {} to {:.6g} at {}", e.stat, e.increasing ? "falls" : "rises",
                                      vs[i - 1], where((*line[i - 1])["params"]), vs[i], where((*line[i])["params"]))};
      }
    }
    if (vs.size() < 2 || vs.front() == vs.back()) {
      return {"failed", fmt::format("{} does not move along {} ({:.6g} throughout)", e.stat, e.in, vs.front())};
    }
  }
  return {"held", "monotone along every line"};
}

Verdict judge_fit(const SweepExpect& e, const std::vector<const json*>& points) {
  double worst = 0;
  for (const json* p : points) {
    std::string why;
    const auto v = figure_at(*p, e, &why);
    if (!v) return {"inconclusive", why};
    std::map<std::string, double> names;
    for (const auto& [name, value] : (*p)["params"].items()) {
      if (value.is_number()) names[name] = value.get<double>();
    }
    const auto want = evaluate_formula(e.formula, names, &why);
    if (!want || !std::isfinite(*want)) {
      return {"inconclusive", fmt::format("at {}: the formula {}", where((*p)["params"]), want ? "is not finite" : why)};
    }
    const double off = std::fabs(*v - *want);
    if (off > e.tolerance * std::fabs(*want)) {
      return {"failed", fmt::format("at {}: {} is {:.6g}, the formula {:.6g}", where((*p)["params"]), e.stat, *v, *want)};
    }
    if (*want != 0) worst = std::max(worst, off / std::fabs(*want));
  }
  return {"held", fmt::format("within {:.1f}% at every point", worst * 100)};
}

}  // namespace

json judge(const std::vector<SweepExpect>& expect, const json& aggregate) {
  json out = json::array();
  for (const SweepExpect& e : expect) {
    std::vector<const json*> points;
    for (const json& p : aggregate["points"]) {
      if (matches(p, e.at)) points.push_back(&p);
    }
    Verdict v;
    if (points.empty()) v = {"inconclusive", "no grid point matches \"at\""};
    else if (e.kind == SweepExpect::Kind::bound) v = judge_bound(e, points);
    else if (e.kind == SweepExpect::Kind::trend) v = judge_trend(e, points);
    else v = judge_fit(e, points);
    out.push_back({{"text", text_of(e)}, {"verdict", v.word}, {"held", v.word == "held"}, {"detail", v.detail}});
  }
  return out;
}

std::string overall_verdict(const json& judgements) {
  std::string worst = "held";
  for (const json& j : judgements) {
    if (j["verdict"] == "failed") return "failed";
    if (j["verdict"] == "inconclusive") worst = "inconclusive";
  }
  return worst;
}

}  // namespace dsim::sweep
