#include "sim/world/history_checks.h"

#include <cmath>

#include <fmt/format.h>

#include "sim/check/lost_writes.h"
#include "sim/check/staleness.h"
#include "sim/net/wars.h"

namespace dsim {

namespace {

void lost_writes(const Scenario& s, const check::History& h, TimeNs end_ns, nlohmann::json& out,
                 std::vector<Finding>& findings) {
  check::LostWritesOptions options;
  options.mode = s.checks.lost_writes->any ? check::LostWritesOptions::Mode::any : check::LostWritesOptions::Mode::all;
  const check::LostWritesResult r = check::check_lost_writes(h, options);
  out["lost_writes"] = check::to_json(r);
  if (r.lost > 0) {
    findings.push_back(Finding{Finding::Kind::safety, "lost-writes", "lost",
                               fmt::format("{} of {} acknowledged adds missing from the final reads", r.lost,
                                           r.acknowledged),
                               end_ns, nlohmann::json{{"examples", r.lost_examples}}});
  }
  if (r.unexpected > 0) {
    findings.push_back(Finding{Finding::Kind::safety, "lost-writes", "unexpected",
                               fmt::format("{} elements read that were never added or whose add failed", r.unexpected),
                               end_ns, nlohmann::json{{"examples", r.unexpected_examples}}});
  }
  // No final read, or nothing acknowledged: the claim is unproven either way.
  if (r.inconclusive() || r.acknowledged == 0) {
    findings.push_back(Finding{Finding::Kind::safety, "inconclusive", "lost-writes",
                               r.acknowledged == 0 ? "no add was acknowledged: lost writes cannot be judged"
                                                   : fmt::format("no final read of {}: lost writes cannot be judged",
                                                                 fmt::join(r.keys_without_final_read, ", ")),
                               end_ns, nullptr});
  }
}

void staleness(const Scenario& s, const check::History& h, TimeNs end_ns, nlohmann::json& out,
               std::vector<Finding>& findings) {
  const check::StalenessResult r = check::check_staleness(h);
  out["staleness"] = check::to_json(r);
  const auto& bound = s.checks.staleness->k_max;
  if (bound && r.k_max > static_cast<std::uint64_t>(*bound)) {
    findings.push_back(Finding{Finding::Kind::safety, "staleness", "k-bound",
                               fmt::format("a read was {} acknowledged versions behind (bound {})", r.k_max, *bound),
                               end_ns, nlohmann::json{{"worst", r.worst}}});
  }
  if (r.reads == 0) {
    findings.push_back(Finding{Finding::Kind::safety, "inconclusive", "staleness",
                               "no read could be judged for staleness", end_ns, nullptr});
  }
}

void t_visibility(const Scenario& s, const check::History& h, TimeNs end_ns, nlohmann::json& out,
                  std::vector<Finding>& findings) {
  const TVisibilityCheck& c = *s.checks.t_visibility;
  const check::VisibilityResult r = check::check_t_visibility(h, c.t_ns);
  nlohmann::json figures = check::to_json(r);
  std::vector<WarsPoint> model;
  if (c.model) {
    model = wars_t_visibility(*c.model, c.t_ns, s.run.seed);
    for (std::size_t i = 0; i < model.size(); ++i) figures["buckets"][i]["model"] = model[i].probability;
  }
  for (std::size_t i = 0; i < r.buckets.size(); ++i) {
    const check::VisibilityBucket& b = r.buckets[i];
    const double t_ms = ns_to_ms(b.t_ns);
    if (b.reads == 0) {
      findings.push_back(Finding{Finding::Kind::safety, "inconclusive", "t-visibility",
                                 fmt::format("no read paired with a write at t = {} ms", t_ms), end_ns, nullptr});
      continue;
    }
    if (c.min_probability && b.probability() < *c.min_probability) {
      findings.push_back(Finding{Finding::Kind::safety, "t-visibility", "below-minimum",
                                 fmt::format("P(visible) at t = {} ms is {:.4f}, below {}", t_ms, b.probability(),
                                             *c.min_probability),
                                 end_ns, figures["buckets"][i]});
    }
    if (c.tolerance_pp && !model.empty() &&
        std::abs(b.probability() - model[i].probability) * 100.0 > *c.tolerance_pp) {
      findings.push_back(Finding{Finding::Kind::safety, "t-visibility", "model-mismatch",
                                 fmt::format("P(visible) at t = {} ms is {:.4f}, the WARS model predicts {:.4f} "
                                             "(tolerance {} pp)",
                                             t_ms, b.probability(), model[i].probability, *c.tolerance_pp),
                                 end_ns, figures["buckets"][i]});
    }
  }
  out["t_visibility"] = std::move(figures);
}

}  // namespace

nlohmann::json run_history_checks(const Scenario& s, const check::History& h, TimeNs end_ns,
                                  std::vector<Finding>& findings) {
  nlohmann::json out = nlohmann::json::object();
  if (s.checks.lost_writes) lost_writes(s, h, end_ns, out, findings);
  if (s.checks.staleness) staleness(s, h, end_ns, out, findings);
  if (s.checks.t_visibility) t_visibility(s, h, end_ns, out, findings);
  return out;
}

}  // namespace dsim
