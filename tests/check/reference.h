// A deliberately naive linearizability checker for the property tests: it tries every order
// of every subset of the unknown operations, with the models' semantics written out again on
// plain JSON values. Exponential; for histories of a handful of operations only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim::check::testing {

using ReferenceState = std::map<std::string, nlohmann::json>;  // by key ("" when none)

inline bool counts(const Operation& op) {  // false: dropped, it constrains nothing
  if (op.type == OpType::fail) return op.f == "cas";
  if (op.type == OpType::info) return op.f != "read" && op.f != "get";
  return true;
}

// Applies `op` to `state`; false when its observed outcome cannot happen there.
inline bool reference_step(ReferenceState& state, const Operation& op) {
  const std::string key = op.key.value_or("");
  const bool kv = op.f == "get" || op.f == "put" || op.f == "append";
  if (!state.contains(key)) state[key] = kv ? nlohmann::json("") : nlohmann::json(nullptr);
  nlohmann::json& value = state[key];
  if (op.f == "read") return value == op.output;
  if (op.f == "get") return value == (op.output.is_null() ? nlohmann::json("") : op.output);
  if (op.f == "write" || op.f == "put") return value = op.value, true;
  if (op.f == "append") return value = value.get<std::string>() + op.value.get<std::string>(), true;
  // cas
  const bool matches = value == op.value[0];
  if (op.type == OpType::fail) return !matches;
  if (matches) value = op.value[1];
  return matches || op.type == OpType::info;
}

// Whether `op` may be placed next: nothing still unplaced that counts completed before it.
inline bool may_come_next(const History& history, const std::vector<bool>& placed, std::size_t i) {
  for (std::size_t j = 0; j < history.ops.size(); j++) {
    if (j == i || placed[j] || !counts(history.ops[j])) continue;
    if (history.ops[j].complete_ns < history.ops[i].invoke_ns) return false;
  }
  return true;
}

inline bool reference_search(const History& history, std::vector<bool>& placed,
                             const ReferenceState& state) {
  bool done = true;
  for (std::size_t i = 0; i < history.ops.size(); i++) {
    const Operation& op = history.ops[i];
    if (!placed[i] && counts(op) && op.type != OpType::info) done = false;
  }
  if (done) return true;  // unknown operations may never take effect
  for (std::size_t i = 0; i < history.ops.size(); i++) {
    if (placed[i] || !counts(history.ops[i]) || !may_come_next(history, placed, i)) continue;
    ReferenceState next = state;
    if (!reference_step(next, history.ops[i])) continue;
    placed[i] = true;
    const bool found = reference_search(history, placed, next);
    placed[i] = false;
    if (found) return true;
  }
  return false;
}

inline bool reference_linearizable(const History& history) {
  std::vector<bool> placed(history.ops.size(), false);
  return reference_search(history, placed, ReferenceState{});
}

}  // namespace dsim::check::testing
