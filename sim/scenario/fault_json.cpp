#include "sim/scenario/fault_json.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/fault/partition.h"
#include "sim/scenario/latency_json.h"

namespace dsim {

namespace {

using json = nlohmann::json;
using Kind = FaultAction::Kind;
using Pairs = std::vector<std::pair<NodeId, NodeId>>;
using Groups = std::vector<std::vector<NodeId>>;
using Links = FaultAction::Links;

constexpr std::int64_t kDriftPpmMax = 500'000;
constexpr std::size_t kLabelMax = 64;
// A selector names a few published keys; more is a mistake, not a use.
constexpr std::size_t kSelectorKeysMax = 16;
constexpr std::size_t kSelectorKeyMax = 64;

void sort_unique(Pairs& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

bool contains(const std::vector<NodeId>& ids, NodeId id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

// The nodes not in `ids`, in id order.
std::vector<NodeId> others(const std::vector<NodeId>& ids, std::uint32_t nodes) {
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < nodes; ++id) {
    if (!contains(ids, id)) rest.push_back(id);
  }
  return rest;
}

class FaultReader;
using ReadFn = void (FaultReader::*)();
using WriteFn = bool (*)(const FaultAction&, const NodeNames&, json&);

struct Action {
  std::string_view name;
  Kind kind;
  bool undoable;  // accepts duration_ms
  ReadFn read;
  WriteFn write;  // the action's own form; false when `fault` cannot be written that way
  // Accepts "node": {"annotated": ...}, a node chosen when the action fires. Not restart: a
  // crashed node publishes nothing, so it could never be chosen. Of the partitions, isolate only:
  // the others name groups, not one node.
  bool selectable;
};

const Action* find_action(std::string_view name);
std::vector<std::string_view> selectable_action_names();

class FaultReader {
 public:
  FaultReader(const json& entry, std::string path, const FaultContext& ctx, Diagnostics& diag)
      : r_(entry, std::move(path), diag), ctx_(ctx), diag_(diag), errors_(diag.list().size()) {}

  std::optional<FaultAction> read();

  void nodes_only() { f_.nodes = targets(true); }
  void crash() {
    nodes_only();
    f_.lose_unsynced = r_.boolean("lose_unsynced", false);
  }
  void nothing() {}
  void partition();
  void one_way();
  void isolate();
  void majority();
  void bridge();
  void clog() { links(false); }
  void unclog() { links(true); }
  void network();
  void clock_step();
  void clock_drift();
  void slow();

 private:
  std::uint32_t node_count() const { return ctx_.nodes.size(); }
  std::vector<NodeId> targets(bool required);
  std::optional<NodeSelector> selector(const json& value, const std::string& path);
  std::vector<NodeId> list(std::string_view key, NodeNames::Forms forms);
  Groups groups(std::size_t min, std::size_t max, bool disjoint);
  void explicit_pairs(bool allow_empty);
  void links(bool release);
  void require_disjoint(const std::vector<NodeId>& a, const std::vector<NodeId>& b, std::string_view key);

  ObjectReader r_;
  const FaultContext& ctx_;
  Diagnostics& diag_;
  std::size_t errors_;
  FaultAction f_;
  const Action* action_ = nullptr;
};

std::optional<FaultAction> FaultReader::read() {
  if (!r_.is_object()) return std::nullopt;
  if (!r_.has("at_ms")) r_.required("at_ms", "a time in milliseconds from the start of the run");
  f_.at_ns = r_.duration_ms("at_ms", 0, 0, ctx_.run_ns.value_or(kScenarioDurationMax));

  const std::vector<std::string> names = fault_action_names();
  if (!r_.has("action")) r_.required("action", fmt::format("one of \"{}\"", fmt::join(names, "\", \"")));
  const Action* action = find_action(r_.choice("action", "", names));
  // Without a known action, which keys belong is unknown: the error about the action is enough.
  if (!action) return std::nullopt;
  action_ = action;

  f_.kind = action->kind;
  f_.label = r_.string("label", std::string(action->name));
  if (f_.label.size() > kLabelMax) {
    diag_.expected(r_.path("label"), fmt::format("a label of at most {} characters", kLabelMax), f_.label);
  }
  if (r_.has("duration_ms")) {
    if (action->undoable) {
      f_.duration_ns = r_.duration_ms("duration_ms", 0, 1, kScenarioDurationMax);
    } else {
      r_.raw("duration_ms");
      diag_.error(r_.path("duration_ms"), fmt::format("expected no duration: \"{}\" is not undone", action->name));
    }
  }
  (this->*action->read)();
  r_.finish();
  if (diag_.list().size() != errors_) return std::nullopt;
  return f_;
}

// "node": a name, or "nodes": an array of names; exactly one of the two.
std::vector<NodeId> FaultReader::targets(bool required) {
  const json* node = r_.raw("node");
  const json* nodes = r_.raw("nodes");
  if (node && nodes) {
    diag_.error(r_.path("nodes"), "expected either \"node\" or \"nodes\", found both");
    return {};
  }
  if (node && node->is_object()) {
    if (action_->selectable) {
      f_.select = selector(*node, r_.path("node"));
    } else {
      diag_.expected(r_.path("node"),
                     fmt::format("a node name (\"{}\" cannot choose its node by annotation; \"{}\" can)",
                                 action_->name, fmt::join(selectable_action_names(), "\", \"")),
                     *node);
    }
    return {};
  }
  if (node) {
    auto id = ctx_.nodes.read_name(*node, r_.path("node"), diag_);
    return id ? std::vector<NodeId>{*id} : std::vector<NodeId>{};
  }
  if (nodes) return ctx_.nodes.read_list(*nodes, r_.path("nodes"), diag_, {}).value_or(std::vector<NodeId>{});
  if (required && r_.is_object()) {
    diag_.error(r_.path("node"), "missing; expected \"node\": a node name, or \"nodes\": an array of node names");
  }
  return {};
}

std::optional<NodeSelector> selector_from_json(const json& value, const std::string& path, Diagnostics& diag_);

std::optional<NodeSelector> FaultReader::selector(const json& value, const std::string& path) {
  return selector_from_json(value, path, diag_);
}

// {"annotated": {"role": "leader"}, "pick": "random"}: the node is chosen when the action fires.
std::optional<NodeSelector> selector_from_json(const json& value, const std::string& path, Diagnostics& diag_) {
  ObjectReader r(value, path, diag_);
  const std::size_t errors = diag_.list().size();
  NodeSelector out;
  const char* what = "a non-empty object of annotation keys and the values to match, e.g. {\"role\": \"leader\"}";
  if (const json* annotated = r.required("annotated", what)) {
    const std::string annotated_path = r.path("annotated");
    if (!annotated->is_object() || annotated->size() > kSelectorKeysMax) {
      diag_.expected(annotated_path, fmt::format("{} (at most {} keys)", what, kSelectorKeysMax), *annotated);
    } else {
      for (const auto& [key, wanted] : annotated->items()) {
        const std::string key_path = json_path(annotated_path, key);
        if (key == "$schema" || key == "comment") continue;  // allowed in every object
        if (key.empty() || key.size() > kSelectorKeyMax) {
          diag_.error(key_path, fmt::format("expected an annotation key of 1 to {} characters", kSelectorKeyMax));
        } else if (wanted.is_structured()) {
          // Annotations may be structured, but matching them whole would be brittle.
          diag_.expected(key_path, "a string, number, boolean or null to compare the annotation with", wanted);
        } else {
          out.annotated.emplace(key, wanted);
        }
      }
      if (out.annotated.empty() && diag_.list().size() == errors) diag_.expected(annotated_path, what, *annotated);
    }
  }
  const std::string pick = r.choice("pick", "lowest", {"lowest", "newest", "random"});
  out.pick = pick == "random"   ? NodeSelector::Pick::random
             : pick == "newest" ? NodeSelector::Pick::newest
                                : NodeSelector::Pick::lowest;
  r.finish();
  if (diag_.list().size() != errors) return std::nullopt;
  return out;
}

// A required list of nodes under `key`.
std::vector<NodeId> FaultReader::list(std::string_view key, NodeNames::Forms forms) {
  const json* value = r_.required(key, "node names");
  if (!value) return {};
  return ctx_.nodes.read_list(*value, r_.path(key), diag_, forms).value_or(std::vector<NodeId>{});
}

// "groups": between `min` and `max` non-empty arrays of node names.
Groups FaultReader::groups(std::size_t min, std::size_t max, bool disjoint) {
  const std::string what = min == max ? fmt::format("an array of {} arrays of node names", min)
                                      : fmt::format("an array of at least {} arrays of node names", min);
  const json* value = r_.required("groups", what);
  if (!value) return {};
  const std::string path = r_.path("groups");
  if (!value->is_array() || value->size() < min || value->size() > max) {
    diag_.expected(path, what, *value);
    return {};
  }
  Groups out;
  std::map<NodeId, std::size_t> group_of;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const std::string group_path = json_path(path, i);
    auto group = ctx_.nodes.read_list((*value)[i], group_path, diag_, {});
    if (!group) continue;
    for (std::size_t j = 0; j < group->size() && disjoint; ++j) {
      const NodeId id = (*group)[j];
      if (auto [it, fresh] = group_of.emplace(id, i); !fresh) {
        diag_.error(json_path(group_path, j), fmt::format("expected disjoint groups, found \"{}\" also in group {}",
                                                          ctx_.nodes.name(id), it->second));
      }
    }
    out.push_back(std::move(*group));
  }
  return out;
}

void FaultReader::require_disjoint(const std::vector<NodeId>& a, const std::vector<NodeId>& b, std::string_view key) {
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (contains(a, b[j])) {
      diag_.error(r_.path(key), fmt::format("expected \"from\" and \"to\" to be disjoint, found \"{}\" in both",
                                            ctx_.nodes.name(b[j])));
      return;
    }
  }
}

// "pairs": [["n0", "n1"], ...] taken as written; "groups" and "node"/"nodes" are then only for
// display. This is the form that can say any set of blocked links.
void FaultReader::explicit_pairs(bool allow_empty) {
  const json* value = r_.raw("pairs");
  const std::string path = r_.path("pairs");
  const char* what = allow_empty ? "an array of [from, to] pairs of node names"
                                 : "a non-empty array of [from, to] pairs of node names";
  if (!value->is_array() || (value->empty() && !allow_empty)) {
    diag_.expected(path, what, *value);
    return;
  }
  std::set<std::pair<NodeId, NodeId>> seen;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    const std::string item_path = json_path(path, i);
    if (!item.is_array() || item.size() != 2) {
      diag_.expected(item_path, "a pair of node names [from, to]", item);
      continue;
    }
    auto from = ctx_.nodes.read_name(item[0], json_path(item_path, 0), diag_);
    auto to = ctx_.nodes.read_name(item[1], json_path(item_path, 1), diag_);
    if (!from || !to) continue;
    if (*from == *to) {
      diag_.error(item_path, fmt::format("expected two different nodes, found \"{}\" twice", ctx_.nodes.name(*from)));
    } else if (!seen.emplace(*from, *to).second) {
      diag_.error(item_path, fmt::format("expected distinct pairs, found [\"{}\", \"{}\"] again",
                                         ctx_.nodes.name(*from), ctx_.nodes.name(*to)));
    } else {
      f_.pairs.emplace_back(*from, *to);
    }
  }
  sort_unique(f_.pairs);
  if (r_.has("groups")) f_.groups = groups(1, kScenarioNodesMax, false);
  f_.nodes = targets(false);
}

