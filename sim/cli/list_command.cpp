// `dsim list`: the protocols, workloads and history models of this build, and the shipped
// scenario files with their claims.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "sim/check/model.h"
#include "sim/cli/commands.h"
#include "sim/node/protocol.h"
#include "sim/scenario/scenario.h"
#include "sim/workload/generator.h"
#include "sim/world/metrics.h"

namespace dsim::cli {

namespace {

namespace fs = std::filesystem;

// The shipped scenarios: ./scenarios when run from a checkout, else beside the executable's
// build directory.
std::optional<fs::path> scenarios_dir() {
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return fs::path("scenarios");
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.parent_path(); dir = dir.parent_path()) {
    if (fs::is_directory(dir / "scenarios", ec)) return dir / "scenarios";
  }
  return std::nullopt;
}

void list_scenarios(std::ostream& out) {
  const auto dir = scenarios_dir();
  if (!dir) {
    out << "scenarios: none found (run from a dsim checkout)\n";
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(*dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  out << fmt::format("scenarios ({}):\n", dir->string());
  for (const auto& file : files) {
    auto loaded = load_scenario(file.string());
    if (const auto* s = std::get_if<Scenario>(&loaded)) {
      out << fmt::format("  {}\n      {}\n", file.string(), s->description.empty() ? s->name : s->description);
    } else {
      out << fmt::format("  {}  (invalid: dsim validate {})\n", file.string(), file.string());
    }
  }
}

// What each protocol serves: the table scenario validation enforces (sim/node/protocol.h).
void list_served(std::ostream& out) {
  out << "protocols x workloads (validation enforces this; models are those checks.linearizability may name):\n";
  out << fmt::format("  {:<16} {:<6} {:<10} {}\n", "protocol", "nodes", "workload", "models");
  for (const auto& p : ProtocolRegistry::instance().all()) {
    const std::string nodes = fmt::format(">= {}", p.nodes_min);
    if (p.workloads.empty()) {
      out << fmt::format("  {:<16} {:<6} {:<10} {}\n", p.name, nodes, "any", "(undeclared: nothing enforced)");
    }
    for (std::size_t i = 0; i < p.workloads.size(); ++i) {
      const ServedWorkload& w = p.workloads[i];
      const std::string models = w.workload == "none" ? "-"
                                 : w.models.empty()   ? "(no model fits: the invariants and the workload's own checks judge it)"
                                                      : fmt::format("{}", fmt::join(w.models, ", "));
      out << fmt::format("  {:<16} {:<6} {:<10} {}\n", i == 0 ? p.name : "", i == 0 ? nodes : "", w.workload, models);
    }
  }
}

// The metrics a run publishes, by name (what dsim sweep aggregates).
void list_metrics(std::ostream& out) {
  out << "metrics (dsim run --json, dsim sweep):\n";
  out << "  every run\n";
  for (const auto& m : engine_metric_infos()) out << fmt::format("    {:<44} {}\n", m.name, m.summary);
  for (const auto& p : ProtocolRegistry::instance().all()) {
    if (p.metrics.empty()) continue;
    out << fmt::format("  {}\n", p.name);
    for (const auto& m : p.metrics) out << fmt::format("    {:<44} {}\n", m.name, m.summary);
  }
}

nlohmann::json metrics_json(const std::vector<MetricInfo>& metrics) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : metrics) out.push_back({{"name", m.name}, {"summary", m.summary}});
  return out;
}

void list_all(std::ostream& out) {
  out << "protocols:\n";
  for (const auto& p : ProtocolRegistry::instance().all()) {
    out << fmt::format("  {:<16} {}\n", p.name, p.summary);
    for (const auto& bug : p.known_bugs) out << fmt::format("  {:<16}   bug {}: {}\n", "", bug.name, bug.summary);
  }
  out << "workloads:\n";
  for (const auto& w : WorkloadRegistry::instance().all()) out << fmt::format("  {:<16} {}\n", w.name, w.summary);
  out << fmt::format("history models: {}\n", fmt::join(check::model_names(), ", "));
  list_served(out);
  list_metrics(out);
  list_scenarios(out);
}

// What list_all prints, as one JSON object (`dsim list --json`).
nlohmann::json list_json() {
  nlohmann::json protocols = nlohmann::json::array();
  for (const auto& p : ProtocolRegistry::instance().all()) {
    nlohmann::json bugs = nlohmann::json::array();
    for (const auto& bug : p.known_bugs) bugs.push_back({{"name", bug.name}, {"summary", bug.summary}});
    protocols.push_back({{"name", p.name}, {"summary", p.summary}, {"bugs", bugs}, {"metrics", metrics_json(p.metrics)}});
  }
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& w : WorkloadRegistry::instance().all()) workloads.push_back({{"name", w.name}, {"summary", w.summary}});
  nlohmann::json scenarios = nlohmann::json::array();
  if (const auto dir = scenarios_dir()) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(*dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto loaded = load_scenario(file.string());
      const auto* s = std::get_if<Scenario>(&loaded);
      nlohmann::json entry = {{"file", file.string()}, {"valid", s != nullptr}};
      if (s) entry["description"] = s->description.empty() ? s->name : s->description;
      scenarios.push_back(entry);
    }
  }
  return {{"protocols", protocols},
          {"workloads", workloads},
          {"models", check::model_names()},
          {"run_metrics", metrics_json(engine_metric_infos())},
          {"scenarios", scenarios}};
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("list", "List protocols, workloads, history models and shipped scenarios");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the lists as one JSON object");
  cmd->callback([json, &exit_code] {
    if (*json) {
      std::cout << list_json().dump(2) << "\n";
    } else {
      list_all(std::cout);
    }
    exit_code = kExitHeld;
  });
}

}  // namespace dsim::cli
