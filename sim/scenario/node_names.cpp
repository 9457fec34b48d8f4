#include "sim/scenario/node_names.h"

#include <algorithm>

#include <fmt/format.h>

namespace dsim {

namespace {

bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_node_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || !is_letter(name[0])) return false;
  for (char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

bool is_reserved_node_name(std::string_view name) {
  return name == "default" || name == "any" || name == "round-robin";
}

NodeNames::NodeNames(std::vector<std::string> names, bool known) : names_(std::move(names)), known_(known) {
  for (NodeId id = 0; id < size(); ++id) ids_.emplace(names_[id], id);
}

std::optional<NodeId> NodeNames::find(std::string_view name) const {
  const auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string NodeNames::quoted_list() const {
  constexpr std::size_t kListedMax = 16;  // an error message naming 4,096 nodes helps nobody
  std::string out;
  for (std::size_t i = 0; i < names_.size() && i < kListedMax; ++i) {
    if (!out.empty()) out += ", ";
    out += '"' + names_[i] + '"';
  }
  if (names_.size() > kListedMax) out += fmt::format(" ... \"{}\" ({} nodes)", names_.back(), names_.size());
  return out;
}

std::optional<NodeId> NodeNames::read_name(const nlohmann::json& value, const std::string& path,
                                           Diagnostics& diag) const {
  if (value.is_string()) {
    if (auto id = find(value.get<std::string>())) return id;
  }
  if (known_) diag.expected(path, fmt::format("a node name (one of {})", quoted_list()), value);
  return std::nullopt;
}

std::optional<std::vector<NodeId>> NodeNames::read_list(const nlohmann::json& value, const std::string& path,
                                                        Diagnostics& diag, Forms forms) const {
  if (forms.all && value == "*") {
    std::vector<NodeId> all(size());
    for (NodeId id = 0; id < size(); ++id) all[id] = id;
    return all;
  }
  if (forms.single && value.is_string()) {
    auto id = read_name(value, path, diag);
    if (!id) return std::nullopt;
    return std::vector<NodeId>{*id};
  }
  if (!value.is_array() || value.empty()) {
    const std::string what = fmt::format("a non-empty array of node names{}{}", forms.single ? ", a node name" : "",
                                         forms.all ? " or \"*\" for every node" : "");
    diag.expected(path, what, value);
    return std::nullopt;
  }
  std::vector<NodeId> ids;
  std::vector<bool> seen(size(), false);  // not a search of `ids`: lists may name 4,096 nodes
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto id = read_name(value[i], json_path(path, i), diag);
    if (!id) {
      ok = false;
      continue;
    }
    if (seen[*id]) {
      diag.error(json_path(path, i), fmt::format("expected distinct nodes, found \"{}\" twice", names_[*id]));
      ok = false;
      continue;
    }
    seen[*id] = true;
    ids.push_back(*id);
  }
  if (!ok) return std::nullopt;
  return ids;
}

nlohmann::json NodeNames::write_list(const std::vector<NodeId>& ids, Forms forms) const {
  if (forms.all && ids.size() == size() && ids.size() > 1) {
    bool in_order = true;
    for (NodeId id = 0; id < size(); ++id) in_order = in_order && ids[id] == id;
    if (in_order) return "*";
  }
  if (forms.single && ids.size() == 1) return names_[ids[0]];
  nlohmann::json out = nlohmann::json::array();
  for (NodeId id : ids) out.push_back(names_[id]);
  return out;
}

}  // namespace dsim