void FaultReader::partition() {
  if (r_.has("pairs")) return explicit_pairs(false);
  f_.groups = groups(2, kScenarioNodesMax, true);
  f_.links = Links::between_groups;
}

void FaultReader::one_way() {
  const auto from = list("from", {.single = true});
  const auto to = list("to", {.single = true});
  require_disjoint(from, to, "to");
  f_.groups = {from, to};
  f_.links = Links::one_way;
}

void FaultReader::isolate() {
  f_.nodes = targets(true);
  if (f_.select) return;  // the links are known when it fires
  const auto rest = others(f_.nodes, node_count());
  if (!f_.nodes.empty() && rest.empty()) {
    diag_.error(r_.path(r_.has("node") ? "node" : "nodes"),
                fmt::format("expected fewer than all {} nodes (someone must be on the other side), found all",
                            node_count()));
  }
  f_.groups = {f_.nodes, rest};
  f_.links = Links::between_groups;
}

void FaultReader::majority() {
  f_.nodes = list("minority", {});
  if (!f_.nodes.empty() && 2 * f_.nodes.size() >= node_count()) {
    diag_.error(r_.path("minority"), fmt::format("expected a strict minority: at most {} of the {} nodes, found {}",
                                                 (node_count() - 1) / 2, node_count(), f_.nodes.size()));
  }
  f_.groups = {f_.nodes, others(f_.nodes, node_count())};
  f_.links = Links::between_groups;
}

