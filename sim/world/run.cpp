// The end of a run: the checks that look at the whole run, and the verdict on the scenario's
// claim.
#include "sim/world/run.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/check/broadcast.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "sim/core/hash.h"
#include "sim/world/history_checks.h"
#include "sim/world/metrics.h"
#include "sim/world/world.h"

namespace dsim {

TimeNs calm_time(const Scenario& scenario) {
  if (scenario.checks.calm_ns) return *scenario.checks.calm_ns;
  TimeNs calm_ns = 0;
  for (const FaultAction& f : scenario.faults) calm_ns = std::max(calm_ns, f.at_ns + f.duration_ns.value_or(0));
  return calm_ns;
}

namespace {

// Progress must resume after calm: some operation succeeds within the bound, and no operation
// started after the bound is left without an answer.
std::optional<Finding> check_liveness(const Scenario& scenario, const check::History& history,
                                      const std::vector<TimeNs>& answered_ns, TimeNs calm_ns, TimeNs end_ns) {
  const TimeNs deadline_ns = calm_ns + scenario.checks.liveness_within_ns;
  if (deadline_ns >= end_ns) {
    return Finding{Finding::Kind::liveness, "liveness", "too-short",
                   fmt::format("the run ends at {} ms, before calm ({} ms) + within ({} ms): liveness cannot be judged",
                               ns_to_ms(end_ns), ns_to_ms(calm_ns), ns_to_ms(scenario.checks.liveness_within_ns)),
                   end_ns, nullptr};
  }
  bool progressed = false;
  for (const auto& op : history.ops) {
    if (op.type == check::OpType::ok && op.complete_ns >= calm_ns && op.complete_ns <= deadline_ns) progressed = true;
  }
  if (!progressed) {
    return Finding{Finding::Kind::liveness, "liveness", "no-progress",
                   fmt::format("no operation completed between calm at {} ms and {} ms", ns_to_ms(calm_ns),
                               ns_to_ms(deadline_ns)),
                   deadline_ns, nullptr};
  }
  // An operation invoked too close to the end had no chance to finish all its attempts.
  const TimeNs answerable_until_ns =
      end_ns - scenario.workload.timeout_ns * static_cast<TimeNs>(scenario.workload.attempts_max);
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const auto& op = history.ops[i];
    if (op.invoke_ns >= deadline_ns && op.invoke_ns < answerable_until_ns && answered_ns[i] == kTimeNever) {
      return Finding{Finding::Kind::liveness, "liveness", "stalled-operation",
                     fmt::format("operation {} ({}) invoked at {} ms, after calm + bound, got no answer", i,
                                 check::describe(op), ns_to_ms(op.invoke_ns)),
                     op.invoke_ns, nlohmann::json{{"op", i}}};
    }
  }
  return std::nullopt;
}

bool matches(const Finding& finding, const std::vector<std::string>& prefixes) {
  if (prefixes.empty()) return true;
  const std::string id = finding.id();
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return id.compare(0, p.size(), p) == 0; });
}

// Whether the outcome of one kind (safety or liveness) is what the scenario claims.
bool outcome_held(ExpectSpec::Outcome expected, const std::vector<Finding>& findings, Finding::Kind kind,
                  const std::vector<std::string>& prefixes, std::string& detail) {
  std::vector<const Finding*> of_kind;
  for (const auto& f : findings) {
    if (f.kind == kind) of_kind.push_back(&f);
  }
  const char* what = kind == Finding::Kind::safety ? "safety" : "liveness";
  switch (expected) {
    case ExpectSpec::Outcome::any:
      return true;
    case ExpectSpec::Outcome::holds:
      if (of_kind.empty()) return true;
      detail = fmt::format("expected {} to hold, but: {} ({})", what, of_kind[0]->id(), of_kind[0]->detail);
      return false;
    case ExpectSpec::Outcome::violated:
      for (const Finding* f : of_kind) {
        if (matches(*f, prefixes)) return true;
      }
      detail = of_kind.empty()
                   ? fmt::format("expected a {} violation{}, but none was found", what,
                                 prefixes.empty() ? "" : fmt::format(" ({})", fmt::join(prefixes, " or ")))
                   : fmt::format("expected a {} violation ({}), but found only {}", what, fmt::join(prefixes, " or "),
                                 of_kind[0]->id());
      return false;
  }
  return false;
}

}  // namespace

// The broadcast checker over the history and the servers' message count; its figures go to the
// summary under "broadcast".
void World::check_broadcast_run(nlohmann::json& metrics) {
  const BroadcastBoundsSpec& spec = *scenario_.checks.broadcast;
  const check::BroadcastBounds bounds{spec.msgs_per_op_max, spec.stable_median_max_ns, spec.stable_max_max_ns};
  check::BroadcastResult checked = check::check_broadcast(history_, stats_.messages_sent, bounds);
  for (auto& p : checked.problems) {
    record_finding(Finding{Finding::Kind::safety, p.inconclusive ? "inconclusive" : "broadcast", p.name, p.detail,
                           stats_.end_ns, std::move(p.data)});
  }
  metrics["broadcast"] = std::move(checked.metrics);
}

