// The sweep library: grids from --set texts, exact summaries, aggregates of known runs (a crashed
// or violated run is counted, never dropped), formulas, and an experiment's expectations.
#include <cmath>

#include <gtest/gtest.h>

#include "sim/core/formula.h"
#include "sim/scenario/sweep_json.h"
#include "sim/sweep/expect.h"
#include "sim/sweep/grid.h"
#include "sim/sweep/stats.h"
#include "sim/sweep/sweep.h"

namespace dsim::sweep {
namespace {

using json = nlohmann::json;

Param set_ok(const std::string& text) {
  std::string error;
  auto p = parse_set(text, &error);
  EXPECT_TRUE(p.has_value()) << text << ": " << error;
  return p.value_or(Param{});
}

std::string set_error(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse_set(text, &error).has_value()) << text;
  return error;
}

TEST(SweepGrid, ValuesAreJsonScalarsOrBareText) {
  EXPECT_EQ(set_ok("/cluster/nodes=3,5,7").values, (std::vector<json>{3, 5, 7}));
  EXPECT_EQ(set_ok("/a/b=0.5,true,\"x,y\",fast").values, (std::vector<json>{0.5, true, "x,y", "fast"}));
  EXPECT_EQ(set_ok("/a=100..300:50").values, (std::vector<json>{100, 150, 200, 250, 300}));
  EXPECT_EQ(set_ok("/a=1..3").values, (std::vector<json>{1, 2, 3}));
  // Each value from A and its index: no 0.30000000000000004.
  EXPECT_EQ(set_ok("/a=0.1..0.5:0.1").values, (std::vector<json>{0.1, 0.2, 0.3, 0.4, 0.5}));
  EXPECT_EQ(set_ok("/a=0..10:4").values, (std::vector<json>{0, 4, 8}));
}

TEST(SweepGrid, BadSetsSayWhatIsWrong) {
  EXPECT_NE(set_error("cluster/nodes=3").find("JSON Pointer"), std::string::npos);
  EXPECT_NE(set_error("/cluster/nodes").find("POINTER=VALUES"), std::string::npos);
  EXPECT_NE(set_error("/a~2=1").find("'~'"), std::string::npos);
  EXPECT_NE(set_error("/a=1,,2").find("empty value"), std::string::npos);
  EXPECT_NE(set_error("/a=[1,2]").find("a number, a string or a boolean"), std::string::npos);
  EXPECT_NE(set_error("/a=null").find("null"), std::string::npos);
  EXPECT_NE(set_error("/a=5..1").find("A <= B"), std::string::npos);
  EXPECT_NE(set_error("/a=1..5:0").find("step above 0"), std::string::npos);
  EXPECT_NE(set_error("/a=1..x").find("not a range"), std::string::npos);
  EXPECT_NE(set_error("/a=0..100000").find("more than 1000"), std::string::npos);
}

TEST(SweepGrid, PointsVaryTheLastParameterFastestAndNamesAreUnique) {
  std::vector<Param> params = {set_ok("/cluster/nodes=3,5"), set_ok("/cluster/params/x=a,b,c")};
  ASSERT_EQ(name_sweep_params(params), "");
  EXPECT_EQ(params[0].name, "nodes");
  EXPECT_EQ(params[1].name, "x");
  const auto points = grid_points(params);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[1], (Point{0, 1}));
  EXPECT_EQ(points[3], (Point{1, 0}));
  EXPECT_EQ(point_values(params, points[5]), (json{{"nodes", 5}, {"x", "c"}}));
  EXPECT_EQ(grid_points({}).size(), 1u) << "no parameters: the scenario itself";

  std::vector<Param> same = {set_ok("/a/x=1"), set_ok("/b/x=2")};
  ASSERT_EQ(name_sweep_params(same), "");
  EXPECT_EQ(same[0].name, "/a/x") << "a shared last token names neither";
  std::vector<Param> twice = {set_ok("/a=1"), set_ok("/a=2")};
  EXPECT_NE(name_sweep_params(twice).find("swept twice"), std::string::npos);
}