void FaultReader::bridge() {
  f_.groups = groups(2, 2, true);
  const json* value = r_.required("bridge", "a node name");
  if (value) {
    if (auto id = ctx_.nodes.read_name(*value, r_.path("bridge"), diag_)) {
      f_.nodes = {*id};
      for (std::size_t i = 0; i < f_.groups.size(); ++i) {
        if (contains(f_.groups[i], *id)) {
          diag_.error(r_.path("bridge"), fmt::format("expected a node in neither group, found \"{}\" in group {}",
                                                     ctx_.nodes.name(*id), i));
        }
      }
    }
  }
  f_.links = Links::between_groups;
}

// clog and unclog: "from"/"to" (directed links), or "node"/"nodes" (every link into and out of
// them), or for unclog nothing at all (every clog).
void FaultReader::links(bool release) {
  if (r_.has("pairs")) return explicit_pairs(release);
  const bool directed = r_.has("from") || r_.has("to");
  if (directed && (r_.has("node") || r_.has("nodes"))) {
    for (const char* key : {"from", "to", "node", "nodes"}) r_.raw(key);
    diag_.error(r_.path(r_.has("node") ? "node" : "nodes"), "expected either \"from\"/\"to\" or \"node\"/\"nodes\", found both");
    return;
  }
  const std::size_t errors = diag_.list().size();
  std::string where;
  if (directed) {
    const NodeNames::Forms forms{.single = true, .all = true};
    const auto from = list("from", forms);
    const auto to = list("to", forms);
    f_.groups = {from, to};
    f_.links = Links::one_way;
    where = "to";
  } else if (!release || r_.has("node") || r_.has("nodes")) {
    f_.nodes = targets(true);
    f_.links = Links::touching;
    where = r_.has("node") ? "node" : "nodes";
  } else {
    return;  // unclog everything
  }
  if (diag_.list().size() == errors && ctx_.nodes.known() && fault_links(f_, node_count()).count() == 0) {
    diag_.error(r_.path(where), "expected at least one link between two different nodes, found none");
  }
}

