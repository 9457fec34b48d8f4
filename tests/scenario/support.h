// Helpers for the scenario format tests: a minimal valid document to mutate, and parsing that
// returns either the Scenario or the problems as (path, message) lines.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"

namespace dsim::testing {

// The smallest valid scenario: every other section takes its defaults.
inline nlohmann::json minimal_doc() {
  return {{"cluster", {{"protocol", "primary-backup"}, {"nodes", 3}}}};
}

// A document with faults, for the fault tests: 5 nodes, a 10 s run.
inline nlohmann::json doc_with_faults(nlohmann::json faults, std::uint32_t nodes = 5) {
  nlohmann::json doc = minimal_doc();
  doc["cluster"]["nodes"] = nodes;
  doc["faults"] = std::move(faults);
  return doc;
}

inline std::variant<Scenario, Diagnostics> parse_doc(const nlohmann::json& doc) {
  return parse_scenario(doc.dump(), "test.json");
}

// The scenario, failing the test (with every problem listed) when the document is not valid.
inline Scenario parse_ok(const nlohmann::json& doc) {
  auto result = parse_doc(doc);
  if (auto* diag = std::get_if<Diagnostics>(&result)) {
    ADD_FAILURE() << "expected a valid scenario, got:\n" << diag->format("test.json") << "for " << doc.dump(2);
    return Scenario{};
  }
  return std::get<Scenario>(std::move(result));
}

// The problems, empty when the document is valid.
inline std::vector<Diagnostic> problems_of_text(std::string_view text) {
  auto result = parse_scenario(text, "test.json");
  if (auto* diag = std::get_if<Diagnostics>(&result)) return diag->list();
  return {};
}

inline std::vector<Diagnostic> problems(const nlohmann::json& doc) { return problems_of_text(doc.dump()); }

inline std::string format_problems(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += (d.line ? std::to_string(d.line) + ":" + std::to_string(d.column) : d.path) + ": " + d.message + "\n";
  return out;
}

}  // namespace dsim::testing