TEST(SweepGrid, ApplyingAPointSetsEveryPointer) {
  std::vector<Param> params = {set_ok("/cluster/nodes=3,5"), set_ok("/cluster/params/timeout_ms=10,20")};
  ASSERT_EQ(name_sweep_params(params), "");
  std::string error;
  const auto doc = apply_point(json{{"cluster", {{"nodes", 1}}}}, params, Point{1, 0}, &error);
  ASSERT_TRUE(doc) << error;
  EXPECT_EQ((*doc)["cluster"]["nodes"], 5);
  EXPECT_EQ((*doc)["cluster"]["params"]["timeout_ms"], 10) << "a missing object on the way is created";
  EXPECT_FALSE(apply_point(json{{"cluster", 3}}, params, Point{0, 0}, &error));
  EXPECT_NE(error.find("/cluster/nodes"), std::string::npos) << error;
}

TEST(SweepStats, SummariesAreExact) {
  const Summary s = summarize({4, 1, 3, 2});
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.p99, 4);
  // sd = sqrt(5/3); half-width = t(3) * sd / 2.
  ASSERT_TRUE(s.ci95);
  EXPECT_NEAR(s.ci95->second - 2.5, 3.182 * std::sqrt(5.0 / 3.0) / 2, 1e-9);
  EXPECT_NEAR(2.5 - s.ci95->first, s.ci95->second - 2.5, 1e-12);
  EXPECT_FALSE(summarize({7}).ci95) << "one value: no spread to speak of";
  EXPECT_DOUBLE_EQ(summarize({7}).median, 7);
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_DOUBLE_EQ(summarize(hundred).p99, 99);
  EXPECT_DOUBLE_EQ(t95(1), 12.706);
  EXPECT_DOUBLE_EQ(t95(30), 2.042);
  EXPECT_GT(t95(31), 1.96);
  EXPECT_LT(t95(1000), 1.97);
}

json header_of(std::vector<Param> params, std::uint64_t from, std::uint64_t to) {
  EXPECT_EQ(name_sweep_params(params), "");
  SweepConfig c;
  c.file = "x.json";
  c.params = std::move(params);
  c.seeds = {from, to};
  return runs_header(c);
}

json run(std::size_t point, std::uint64_t seed, const std::string& verdict, json metrics) {
  json r = {{"type", "run"}, {"point", point}, {"seed", seed}, {"verdict", verdict}};
  if (!metrics.is_null()) r["metrics"] = std::move(metrics);
  return r;
}

TEST(SweepAggregate, KnownRunsGiveExactFiguresAndEveryVerdictIsCounted) {
  const json header = header_of({set_ok("/n=3,5")}, 1, 3);
  const std::vector<json> records = {
      run(1, 3, "held", {{"m", 30}}), run(0, 1, "held", {{"m", 1}, {"k", 2}}), run(0, 2, "violated", {{"m", 2}}),
      run(0, 3, "inconclusive", {{"m", 6}}), run(1, 1, "crashed", nullptr), run(1, 2, "held", {{"m", 10}})};
  for (const json& r : records) EXPECT_EQ(record_problem(header, r), "") << r;
  const json agg = aggregate(header, records);
  ASSERT_EQ(agg["points"].size(), 2u);
  const json& p0 = agg["points"][0];
  EXPECT_EQ(p0["params"], (json{{"n", 3}}));
  EXPECT_EQ(p0["runs"], 3);
  EXPECT_EQ(p0["verdicts"], (json{{"held", 1}, {"violated", 1}, {"inconclusive", 1}, {"crashed", 0}}));
  EXPECT_DOUBLE_EQ(p0["metrics"]["m"]["mean"].get<double>(), 3);
  EXPECT_DOUBLE_EQ(p0["metrics"]["m"]["median"].get<double>(), 2);
  EXPECT_EQ(p0["metrics"]["k"]["n"], 1);
  EXPECT_TRUE(p0["metrics"]["k"]["ci95"].is_null());
  const json& p1 = agg["points"][1];
  EXPECT_EQ(p1["runs"], 3) << "the crashed run is counted";
  EXPECT_EQ(p1["verdicts"]["crashed"], 1);
  EXPECT_EQ(p1["metrics"]["m"]["n"], 2);
  EXPECT_DOUBLE_EQ(p1["metrics"]["m"]["mean"].get<double>(), 20);
  EXPECT_FALSE(p1["metrics"].contains("k")) << "a metric no run there measured is absent, not zero";
  EXPECT_EQ(agg["metrics"], (json{"k", "m"}));
  // The order of the records does not matter.
  std::vector<json> reversed(records.rbegin(), records.rend());
  EXPECT_EQ(aggregate(header, reversed).dump(), agg.dump());
  // The CSV has a row per point and metric.
  const std::string csv = csv_text(agg);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 + 1);
  EXPECT_NE(csv.find("\n3,3,1,1,1,0,m,3,3,2,6,1,6,"), std::string::npos) << csv;
}