void FaultReader::network() {
  if (r_.has("loss")) f_.loss = r_.number("loss", 0, 0, 1);
  if (r_.has("duplicate")) f_.duplicate = r_.number("duplicate", 0, 0, 1);
  if (r_.has("reorder")) f_.reorder = r_.number("reorder", 0, 0, 1);
  if (const json* latency = r_.raw("latency")) f_.latency = read_latency(*latency, r_.path("latency"), diag_);
  if (!f_.loss && !f_.duplicate && !f_.reorder && !r_.has("latency")) {
    diag_.error(r_.path(), "expected at least one of \"loss\", \"duplicate\", \"reorder\", \"latency\", found none");
  }
}

void FaultReader::clock_step() {
  nodes_only();
  if (!r_.has("delta_ms")) r_.required("delta_ms", "a non-zero duration in milliseconds");
  f_.delta_ns = r_.duration_ms("delta_ms", 0, -kScenarioDurationMax, kScenarioDurationMax);
  if (r_.has("delta_ms") && f_.delta_ns == 0 && ms_value_to_ns(*r_.raw("delta_ms")) == TimeNs{0}) {
    diag_.error(r_.path("delta_ms"), "expected a non-zero step in milliseconds, found 0");
  }
}

void FaultReader::clock_drift() {
  nodes_only();
  if (!r_.has("drift_ppm")) r_.required("drift_ppm", "an integer number of parts per million");
  f_.drift_ppm = r_.integer("drift_ppm", 0, -kDriftPpmMax, kDriftPpmMax);
}

