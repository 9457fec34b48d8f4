// Applying the fault schedule: each scenario action at its time, and its undo when it has a
// duration. Actions that do not apply (restarting a node that is up) are recorded and ignored,
// so that generated and shrunk schedules never need to be perfectly consistent.
#include <algorithm>
#include <cassert>

#include "sim/core/hash.h"
#include "sim/fault/partition.h"
#include "sim/scenario/fault_json.h"
#include "sim/scenario/latency_json.h"
#include "sim/world/world.h"

namespace dsim {

namespace {
// The trace lists a fault's links when there are not too many; beyond that its groups or nodes
// say it, and "links" counts them.
constexpr std::uint64_t kTracePairsMax = 1u << 16;

void add_links_json(nlohmann::json& data, const LinkSet& links) {
  const std::uint64_t count = links.count();
  if (count > kTracePairsMax) {
    data["links"] = count;
    return;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [from, to] : links.pairs()) out.push_back({from, to});
  data["pairs"] = std::move(out);
}

std::string_view kind_name(FaultAction::Kind kind) {
  using K = FaultAction::Kind;
  switch (kind) {
    case K::crash: return "crash";
    case K::restart: return "restart";
    case K::wipe: return "wipe";
    case K::pause: return "pause";
    case K::resume: return "resume";
    case K::partition: return "partition";
    case K::heal: return "heal";
    case K::clog: return "clog";
    case K::unclog: return "unclog";
    case K::network: return "network";
    case K::clock_step: return "clock-step";
    case K::clock_drift: return "clock-drift";
    case K::clock_resync: return "clock-resync";
    case K::slow: return "slow";
    case K::unslow: return "unslow";
  }
  return "unknown";
}

// The trace kind under which a fault of `kind` is recorded.
TraceKind trace_kind(FaultAction::Kind kind) {
  using K = FaultAction::Kind;
  switch (kind) {
    case K::crash: return TraceKind::crash;
    case K::restart: return TraceKind::restart;
    case K::wipe: return TraceKind::wipe;
    case K::pause: return TraceKind::pause;
    case K::resume: return TraceKind::resume;
    case K::partition: return TraceKind::partition;
    case K::heal: return TraceKind::heal;
    case K::clog: return TraceKind::clog;
    case K::unclog: return TraceKind::unclog;
    case K::network: return TraceKind::network;
    case K::clock_step: case K::clock_drift: case K::clock_resync: return TraceKind::clock;
    case K::slow: return TraceKind::slow;
    case K::unslow: return TraceKind::unslow;
  }
  return TraceKind::crash;
}

// Since when the node has matched `selector`: the latest change among the keys it names; nullopt
// when it does not match.
template <class Annotations>
std::optional<TimeNs> matching_since(const Annotations& annotations, const NodeSelector& selector) {
  TimeNs since_ns = 0;
  for (const auto& [key, wanted] : selector.annotated) {
    const auto it = annotations.find(key);
    if (it == annotations.end() || it->second.value != wanted) return std::nullopt;
    since_ns = std::max(since_ns, it->second.since_ns);
  }
  return since_ns;
}
}  // namespace

void World::schedule_faults() {
  const auto& faults = scenario_.faults;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    steps_.push_back(FaultStep{faults[i].at_ns, i, false});
    if (faults[i].duration_ns) steps_.push_back(FaultStep{faults[i].at_ns + *faults[i].duration_ns, i, true});
  }
  // By time; at one instant undos first (a window that ends as the next begins), then file order.
  std::stable_sort(steps_.begin(), steps_.end(), [](const FaultStep& a, const FaultStep& b) {
    if (a.at_ns != b.at_ns) return a.at_ns < b.at_ns;
    return a.undo && !b.undo;
  });
  for (std::size_t s = 0; s < steps_.size(); ++s) {
    if (steps_[s].at_ns <= end_ns_) queue_.push(steps_[s].at_ns, kFault, 0, s);
  }
}

void World::apply_fault(const FaultStep& step) {
  const FaultAction& action = scenario_.faults[step.fault];
  using K = FaultAction::Kind;
  if (action.select && action.kind == K::partition) return isolate_selected(action, step.undo, step.fault);
  switch (action.kind) {
    case K::crash: case K::restart: case K::wipe: case K::pause: case K::resume:
    case K::clock_step: case K::clock_drift: case K::clock_resync: case K::slow: case K::unslow:
      apply_node_fault(action, step.undo, step.fault);
      break;
    case K::partition: case K::heal: case K::clog: case K::unclog: case K::network:
      apply_network_fault(action, step.undo, step.fault);
      break;
  }
}