TEST(SweepAggregate, BadRecordsAreNamed) {
  const json header = header_of({set_ok("/n=3,5")}, 1, 3);
  EXPECT_NE(record_problem(header, run(2, 1, "held", json::object())).find("below 2"), std::string::npos);
  EXPECT_NE(record_problem(header, run(0, 4, "held", json::object())).find("1..3"), std::string::npos);
  EXPECT_NE(record_problem(header, run(0, 1, "fine", json::object())).find("verdict"), std::string::npos);
  EXPECT_NE(record_problem(header, run(0, 1, "held", {{"m", "x"}})).find("\"m\""), std::string::npos);
  EXPECT_NE(record_problem(header, json::array()).find("type"), std::string::npos);
}

TEST(Formula, EvaluatesAndNamesWhatIsWrong) {
  std::string error;
  const std::map<std::string, double> n8 = {{"n", 8}};
  EXPECT_DOUBLE_EQ(*evaluate_formula("log2(n) + 1", n8, &error), 4);
  EXPECT_DOUBLE_EQ(*evaluate_formula("2 ^ 3 ^ 2", {}, &error), 512) << "right-associative";
  EXPECT_DOUBLE_EQ(*evaluate_formula("-n / 4 * 2", n8, &error), -4);
  EXPECT_DOUBLE_EQ(*evaluate_formula("sqrt(abs(-16)) - ln(exp(1))", {}, &error), 3);
  EXPECT_FALSE(evaluate_formula("log2(m)", n8, &error));
  EXPECT_NE(error.find("unknown name 'm'"), std::string::npos) << error;
  EXPECT_FALSE(evaluate_formula("cos(n)", n8, &error));
  EXPECT_NE(error.find("unknown function"), std::string::npos) << error;
  EXPECT_FALSE(evaluate_formula("(n + 1", n8, &error));
  EXPECT_NE(error.find("')'"), std::string::npos) << error;
  EXPECT_FALSE(evaluate_formula("n n", n8, &error));
  EXPECT_FALSE(evaluate_formula(std::string(2000, '('), n8, &error));
  EXPECT_TRUE(std::isnan(*evaluate_formula("sqrt(-1)", {}, &error))) << "outside a domain is NaN, not an error";
}

// An aggregate with one parameter n = 2, 4, 8 and a metric equal to `values`.
json line_aggregate(const std::vector<double>& values) {
  json points = json::array();
  const int ns[] = {2, 4, 8};
  for (std::size_t i = 0; i < values.size(); ++i) {
    points.push_back({{"params", {{"n", ns[i]}}},
                      {"runs", 5},
                      {"verdicts", {{"held", 5}, {"violated", 0}, {"inconclusive", 0}, {"crashed", 0}}},
                      {"metrics", {{"m", to_json(summarize({values[i], values[i]}))}}}});
  }
  return {{"points", points}};
}

SweepSpec experiment(const std::string& expect) {
  Diagnostics diag;
  const json section = json::parse(R"({"set": [{"pointer": "/n", "values": [2, 4, 8]}], "expect": [)" + expect + "]}");
  auto spec = read_sweep(section, "/sweep", diag);
  EXPECT_TRUE(spec) << diag.format("x.json");
  return spec.value_or(SweepSpec{});
}

std::string verdict(const std::string& expect, const std::vector<double>& values) {
  const json j = judge(experiment(expect).expect, line_aggregate(values));
  return j.empty() ? "none" : j[0]["verdict"].get<std::string>();
}