// The largest figure a delay is written with: what the per-event bound is checked against.
TimeNs delay_figure_ns(const LatencySpec& spec) {
  TimeNs figure = std::max({spec.mean_ns, spec.max_ns, spec.scale_ns, spec.floor_ns});
  for (const LatencySpec& component : spec.components) figure = std::max(figure, delay_figure_ns(component));
  return figure;
}

// "delay": the cost of each event the node handles, any latency form (preset, dist object).
void FaultReader::slow() {
  nodes_only();
  const json* delay = r_.required("delay", "a latency preset or object: the delay each event the node handles costs");
  if (!delay) return;
  f_.latency = read_latency(*delay, r_.path("delay"), diag_);
  if (f_.latency && delay_figure_ns(*f_.latency) > kSlowEventDelayMax) {
    diag_.error(r_.path("delay"), fmt::format("expected a delay of at most {} ms per event, found a figure of {} ms",
                                              kSlowEventDelayMax / kNsPerMs, ns_to_ms(delay_figure_ns(*f_.latency))));
  }
  const std::string order = r_.choice("order", "arrival", {"arrival", "timers-first"});
  f_.slow_order = order == "timers-first" ? FaultAction::SlowOrder::timers_first : FaultAction::SlowOrder::arrival;
}

// Writing.

json node_json(NodeId id, const NodeNames& names) { return names.name(id); }

void write_targets(const std::vector<NodeId>& ids, const NodeNames& names, json& out) {
  if (ids.size() == 1) {
    out["node"] = node_json(ids[0], names);
  } else {
    out["nodes"] = names.write_list(ids, {});
  }
}

// The chosen-when-it-fires node, or the nodes named.
void write_node_targets(const FaultAction& f, const NodeNames& names, json& out) {
  if (f.select) {
    out["node"] = selector_to_json(*f.select);
  } else {
    write_targets(f.nodes, names, out);
  }
}

json groups_json(const Groups& groups, const NodeNames& names) {
  json out = json::array();
  for (const auto& group : groups) out.push_back(names.write_list(group, {}));
  return out;
}

bool write_nodes(const FaultAction& f, const NodeNames& names, json& out) {
  write_node_targets(f, names, out);
  return true;
}

bool write_crash(const FaultAction& f, const NodeNames& names, json& out) {
  write_node_targets(f, names, out);
  out["lose_unsynced"] = f.lose_unsynced;
  return true;
}

bool write_nothing(const FaultAction&, const NodeNames&, json&) { return true; }

bool write_partition(const FaultAction& f, const NodeNames& names, json& out) {
  if (f.groups.size() < 2) return false;
  out["groups"] = groups_json(f.groups, names);
  return true;
}

