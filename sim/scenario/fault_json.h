// One entry of a scenario's `faults` list: reading it into a FaultAction, and writing a
// FaultAction back in a form that reads back as exactly the same action.
//
// Each written action expands to one FaultAction: "isolate", "bridge", "partition-majority" ...
// become Kind::partition with their directed `pairs` computed and the action's name as `label`.
// Writing prefers the action as it was written (its label), and falls back to an explicit form,
// {"action": "partition", "label": ..., "pairs": [["n0", "n1"], ...]}, when that would not read
// back identically (e.g. a partition drawn by the fuzzer, which has pairs but no groups).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/json_reader.h"
#include "sim/scenario/node_names.h"
#include "sim/scenario/scenario.h"

namespace dsim {

struct FaultContext {
  const NodeNames& nodes;
  std::optional<TimeNs> run_ns;  // the run's duration; nullopt when run.duration_ms was invalid
};

// nullopt after recording the entry's problems in `diag`.
std::optional<FaultAction> read_fault(const nlohmann::json& entry, const std::string& path, const FaultContext& ctx,
                                      Diagnostics& diag);

// The entry for `fault`. `fault` must be well-formed (the fields its kind does not use at their
// defaults); then read_fault gives back an equal FaultAction.
nlohmann::json fault_to_json(const FaultAction& fault, const FaultContext& ctx);

// {"annotated": {"role": "leader"}, "pick": "newest"}; nullopt after recording its problems.
std::optional<NodeSelector> read_selector(const nlohmann::json& value, const std::string& path, Diagnostics& diag);

// {"annotated": {...}} and "pick" when it is not the default: the form a fault's "node" takes
// when the node is chosen as the fault fires.
nlohmann::json selector_to_json(const NodeSelector& selector);

// The action name of a kind as written in files: "crash", "clock-step" ...
std::string_view fault_kind_name(FaultAction::Kind kind);
// Every action a file may name, "crash" to "clock-resync".
std::vector<std::string> fault_action_names();

}  // namespace dsim
