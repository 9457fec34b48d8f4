#include "sim/fuzz/shrink.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <variant>

#include "sim/fault/partition.h"
#include "sim/fuzz/generator.h"

namespace dsim::fuzz {

namespace {

// Candidates that fail validation cost no simulation but are still bounded, so a scenario whose
// every candidate is invalid cannot keep the shrinker busy.
constexpr std::uint32_t kCandidatesPerRun = 8;
// An earlier end keeps this much of the run after the first finding, for the engine to record it.
constexpr TimeNs kEndMarginNs = 1 * kNsPerMs;
// Fault windows are halved down to this length and no shorter.
constexpr TimeNs kWindowMinNs = 1 * kNsPerMs;

bool erase_node(std::vector<NodeId>& nodes, NodeId node) {
  const auto before = nodes.size();
  std::erase(nodes, node);
  return nodes.size() != before;
}

// The scenario without its last node: every mention of it removed, faults that named only it
// dropped. Whether the protocol still accepts the cluster is for validation to say.
Scenario without_last_node(const Scenario& s) {
  assert(s.cluster.size() > 1);
  Scenario c = s;
  const NodeId gone = static_cast<NodeId>(c.cluster.size() - 1);
  c.cluster.node_names.pop_back();
  if (c.clocks.size() > gone) c.clocks.resize(gone);
  std::vector<LinkSpec> links;
  for (LinkSpec link : c.network.links) {
    erase_node(link.from, gone);
    erase_node(link.to, gone);
    if (!link.from.empty() && !link.to.empty()) links.push_back(std::move(link));
  }
  c.network.links = std::move(links);
  std::vector<FaultAction> faults;
  for (FaultAction f : c.faults) {
    const bool had_nodes = !f.nodes.empty();
    const bool had_links = fault_links(f, gone + 1).count() > 0;
    erase_node(f.nodes, gone);
    std::erase_if(f.pairs, [&](const auto& p) { return p.first == gone || p.second == gone; });
    for (auto& group : f.groups) erase_node(group, gone);
    // A one-way cut keeps its two sides in place even when one empties (it then cuts nothing).
    if (f.links != FaultAction::Links::one_way) {
      std::erase_if(f.groups, [](const auto& group) { return group.empty(); });
    }
    if (had_nodes && f.nodes.empty()) continue;  // it acted on the removed node only
    if (had_links && fault_links(f, gone).count() == 0) continue;  // every link it cut touched the removed node
    faults.push_back(std::move(f));
  }
  c.faults = std::move(faults);
  if (c.workload.target == WorkloadSpec::Target::node && c.workload.target_node == gone) {
    c.workload.target = WorkloadSpec::Target::any;
    c.workload.target_node = 0;
  }
  return c;
}

// The scenario ending at `end_ns`: faults after it dropped, the workload's stop clamped.
Scenario ending_at(const Scenario& s, TimeNs end_ns) {
  Scenario c = s;
  c.run.duration_ns = end_ns;
  std::erase_if(c.faults, [&](const FaultAction& f) { return f.at_ns > end_ns; });
  if (c.workload.stop_ns && *c.workload.stop_ns >= end_ns) c.workload.stop_ns.reset();
  return c;
}

class Shrinker {
 public:
  Shrinker(const Scenario& failing, const Trial& trial, const std::string& signature, const ShrinkOptions& options,
           const Runner& runner)
      : current_(failing), trial_(trial), signature_(signature), options_(options), runner_(runner) {}

  void run() {
    decide_control();
    // A safety failure needs no liveness judgement, and a file cut short cannot give one: without
    // it, the shrunk file passes on a fixed build instead of ending inconclusive (too short).
    if (!trial_.liveness && current_.checks.liveness) {
      Scenario c = current_;
      c.checks.liveness = false;
      attempt(c);
    }
    bool progressed = true;
    while (progressed && budget_left()) {
      progressed = false;
      progressed |= shrink_end();
      progressed |= shrink_faults();
      progressed |= shrink_windows();
      progressed |= shrink_ops();
      progressed |= shrink_clients();
      progressed |= shrink_nodes();
    }
  }