bool write_one_way(const FaultAction& f, const NodeNames& names, json& out) {
  if (f.groups.size() != 2) return false;
  out["from"] = names.write_list(f.groups[0], {.single = true});
  out["to"] = names.write_list(f.groups[1], {.single = true});
  return true;
}

bool write_majority(const FaultAction& f, const NodeNames& names, json& out) {
  out["minority"] = names.write_list(f.nodes, {});
  return true;
}

bool write_bridge(const FaultAction& f, const NodeNames& names, json& out) {
  if (f.groups.size() != 2 || f.nodes.size() != 1) return false;
  out["groups"] = groups_json(f.groups, names);
  out["bridge"] = node_json(f.nodes[0], names);
  return true;
}

bool write_links(const FaultAction& f, const NodeNames& names, json& out) {
  if (f.groups.size() == 2) {
    out["from"] = names.write_list(f.groups[0], {.single = true, .all = true});
    out["to"] = names.write_list(f.groups[1], {.single = true, .all = true});
  } else if (!f.nodes.empty()) {
    write_targets(f.nodes, names, out);
  } else {
    return f.kind == Kind::unclog && f.pairs.empty();
  }
  return true;
}

bool write_network(const FaultAction& f, const NodeNames&, json& out) {
  if (f.loss) out["loss"] = *f.loss;
  if (f.duplicate) out["duplicate"] = *f.duplicate;
  if (f.reorder) out["reorder"] = *f.reorder;
  if (f.latency) out["latency"] = latency_to_json(*f.latency);
  return true;
}

bool write_clock_step(const FaultAction& f, const NodeNames& names, json& out) {
  write_node_targets(f, names, out);
  out["delta_ms"] = ms_json(f.delta_ns);
  return true;
}

bool write_clock_drift(const FaultAction& f, const NodeNames& names, json& out) {
  write_node_targets(f, names, out);
  out["drift_ppm"] = f.drift_ppm;
  return true;
}

bool write_slow(const FaultAction& f, const NodeNames& names, json& out) {
  write_node_targets(f, names, out);
  if (f.latency) out["delay"] = latency_to_json(*f.latency);
  // Written only when not the default, so files without it read and write back unchanged.
  if (f.slow_order == FaultAction::SlowOrder::timers_first) out["order"] = "timers-first";
  return true;
}

// The first action of each kind is the kind's own name, used by the explicit form.
const std::array<Action, 19> kActions = {{
    {"crash", Kind::crash, true, &FaultReader::crash, write_crash, true},
    {"restart", Kind::restart, false, &FaultReader::nodes_only, write_nodes, false},
    {"wipe", Kind::wipe, true, &FaultReader::nodes_only, write_nodes, true},
    {"pause", Kind::pause, true, &FaultReader::nodes_only, write_nodes, true},
    {"resume", Kind::resume, false, &FaultReader::nodes_only, write_nodes, true},
    {"partition", Kind::partition, true, &FaultReader::partition, write_partition, false},
    {"partition-one-way", Kind::partition, true, &FaultReader::one_way, write_one_way, false},
    {"isolate", Kind::partition, true, &FaultReader::isolate, write_nodes, true},
    {"partition-majority", Kind::partition, true, &FaultReader::majority, write_majority, false},
    {"bridge", Kind::partition, true, &FaultReader::bridge, write_bridge, false},
    {"heal", Kind::heal, false, &FaultReader::nothing, write_nothing, false},
    {"clog", Kind::clog, true, &FaultReader::clog, write_links, false},
    {"unclog", Kind::unclog, false, &FaultReader::unclog, write_links, false},
    {"network", Kind::network, true, &FaultReader::network, write_network, false},
    {"clock-step", Kind::clock_step, true, &FaultReader::clock_step, write_clock_step, true},
    {"clock-drift", Kind::clock_drift, true, &FaultReader::clock_drift, write_clock_drift, true},
    {"clock-resync", Kind::clock_resync, false, &FaultReader::nodes_only, write_nodes, true},
    {"slow", Kind::slow, true, &FaultReader::slow, write_slow, true},
    {"unslow", Kind::unslow, false, &FaultReader::nodes_only, write_nodes, true},
}};