void World::finish(RunResult& result) {
  stats_.end_ns = queue_.now_ns();
  const TimeNs calm_ns = calm_time(scenario_);
  if (budget_spent()) record_budget_finding();
  Report report;
  if (observer_) observer_->at_end(*this, history_, calm_ns, report);
  for (auto& f : report.findings) {
    if (f.at_ns == 0) f.at_ns = stats_.end_ns;
    record_finding(f);
  }

  if (scenario_.checks.linearizability) {
    const check::Model* model = check::find_model(*scenario_.checks.linearizability);
    check::CheckBudget budget;
    budget.steps_max = scenario_.checks.lin_steps_max;
    budget.memo_bytes_max = scenario_.checks.lin_memo_bytes_max;
    const auto lin = check::check_linearizability(history_, *model, budget);
    result.linearizability = check::to_json(lin, history_);
    if (lin.invalid_history) {
      // Validation admits only models declared to fit the workload, so this is a declaration
      // or scenario mistake (say, the register model over cas operations): bad input.
      record_finding(Finding{Finding::Kind::safety, "bad-input", "linearizability",
                             fmt::format("the {} model does not fit this workload's history ({}); choose a model "
                                         "that fits it (dsim list)",
                                         model->name(), lin.reason),
                             stats_.end_ns, result.linearizability});
    } else if (lin.verdict == check::Verdict::illegal) {
      record_finding(Finding{Finding::Kind::safety, "linearizability", "linearizability",
                             "the client history is not linearizable", stats_.end_ns, result.linearizability});
    } else if (lin.verdict == check::Verdict::unknown) {
      // Not a violation, but the claim is unproven: it must not pass as "holds", nor match an
      // expected "linearizability" violation.
      record_finding(Finding{Finding::Kind::safety, "inconclusive", "linearizability",
                             "the linearizability check ran out of budget: " + lin.reason, stats_.end_ns,
                             result.linearizability});
    }
  }
  if (scenario_.checks.broadcast) check_broadcast_run(report.metrics);
  {
    std::vector<Finding> found;
    result.history_checks = run_history_checks(scenario_, history_, stats_.end_ns, found);
    for (const Finding& f : found) record_finding(f);
  }
  // A run cut short by a budget cannot show that progress resumed: it is inconclusive instead.
  if (scenario_.checks.liveness && !budget_spent()) {
    if (auto f = check_liveness(scenario_, history_, answered_ns_, calm_ns, end_ns_)) record_finding(*f);
  }
  record(TraceKind::stop, -1, 0, [&] { return nlohmann::json{{"reason", stats_.stop_reason}}; });

  std::uint64_t ok = 0, fail = 0, info = 0;
  for (const auto& op : history_.ops) {
    ok += op.type == check::OpType::ok;
    fail += op.type == check::OpType::fail;
    info += op.type == check::OpType::info;
  }
  result.metrics = report.metrics;
  if (!history_.ops.empty()) result.metrics["clients"] = client_metrics(history_);
  // The fingerprint is the run's, not the claim's: taken before the one finding that depends on
  // what the scenario expects, so a failure file (whose expect names the failure) replays with the
  // fingerprint of the fuzzed run it came from.
  result.fingerprint = fingerprint_;
  // Every operation failed or went unanswered: a history checker has nothing to judge, and
  // invariants over client effects hold vacuously. A claim that safety holds is unproven.
  if (!history_.ops.empty() && ok == 0 && scenario_.expect.safety == ExpectSpec::Outcome::holds) {
    record_finding(Finding{Finding::Kind::safety, "inconclusive", "no-successful-operation",
                           fmt::format("none of the {} client operations succeeded ({} fail, {} info): the checks had "
                                       "nothing to judge",
                                       history_.ops.size(), fail, info),
                           stats_.end_ns, nullptr});
  }

  std::string safety_detail, liveness_detail;
  const bool safety = outcome_held(scenario_.expect.safety, findings_, Finding::Kind::safety,
                                   scenario_.expect.violations, safety_detail);
  const bool liveness = outcome_held(scenario_.expect.liveness, findings_, Finding::Kind::liveness, {}, liveness_detail);
  result.expectation_held = safety && liveness;
  result.expectation_detail = !safety ? safety_detail : !liveness ? liveness_detail : "the expectation held";

  result.stats = stats_;
  result.metrics["run"] = engine_metrics(stats_);
  result.findings = std::move(findings_);
  result.history = std::move(history_);
  result.calm_ns = calm_ns;
  result.liveness_claimed = scenario_.checks.liveness || scenario_.expect.liveness != ExpectSpec::Outcome::any;
  result.trace = std::move(trace_);
}

bool World::budget_spent() const {
  return stats_.stop_reason == "event budget" || stats_.stop_reason == "memory budget";
}

// What was not simulated was not checked: the claim is unproven, whatever was found before.
void World::record_budget_finding() {
  const bool events = stats_.stop_reason == "event budget";
  const std::string detail =
      events ? fmt::format("the run spent its event budget (run.events_max {}) at {} ms of {} ms; the rest was not "
                           "simulated or checked",
                           scenario_.run.events_max, ns_to_ms(stats_.end_ns), ns_to_ms(end_ns_))
             : fmt::format("the run's history and {} messages in flight reached its memory budget "
                           "(run.memory_mb_max {}, {} MiB) at {} ms of {} ms; the rest was not simulated or checked",
                           flights_.size(), scenario_.run.memory_bytes_max >> 20, recorded_bytes() >> 20,
                           ns_to_ms(stats_.end_ns), ns_to_ms(end_ns_));
  nlohmann::json data = {{"messages_in_flight", flights_.size()}, {"in_flight", in_flight_by_type(5)}};
  record_finding(Finding{Finding::Kind::safety, "inconclusive", events ? "event-budget" : "memory-budget", detail,
                         stats_.end_ns, std::move(data)});
}

Verdict verdict(const RunResult& result) {
  const auto has = [&](const char* check) {
    return std::any_of(result.findings.begin(), result.findings.end(), [&](const Finding& f) { return f.check == check; });
  };
  if (has("bad-input")) return Verdict::bad_input;
  if (result.expectation_held) return Verdict::held;
  return has("inconclusive") ? Verdict::inconclusive : Verdict::violated;
}

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  RunResult result;
  World world(scenario, options);
  world.run(result);
  return result;
}

}  // namespace dsim