  const Scenario& scenario() const { return current_; }
  const Trial& trial() const { return trial_; }
  CauseControl control() const { return control_; }
  std::uint32_t runs() const { return runs_; }
  std::uint32_t accepted() const { return accepted_; }

 private:
  bool budget_left() const {
    return runs_ < options_.runs_max && candidates_ < options_.runs_max * kCandidatesPerRun;
  }

  Trial simulate(const Scenario& s) {
    ++runs_;
    return runner_(s);
  }

  void decide_control() {
    if (current_.faults.empty()) {
      control_ = CauseControl::none;  // no fault to blame: the signature alone decides
      return;
    }
    const Trial bare = simulate(fault_free(current_));
    control_ = !bare.signature                ? CauseControl::faults
               : *bare.signature == signature_ ? CauseControl::none
                                               : CauseControl::signature;
  }

  // Whether `candidate` (which fails with the signature) still owes its failure to its faults.
  bool cause_kept(const Scenario& candidate) {
    if (control_ == CauseControl::none) return true;
    if (candidate.faults.empty()) return false;  // its fault-free run is itself: it fails
    if (!budget_left()) return false;
    const Trial bare = simulate(fault_free(candidate));
    return control_ == CauseControl::faults ? !bare.signature : bare.signature != signature_;
  }

  // Keeps `candidate` when it is a valid scenario failing the same way, for the same cause. The
  // canonical text is parsed back so the scenario kept is exactly what its file will say.
  bool attempt(const Scenario& candidate) {
    if (!budget_left() || candidate == current_) return false;
    ++candidates_;
    auto parsed = parse_scenario(to_json(candidate).dump(), "shrink candidate");
    if (std::holds_alternative<Diagnostics>(parsed)) return false;
    Scenario valid = std::get<Scenario>(std::move(parsed));
    Trial t = simulate(valid);
    if (t.signature != signature_) return false;
    // Smaller means smaller to read too: a candidate whose run takes more events or operations
    // to fail (a fault removed that made it fail early) is not progress.
    if (t.events > trial_.events || t.ops > trial_.ops) return false;
    if (!cause_kept(valid)) return false;
    current_ = std::move(valid);
    trial_ = std::move(t);
    ++accepted_;
    return true;
  }

  bool shrink_end() {
    bool any = false;
    // The first finding's time: an invariant stops the run there; what follows is noise.
    if (trial_.first_finding_ns > 0) {
      const TimeNs end_ns = std::max<TimeNs>(trial_.first_finding_ns + kEndMarginNs, kEndMarginNs);
      if (end_ns < current_.run.duration_ns) any |= attempt(ending_at(current_, end_ns));
    }
    while (current_.run.duration_ns / 2 >= kEndMarginNs && attempt(ending_at(current_, current_.run.duration_ns / 2))) {
      any = true;
    }
    return any;
  }

  // ddmin's complement step: drop runs of faults, halving the run length down to single faults.
  bool shrink_faults() {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(current_.faults.size() / 2, 1); chunk >= 1 && budget_left();
         chunk /= 2) {
      std::size_t at = 0;
      while (at < current_.faults.size() && budget_left()) {
        Scenario c = current_;
        const std::size_t until = std::min(at + chunk, c.faults.size());
        c.faults.erase(c.faults.begin() + static_cast<std::ptrdiff_t>(at), c.faults.begin() + static_cast<std::ptrdiff_t>(until));
        if (attempt(c)) {
          any = true;  // the next faults moved into place: try the same position again
        } else {
          at += chunk;
        }
      }
      if (chunk == 1) break;
    }
    return any;
  }

  bool shrink_windows() {
    bool any = false;
    for (std::size_t i = 0; i < current_.faults.size() && budget_left(); ++i) {
      while (current_.faults[i].duration_ns && *current_.faults[i].duration_ns / 2 >= kWindowMinNs) {
        Scenario c = current_;
        *c.faults[i].duration_ns /= 2;
        if (!attempt(c)) break;
        any = true;
      }
    }
    return any;
  }

  bool with_ops(std::int64_t ops) {
    if (ops < 1) return false;  // 0 means "no limit"
    Scenario c = current_;
    c.workload.ops_max = ops;
    return attempt(c);
  }