const Action* find_action(std::string_view name) {
  for (const auto& action : kActions) {
    if (action.name == name) return &action;
  }
  return nullptr;
}

std::vector<std::string_view> selectable_action_names() {
  std::vector<std::string_view> names;
  for (const auto& action : kActions) {
    if (action.selectable) names.push_back(action.name);
  }
  return names;
}

const Action& kind_action(Kind kind) {
  for (const auto& action : kActions) {
    if (action.kind == kind) return action;
  }
  return kActions[0];
}

json common_json(const FaultAction& f, std::string_view action) {
  json out = {{"at_ms", ms_json(f.at_ns)}, {"action", action}};
  if (f.duration_ns) out["duration_ms"] = ms_json(*f.duration_ns);
  if (f.label != action) out["label"] = f.label;
  return out;
}

// Any set of links, whatever the label: the pairs as they are, groups and nodes for display.
json explicit_json(const FaultAction& f, const NodeNames& names) {
  json out = common_json(f, fault_kind_name(f.kind));
  json pairs = json::array();
  for (const auto& [from, to] : fault_links(f, names.size()).pairs()) pairs.push_back({names.name(from), names.name(to)});
  out["pairs"] = std::move(pairs);
  if (!f.groups.empty()) out["groups"] = groups_json(f.groups, names);
  if (!f.nodes.empty()) write_targets(f.nodes, names, out);
  return out;
}

}  // namespace

std::optional<NodeSelector> read_selector(const json& value, const std::string& path, Diagnostics& diag) {
  return selector_from_json(value, path, diag);
}

std::string_view fault_kind_name(FaultAction::Kind kind) { return kind_action(kind).name; }

json selector_to_json(const NodeSelector& selector) {
  json annotated = json::object();
  for (const auto& [key, value] : selector.annotated) annotated[key] = value;
  json out = {{"annotated", std::move(annotated)}};
  if (selector.pick == NodeSelector::Pick::random) out["pick"] = "random";
  if (selector.pick == NodeSelector::Pick::newest) out["pick"] = "newest";
  return out;
}

std::vector<std::string> fault_action_names() {
  std::vector<std::string> names;
  for (const auto& action : kActions) names.emplace_back(action.name);
  return names;
}

std::optional<FaultAction> read_fault(const json& entry, const std::string& path, const FaultContext& ctx,
                                      Diagnostics& diag) {
  return FaultReader(entry, path, ctx, diag).read();
}

json fault_to_json(const FaultAction& f, const FaultContext& ctx) {
  if (f.select) {
    // Only isolate among the partition forms can choose its node; every other selectable
    // action is its kind's own.
    const Action& action = f.kind == Kind::partition ? *find_action("isolate") : kind_action(f.kind);
    assert(action.selectable);
    json out = common_json(f, action.name);
    action.write(f, ctx.nodes, out);
    return out;
  }
  const Action* own = find_action(f.label);
  if (own && own->kind == f.kind) {
    json out = common_json(f, own->name);
    if (own->write(f, ctx.nodes, out)) {
      Diagnostics scratch;
      auto back = read_fault(out, "", ctx, scratch);
      if (back && *back == f) return out;
    }
  }
  const Action& generic = kind_action(f.kind);
  if (f.kind == Kind::partition || f.kind == Kind::clog || f.kind == Kind::unclog) return explicit_json(f, ctx.nodes);
  json out = common_json(f, generic.name);
  generic.write(f, ctx.nodes, out);
  return out;
}

}  // namespace dsim