// The live node the selector picks now, from what the nodes last published.
std::optional<NodeId> World::select_node(const NodeSelector& selector) {
  assert(keep_annotations_ && "annotations are kept whenever a fault has a selector");
  assert(!selector.annotated.empty());
  std::vector<NodeId> matches;
  std::optional<NodeId> newest;
  TimeNs newest_since_ns = 0;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    // A crashed node's annotations are forgotten, so it never matches; a paused one still does.
    if (!nodes_[id].process) continue;
    const std::optional<TimeNs> since_ns = matching_since(nodes_[id].annotations, selector);
    if (!since_ns) continue;
    matches.push_back(id);
    if (!newest || *since_ns > newest_since_ns) {  // ties: the lowest id
      newest = id;
      newest_since_ns = *since_ns;
    }
  }
  if (matches.empty()) return std::nullopt;
  switch (selector.pick) {
    case NodeSelector::Pick::lowest: return matches.front();
    case NodeSelector::Pick::newest: return newest;
    case NodeSelector::Pick::random: return matches[select_rng_.below(matches.size())];
  }
  return matches.front();
}

std::vector<NodeId> World::fault_targets(const FaultAction& action, bool undo, std::size_t fault) {
  if (!action.select) return action.nodes;
  if (undo) {
    // The undo acts on the node chosen when the fault fired, whatever it publishes now.
    auto it = selected_.find(fault);
    if (it == selected_.end()) return {};  // nothing matched then: nothing to undo
    std::vector<NodeId> chosen = std::move(it->second);
    selected_.erase(it);
    return chosen;
  }
  const std::optional<NodeId> chosen = select_node(*action.select);
  if (!chosen) {
    record(trace_kind(action.kind), -1, hash_combine(fault, 0xA11), [&] {
      nlohmann::json data = {{"fault", fault}, {"action", action.label}, {"ignored", true},
                             {"reason", "no node matched"}, {"selected", selector_to_json(*action.select)}};
      if (action.kind == FaultAction::Kind::partition) data["pairs"] = data["groups"] = nlohmann::json::array();
      return data;
    });
    return {};
  }
  if (action.duration_ns) selected_[fault] = {*chosen};
  return {*chosen};
}

// An isolate whose node is chosen as it fires: the partition it would have been had the file
// named that node.
void World::isolate_selected(const FaultAction& action, bool undo, std::size_t fault) {
  const std::vector<NodeId> chosen = fault_targets(action, undo, fault);
  if (chosen.empty()) return;
  assert(chosen.size() == 1);
  FaultAction concrete = action;
  concrete.select.reset();
  concrete.nodes = chosen;
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (id != chosen[0]) rest.push_back(id);
  }
  concrete.groups = {chosen, rest};
  concrete.links = FaultAction::Links::between_groups;
  apply_network_fault(concrete, undo, fault);
}