  bool shrink_ops() {
    if (current_.workload.clients == 0) return false;
    bool any = false;
    // First the operations actually issued: the limit that changes nothing but says the truth.
    const auto issued = static_cast<std::int64_t>(trial_.ops);
    if (current_.workload.ops_max == 0 || current_.workload.ops_max > issued) any |= with_ops(issued);
    while (current_.workload.ops_max > 1 && budget_left()) {
      const std::int64_t ops = current_.workload.ops_max;
      if (with_ops(ops / 2) || with_ops(ops - std::max<std::int64_t>(ops / 4, 1))) {
        any = true;
      } else {
        break;
      }
    }
    return any;
  }

  bool with_clients(std::uint32_t clients) {
    Scenario c = current_;
    c.workload.clients = clients;
    return attempt(c);
  }

  bool shrink_clients() {
    bool any = false;
    while (current_.workload.clients > 1 && budget_left()) {
      const std::uint32_t clients = current_.workload.clients;
      if (with_clients(clients / 2) || with_clients(clients - 1)) {
        any = true;
      } else {
        break;
      }
    }
    return any;
  }

  bool shrink_nodes() {
    bool any = false;
    while (current_.cluster.size() > 1 && budget_left() && attempt(without_last_node(current_))) any = true;
    return any;
  }

  Scenario current_;
  Trial trial_;
  const std::string signature_;
  const ShrinkOptions options_;
  const Runner& runner_;
  CauseControl control_ = CauseControl::none;
  std::uint32_t runs_ = 0;
  std::uint32_t candidates_ = 0;
  std::uint32_t accepted_ = 0;
};

}  // namespace

Scenario fault_free(const Scenario& s) {
  Scenario c = s;
  c.faults.clear();
  c.checks.calm_ns = calm_time(s);
  return c;
}

Trial trial_of(const RunResult& result) {
  Trial t;
  t.signature = signature(result);
  t.liveness = t.signature && is_liveness(result, *t.signature);
  t.events = result.stats.events;
  t.ops = result.history.ops.size();
  t.fingerprint = result.fingerprint;
  if (!result.findings.empty()) t.first_finding_ns = result.findings.front().at_ns;
  return t;
}

Trial run_in_process(const Scenario& scenario) { return trial_of(run_scenario(scenario)); }

Size size_of(const Scenario& scenario, const RunResult& result) { return size_of(scenario, trial_of(result)); }

Size size_of(const Scenario& scenario, const Trial& trial) {
  return Size{scenario.faults.size(), trial.ops, trial.events, scenario.cluster.size(), scenario.workload.clients,
              scenario.run.duration_ns};
}

const char* control_name(CauseControl control) {
  switch (control) {
    case CauseControl::faults: return "faults";
    case CauseControl::signature: return "signature";
    case CauseControl::none: return "none";
  }
  return "none";
}

ShrinkResult shrink_with(const Scenario& failing, const Trial& failing_trial, const std::string& signature,
                         const ShrinkOptions& options, const Runner& runner) {
  assert(failing_trial.signature == signature);
  Shrinker shrinker(failing, failing_trial, signature, options, runner);
  shrinker.run();
  ShrinkResult out;
  out.scenario = shrinker.scenario();
  out.trial = shrinker.trial();
  out.control = shrinker.control();
  out.before = size_of(failing, failing_trial);
  out.after = size_of(out.scenario, out.trial);
  out.runs = shrinker.runs();
  out.accepted = shrinker.accepted();
  return out;
}

ShrinkResult shrink(const Scenario& failing, const RunResult& failing_result, const std::string& signature,
                    const ShrinkOptions& options, bool trace) {
  ShrinkResult out = shrink_with(failing, trial_of(failing_result), signature, options, run_in_process);
  RunOptions run_options;
  run_options.trace = trace;
  // The final run again, in full: the caller writes its trace and fingerprint. Deterministic, so
  // it is the run the search judged.
  out.result = run_scenario(out.scenario, run_options);
  assert(out.result.fingerprint == out.trial.fingerprint);
  return out;
}

}  // namespace dsim::fuzz
