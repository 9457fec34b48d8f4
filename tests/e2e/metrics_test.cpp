// Every metric a shipped scenario's run publishes is one `dsim list` names: the engine's, or its
// protocol's declared list (ProtocolInfo::metrics). A protocol that adds a metric declares it.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "sim/node/protocol.h"
#include "sim/world/metrics.h"
#include "sim/world/run.h"

namespace dsim {
namespace {

namespace fs = std::filesystem;

// Up to `per_protocol` shipped scenarios of each protocol (file order), experiments excluded.
std::map<std::string, std::vector<Scenario>> shipped(std::size_t per_protocol) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(DSIM_SOURCE_DIR) / "scenarios")) {
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().filename() != "schema.json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::vector<Scenario>> out;
  for (const auto& f : files) {
    auto loaded = load_scenario(f.string());
    auto* s = std::get_if<Scenario>(&loaded);
    if (!s || s->sweep.present) continue;
    auto& list = out[s->cluster.protocol];
    if (list.size() < per_protocol) list.push_back(std::move(*s));
  }
  return out;
}

bool declared(const std::string& name, const std::vector<MetricInfo>& infos) {
  for (const auto& m : infos) {
    if (m.name == name) return true;
    if (m.name.ends_with(".*") && name.rfind(m.name.substr(0, m.name.size() - 1), 0) == 0) return true;
  }
  return false;
}

TEST(Metrics, EveryPublishedMetricIsDeclared) {
  const auto by_protocol = shipped(3);
  ASSERT_GE(by_protocol.size(), 8u) << "every protocol family has shipped scenarios";
  for (const auto& [protocol, scenarios] : by_protocol) {
    const ProtocolInfo* info = ProtocolRegistry::instance().find(protocol);
    ASSERT_NE(info, nullptr) << protocol;
    std::vector<MetricInfo> known = engine_metric_infos();
    known.insert(known.end(), info->metrics.begin(), info->metrics.end());
    for (const Scenario& s : scenarios) {
      const RunResult r = run_scenario(s);
      const auto metrics = flat_metrics(r.metrics);
      EXPECT_TRUE(metrics.count("run.events")) << s.name;
      for (const auto& [name, value] : metrics) {
        EXPECT_TRUE(declared(name, known)) << protocol << " publishes " << name << " (in " << s.name
                                           << ") without declaring it in ProtocolInfo::metrics";
      }
    }
  }
}

TEST(Metrics, ClientFiguresAreExact) {
  check::History h;
  const auto op = [](check::OpType type, TimeNs invoke_ns, TimeNs complete_ns) {
    check::Operation o;
    o.type = type;
    o.invoke_ns = invoke_ns;
    o.complete_ns = complete_ns;
    return o;
  };
  h.ops = {op(check::OpType::ok, 0, 2'000'000), op(check::OpType::ok, 0, 4'000'000), op(check::OpType::fail, 0, 1),
           op(check::OpType::info, 0, check::Operation::kNever)};
  const auto m = client_metrics(h);
  EXPECT_EQ(m["ops"], 4);
  EXPECT_EQ(m["ok"], 2);
  EXPECT_DOUBLE_EQ(m["availability"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(m["latency_ms_p50"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(m["latency_ms_p99"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(m["latency_ms_max"].get<double>(), 4);
  EXPECT_TRUE(client_metrics(check::History{}).empty());
  const auto flat = flat_metrics({{"a", {{"b", 1}, {"c", true}, {"d", "x"}, {"e", nullptr}}}, {"f", 2.5}});
  EXPECT_EQ(flat, (std::map<std::string, double>{{"a.b", 1}, {"f", 2.5}})) << "only numbers are metrics";
}

}  // namespace
}  // namespace dsim
