// Applying the fault schedule: each scenario action at its time, and its undo when it has a
// duration. Actions that do not apply (restarting a node that is up) are recorded and ignored,
// so that generated and shrunk schedules never need to be perfectly consistent.
#include <algorithm>
#include <cassert>

#include "sim/core/hash.h"
#include "sim/world/world.h"

namespace dsim {

namespace {
nlohmann::json pairs_json(const std::vector<NodePair>& pairs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [from, to] : pairs) out.push_back({from, to});
  return out;
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
  }
  return "unknown";
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
  switch (action.kind) {
    case K::crash: case K::restart: case K::wipe: case K::pause: case K::resume:
    case K::clock_step: case K::clock_drift: case K::clock_resync:
      apply_node_fault(action, step.undo, step.fault);
      break;
    case K::partition: case K::heal: case K::clog: case K::unclog: case K::network:
      apply_network_fault(action, step.undo, step.fault);
      break;
  }
}

void World::apply_node_fault(const FaultAction& action, bool undo, std::size_t fault) {
  using K = FaultAction::Kind;
  for (NodeId node : action.nodes) {
    Node& n = nodes_[node];
    K kind = action.kind;
    if (undo) {
      // The undo of each undoable action, as documented in docs/scenario-format.md.
      if (kind == K::crash || kind == K::wipe) kind = K::restart;
      else if (kind == K::pause) kind = K::resume;
      else if (kind == K::clock_step) kind = K::clock_resync;
    }
    const bool up = n.process != nullptr;
    const auto note = [&](TraceKind trace_kind, bool applied, nlohmann::json extra = nlohmann::json::object()) {
      extra["fault"] = fault;
      extra["action"] = kind_name(kind);
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
        network_.add_partition(fault, action.pairs);
        note(TraceKind::partition, {{"groups", action.groups}, {"pairs", pairs_json(action.pairs)}});
      }
      break;
    case K::heal:
      network_.heal();
      note(TraceKind::heal, {{"partitions_active", 0}});
      break;
    case K::clog:
      if (undo) {
        note(TraceKind::unclog, {{"pairs", pairs_json(action.pairs)}});
        release_links(network_.remove_clog(fault));
      } else {
        network_.add_clog(fault, action.pairs);
        note(TraceKind::clog, {{"pairs", pairs_json(action.pairs)}});
      }
      break;
    case K::unclog:
      note(TraceKind::unclog, {{"pairs", pairs_json(action.pairs)}});
      release_links(network_.remove_clogs(action.pairs));
      break;
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
