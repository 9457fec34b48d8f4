#include "tests/membership/cases.h"

#include <cstdlib>
#include <filesystem>
#include <variant>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sim/core/file.h"
#include "sim/core/rng.h"

namespace dsim::membership::testing {

Scenario parse(const nlohmann::json& doc) {
  auto parsed = parse_scenario(doc.dump(), "membership-test");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
    ADD_FAILURE() << diag->format("membership-test");
    return Scenario{};
  }
  return std::get<Scenario>(std::move(parsed));
}

Scenario detection_case(std::uint32_t nodes, std::uint32_t crashes, const nlohmann::json& params, std::uint64_t seed) {
  nlohmann::json faults = nlohmann::json::array();
  for (std::uint32_t i = 0; i < crashes; ++i) {
    faults.push_back({{"at_ms", 2000 + 2500 * i}, {"action", "crash"}, {"node", fmt::format("n{}", (i * 7 + 3) % nodes)},
                      {"duration_ms", 2000}});
  }
  return parse({{"name", fmt::format("detection-{}", nodes)},
                {"cluster", {{"protocol", "membership"}, {"nodes", nodes}, {"params", params}}},
                {"network", {{"latency", "same-dc"}}},
                {"faults", faults},
                {"expect", {{"safety", "any"}, {"liveness", "any"}}},
                {"run", {{"seed", seed}, {"duration_ms", 2000 + 2500 * crashes + 10000}}}});
}

Scenario swarm_base(const std::string& mode, const std::set<std::string>& bugs) {
  return parse({{"name", "membership-swarm-" + mode},
                {"cluster", {{"protocol", "membership"}, {"nodes", 16}, {"params", {{"mode", mode}}}, {"bugs", bugs}}},
                {"network", {{"latency", "same-dc"}}},
                // The claim fuzzing judges: views converge again after calm (as swim-plain.json).
                {"expect", {{"safety", "holds"}, {"liveness", "holds"}}},
                {"run", {{"seed", 1}, {"duration_ms", kSanitized ? 30000 : 40000}}}});
}

Scenario isolation_case(std::uint64_t seed, const std::set<std::string>& bugs) {
  Rng rng = Rng::derive(seed, "membership-isolation-case");
  const std::uint32_t nodes = rng.chance(0.5) ? 32 : 64;
  nlohmann::json faults = nlohmann::json::array();
  for (int i = 0; i < 20; ++i) {
    faults.push_back({{"at_ms", 1000 + static_cast<std::int64_t>(rng.below(28000))},
                      {"action", "isolate"},
                      {"node", fmt::format("n{}", rng.below(nodes))},
                      {"duration_ms", 50 + static_cast<std::int64_t>(rng.below(101))}});
  }
  return parse({{"name", fmt::format("membership-isolations-{}", seed)},
                {"cluster",
                 {{"protocol", "membership"},
                  {"nodes", nodes},
                  {"params", {{"mode", "swim"}, {"suspicion_mult", 3}, {"lifeguard", true}, {"forbid_false_removal", true}}},
                  {"bugs", bugs}}},
                {"network", {{"latency", "same-dc"}, {"loss", 0.01 * static_cast<double>(rng.below(3))}}},
                {"faults", faults},
                {"expect", {{"safety", "holds"}, {"liveness", "any"}}},
                {"run", {{"seed", seed}, {"duration_ms", 32000}}}});
}

const nlohmann::json& metrics(const RunResult& result) {
  static const nlohmann::json empty = nlohmann::json::object();
  auto it = result.metrics.find("membership");
  return it == result.metrics.end() ? empty : *it;
}

std::string write_reproduction(const Scenario& scenario, const std::string& label) {
  const auto path = std::filesystem::temp_directory_path() / ("dsim-" + label + ".json");
  const std::string text = to_json(scenario).dump(2) + "\n";
  std::string error;
  if (!write_file_atomic(path.string(), text, &error)) return "(could not write " + path.string() + ": " + error + ")";
  return path.string();
}

int case_count(const char* env, int fallback) {
  if (const char* v = std::getenv(env)) return std::atoi(v);
  return kSanitized ? std::max(1, fallback / 5) : fallback;
}

}  // namespace dsim::membership::testing
