// Base scenarios for the broadcast tests: built as JSON and parsed, like a user's file.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"

namespace dsim::broadcast::testing {

inline Scenario parse_or_die(const nlohmann::json& doc) {
  auto parsed = parse_scenario(doc.dump(), "test");
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
    ADD_FAILURE() << diag->format("test");
    return Scenario{};
  }
  return std::get<Scenario>(std::move(parsed));
}

// One epidemic from one broadcast: aligned 100 ms rounds, 1 ms links, so a round is a period.
inline Scenario epidemic(std::uint32_t nodes, const std::string& mode, std::uint64_t seed) {
  return parse_or_die({{"cluster", {{"protocol", "broadcast"}, {"nodes", nodes},
                                    {"params", {{"mode", mode}, {"fanout", 1}, {"period_ms", 100}}}}},
                       {"network", {{"latency", {{"dist", "constant"}, {"value_ms", 1}, {"floor_ms", 0}}},
                                    {"client_latency", {{"dist", "constant"}, {"value_ms", 1}, {"floor_ms", 0}}}}},
                       {"workload", {{"kind", "broadcast"}, {"clients", 1}, {"ops", 1}, {"read", 0}, {"think_ms", 1}, {"final_after_ms", 4000}}},
                       {"run", {{"duration_ms", 5500}, {"seed", seed}}}});
}

// The fuzzing base: 6 nodes flooding a total topology with anti-entropy, values synced before
// they are acknowledged (swarm faults crash nodes and lose unsynced writes), a msgs-per-op bound
// the correct protocol keeps with room to spare under any fault mix. Faults fall in the first
// 7 s (the fuzzer keeps the last 30 % calm); final reads 2 s after the workload stops.
inline Scenario fuzz_base(const std::set<std::string>& bugs = {}) {
  nlohmann::json doc = {
      {"name", "broadcast-fuzz-base"},
      {"cluster", {{"protocol", "broadcast"}, {"nodes", 6}, {"bugs", bugs},
                   {"params", {{"mode", "flood"}, {"topology", "total"}, {"period_ms", 20},
                               {"anti_entropy_ms", 300}, {"durable", true}}}}},
      {"network", {{"latency", {{"dist", "uniform"}, {"min_ms", 1}, {"max_ms", 20}, {"floor_ms", 0}}}}},
      {"workload", {{"kind", "broadcast"}, {"clients", 3}, {"think_ms", 50}, {"timeout_ms", 200}, {"attempts", 3},
                    {"stop_ms", 7000}, {"final_after_ms", 2000}}},
      {"checks", {{"broadcast", {{"msgs_per_op_max", 15}}}}},
      {"run", {{"duration_ms", 10000}, {"seed", 1}}}};
  return parse_or_die(doc);
}

}  // namespace dsim::broadcast::testing
