// The cluster's node names, for resolving the references to nodes in the rest of a scenario
// (links, clocks, faults, the workload's target) and for writing them back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/net/message.h"
#include "sim/scenario/json_reader.h"

namespace dsim {

// A letter, then up to 31 letters, digits, '_' or '-'.
bool is_node_name(std::string_view name);
// Names that mean something else where a node name may also stand: "default" (clocks), "any"
// and "round-robin" (workload.target).
bool is_reserved_node_name(std::string_view name);

class NodeNames {
 public:
  // `known` is false when the cluster section was invalid. References are then not resolved (and
  // not reported), so that one mistake in `cluster` does not cascade into one error per reference.
  NodeNames(std::vector<std::string> names, bool known);

  bool known() const { return known_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(names_.size()); }
  const std::string& name(NodeId id) const { return names_[id]; }
  std::optional<NodeId> find(std::string_view name) const;
  // `"n0", "n1", "n2"`: for error messages; the first few and a count for a large cluster.
  std::string quoted_list() const;

  // The forms a list of nodes may take besides an array of distinct names.
  struct Forms {
    bool single = false;  // one name, as a string
    bool all = false;     // "*": every node, in id order
  };
  // nullopt when the value is not a valid reference (recorded in `diag` when names are known).
  std::optional<NodeId> read_name(const nlohmann::json& value, const std::string& path, Diagnostics& diag) const;
  // A non-empty list of distinct nodes, in the order written.
  std::optional<std::vector<NodeId>> read_list(const nlohmann::json& value, const std::string& path,
                                               Diagnostics& diag, Forms forms) const;
  // The shortest of the forms allowed that reads back as `ids`.
  nlohmann::json write_list(const std::vector<NodeId>& ids, Forms forms) const;

 private:
  std::vector<std::string> names_;
  std::map<std::string, NodeId, std::less<>> ids_;  // the first id of each name
  bool known_;
};

}  // namespace dsim