TEST(SweepExpectations, BoundsTrendsAndFitsAreJudged) {
  EXPECT_EQ(verdict(R"({"metric": "m", "below": 5})", {1, 2, 3}), "held");
  EXPECT_EQ(verdict(R"({"metric": "m", "below": 3})", {1, 2, 3}), "failed") << "bounds are strict";
  EXPECT_EQ(verdict(R"({"metric": "m", "at": {"n": 2}, "below": 2})", {1, 2, 3}), "held");
  EXPECT_EQ(verdict(R"({"metric": "m", "at": {"n": 3}, "below": 2})", {1, 2, 3}), "inconclusive") << "no such point";
  EXPECT_EQ(verdict(R"({"metric": "other", "below": 2})", {1, 2, 3}), "inconclusive") << "nothing measured it";
  EXPECT_EQ(verdict(R"({"metric": "m", "trend": "increasing", "in": "n"})", {1, 2, 2}), "held");
  EXPECT_EQ(verdict(R"({"metric": "m", "trend": "decreasing", "in": "n"})", {1, 2, 3}), "failed");
  EXPECT_EQ(verdict(R"({"metric": "m", "trend": "increasing", "in": "n"})", {2, 2, 2}), "failed") << "flat is no trend";
  EXPECT_EQ(verdict(R"J({"metric": "m", "fit": "log2(n)", "in": "n", "tolerance": 0.1})J", {1, 2.1, 3}), "held");
  EXPECT_EQ(verdict(R"J({"metric": "m", "fit": "log2(n)", "in": "n", "tolerance": 0.01})J", {1, 2.1, 3}), "failed");
  json crashed = line_aggregate({1, 2, 3});
  crashed["points"][1]["verdicts"]["crashed"] = 1;
  EXPECT_EQ(judge(experiment(R"({"metric": "m", "below": 5})").expect, crashed)[0]["verdict"], "inconclusive");
  EXPECT_EQ(overall_verdict(json::parse(R"([{"verdict": "held"}, {"verdict": "inconclusive"}])")), "inconclusive");
  EXPECT_EQ(overall_verdict(json::parse(R"([{"verdict": "failed"}, {"verdict": "inconclusive"}])")), "failed");
}

TEST(SweepExpectations, BadSectionsAreReportedAtTheirPath) {
  const auto problems = [](const std::string& text) {
    Diagnostics diag;
    EXPECT_FALSE(read_sweep(json::parse(text), "/sweep", diag)) << text;
    return diag.format("x.json");
  };
  EXPECT_NE(problems(R"({"set": [{"pointer": "n", "values": [1]}]})").find("/sweep/set/0/pointer"), std::string::npos);
  EXPECT_NE(problems(R"({"set": [{"pointer": "/n", "values": [1], "range": "1..2"}]})").find("exactly one of"), std::string::npos);
  EXPECT_NE(problems(R"({"set": [{"pointer": "/n", "range": "1..x"}]})").find("/sweep/set/0/range"), std::string::npos);
  EXPECT_NE(problems(R"({"set": [{"pointer": "/n", "values": [[1]]}]})").find("/sweep/set/0/values/0"), std::string::npos);
  EXPECT_NE(problems(R"({"set": [{"pointer": "/n", "values": [1]}], "plot": {"x": "m"}})").find("not a swept parameter"),
            std::string::npos);
  EXPECT_NE(problems(R"J({"set": [{"pointer": "/n", "values": [1]}], "expect": [{"metric": "m", "fit": "log(n)", "in": "n"}]})J")
                .find("/sweep/expect/0/fit"),
            std::string::npos);
  EXPECT_NE(problems(R"({"set": [{"pointer": "/n", "values": [1]}], "expect": [{"metric": "m"}]})").find("one of"),
            std::string::npos);
  EXPECT_NE(problems(R"({"set": [], "seeds": "5..1"})").find("/sweep/seeds"), std::string::npos);
  EXPECT_NE(problems(R"({"set": [], "bogus": 1})").find("bogus"), std::string::npos);
}

TEST(SweepExpectations, TheSectionRoundTrips) {
  const SweepSpec s = experiment(R"J({"metric": "m", "at": {"n": 2}, "below": 3, "above": 1},
                                    {"metric": "m", "stat": "p99", "trend": "increasing", "in": "n"},
                                    {"metric": "m", "fit": "n / 2", "in": "n", "tolerance": 0.3})J");
  Diagnostics diag;
  const auto back = read_sweep(sweep_to_json(s), "/sweep", diag);
  ASSERT_TRUE(back) << diag.format("x.json");
  EXPECT_EQ(*back, s);
}

}  // namespace
}  // namespace dsim::sweep