void World::apply_node_fault(const FaultAction& action, bool undo, std::size_t fault) {
  using K = FaultAction::Kind;
  for (NodeId node : fault_targets(action, undo, fault)) {
    Node& n = nodes_[node];
    K kind = action.kind;
    if (undo) {
      // The undo of each undoable action, as documented in docs/scenario-format.md.
      if (kind == K::crash || kind == K::wipe) kind = K::restart;
      else if (kind == K::pause) kind = K::resume;
      else if (kind == K::clock_step) kind = K::clock_resync;
      else if (kind == K::slow) kind = K::unslow;
    }
    const bool up = n.process != nullptr;
    const auto note = [&](TraceKind trace_kind, bool applied, nlohmann::json extra = nlohmann::json::object()) {
      extra["fault"] = fault;
      extra["action"] = kind_name(kind);
      if (action.select) extra["selected"] = selector_to_json(*action.select);
      if (!applied) extra["ignored"] = true;
      if (undo) extra["undo"] = true;
      record(trace_kind, node, hash_combine(static_cast<std::uint64_t>(kind), applied), [&] { return extra; });
    };
    switch (kind) {
      case K::crash:
        note(TraceKind::crash, up, {{"lose_unsynced", action.lose_unsynced}});
        if (up) crash(node, action.lose_unsynced);
        after_node_event(node);
        break;
      case K::wipe:
        note(TraceKind::wipe, true);
        crash(node, true);
        n.storage.wipe();
        after_node_event(node);
        break;
      case K::restart:
        note(TraceKind::restart, !up);
        if (!up) boot(node);
        break;
      case K::pause:
        note(TraceKind::pause, up && !n.paused);
        if (up) n.paused = true;
        break;
      case K::resume: {
        note(TraceKind::resume, up && n.paused);
        if (!up || !n.paused) break;
        n.paused = false;
        resume_backlog(node);
        for (const Missed& m : n.missed) {
          if (m.kind == kTimer) {
            auto it = n.timers.find(m.arg);
            if (it == n.timers.end()) continue;
            it->second.due_true_ns = queue_.now_ns();
          }
          queue_.push(queue_.now_ns(), m.kind, node, m.arg);
        }
        n.missed.clear();
        break;
      }
      case K::slow:
        // A crashed node cannot be slowed; a crash ends its slowness (slow.cpp).
        note(TraceKind::slow, up, {{"delay", latency_to_json(*action.latency)}});
        if (up) n.slow.insert(fault);
        break;
      case K::unslow: {
        // The undo of a slow ends that fault's slowness; an unslow action ends all of it.
        const bool applied = undo ? n.slow.count(fault) > 0 : !n.slow.empty();
        note(TraceKind::unslow, applied, {{"backlog", n.backlog.size()}});
        if (undo) n.slow.erase(fault);
        else n.slow.clear();
        break;
      }
      case K::clock_step:
        n.clock.step(queue_.now_ns(), action.delta_ns);
        break;
      case K::clock_drift:
        if (undo) {
          n.clock.set_drift(queue_.now_ns(), drift_before_[fault]);
        } else {
          drift_before_[fault] = n.clock.drift_ppm();
          n.clock.set_drift(queue_.now_ns(), action.drift_ppm);
        }
        break;
      case K::clock_resync:
        n.clock.resync(queue_.now_ns());
        break;
      default:
        assert(false && "not a node fault");
    }
    if (kind == K::clock_step || kind == K::clock_drift || kind == K::clock_resync) {
      const TimeNs now = queue_.now_ns();
      note(TraceKind::clock, true, {{"offset_ns", n.clock.offset_at(now)}, {"drift_ppm", n.clock.drift_ppm()},
                                    {"local_ns", n.clock.local_at(now)}});
      reschedule_timers(node);
    }
  }
}

void World::apply_network_fault(const FaultAction& action, bool undo, std::size_t fault) {
  using K = FaultAction::Kind;
  const auto note = [&](TraceKind kind, nlohmann::json data) {
    data["fault"] = fault;
    data["action"] = action.label.empty() ? kind_name(action.kind) : std::string_view(action.label);
    if (undo) data["undo"] = true;
    record(kind, -1, hash_combine(fault, undo), [&] { return data; });
  };
  switch (action.kind) {
    case K::partition:
      if (undo) {
        network_.remove_partition(fault);
        note(TraceKind::heal, {{"partitions_active", network_.partitions_active()}});
      } else {
        LinkSet links = fault_links(action, size());
        nlohmann::json data = {{"groups", action.groups}};
        add_links_json(data, links);
        network_.add_partition(fault, std::move(links));
        note(TraceKind::partition, std::move(data));
      }
      break;
    case K::heal:
      network_.heal();
      note(TraceKind::heal, {{"partitions_active", 0}});
      break;
    case K::clog:
    case K::unclog: {
      LinkSet links = fault_links(action, size());
      nlohmann::json data = nlohmann::json::object();
      add_links_json(data, links);
      if (action.kind == K::clog && !undo) {
        network_.add_clog(fault, std::move(links));
        note(TraceKind::clog, std::move(data));
        break;
      }
      note(TraceKind::unclog, std::move(data));
      if (action.kind == K::clog) {
        network_.remove_clog(fault);
      } else if (action.links == FaultAction::Links::listed && action.pairs.empty()) {
        network_.release_all_clogs();
      } else {
        network_.release_clogs(links);
      }
      release_opened_links();
      break;
    }
    case K::network:
      if (undo) {
        network_.clear_override(fault);
        note(TraceKind::network, {{"restored", true}});
      } else {
        network_.set_override(fault, Network::Override{action.loss, action.duplicate, action.reorder, action.latency});
        nlohmann::json data = nlohmann::json::object();
        if (action.loss) data["loss"] = *action.loss;
        if (action.duplicate) data["duplicate"] = *action.duplicate;
        if (action.reorder) data["reorder"] = *action.reorder;
        if (action.latency) data["latency_mean_ns"] = action.latency->mean_ns;
        note(TraceKind::network, data);
      }
      break;
    default:
      assert(false && "not a network fault");
  }
}

}  // namespace dsim
