#include "protocols/membership/options.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace dsim::membership {

namespace {

std::uint32_t count(ObjectReader& params, const char* key, std::uint32_t fallback, std::int64_t min, std::int64_t max) {
  return static_cast<std::uint32_t>(params.integer(key, fallback, min, max));
}

void read_swim(ObjectReader& params, Options& o) {
  const TimeNs max_ns = 60 * kNsPerSec;
  o.probe_timeout_ns = params.duration_ms("probe_timeout_ms", o.probe_timeout_ns, kNsPerMs / 10, max_ns);
  o.indirect_checks = count(params, "indirect_checks", o.indirect_checks, 0, 64);
  o.retransmit_mult = count(params, "retransmit_mult", o.retransmit_mult, 1, 64);
  o.piggyback_max = count(params, "piggyback_max", o.piggyback_max, 1, 1024);
  o.buffer_max = count(params, "buffer_max", o.buffer_max, 1, 1'000'000);
  o.suspicion_mult = count(params, "suspicion_mult", o.suspicion_mult, 1, 100);
  o.reconnect_periods = count(params, "reconnect_periods", o.reconnect_periods, 1, 1'000'000);
  o.local_health = params.boolean("local_health", o.local_health);
  o.local_health_max = count(params, "local_health_max", o.local_health_max, 1, 64);
  o.dynamic_suspicion = params.boolean("dynamic_suspicion", o.dynamic_suspicion);
  o.suspicion_max_mult = count(params, "suspicion_max_mult", o.suspicion_max_mult, 1, 100);
  o.suspicion_confirmations = count(params, "suspicion_confirmations", o.suspicion_confirmations, 1, 64);
  o.buddy = params.boolean("buddy", o.buddy);
  if (params.boolean("lifeguard", false)) o.local_health = o.dynamic_suspicion = o.buddy = true;
}

void read_heartbeat(ObjectReader& params, Options& o) {
  const TimeNs max_ns = 3600 * kNsPerSec;
  o.fanout = count(params, "fanout", o.fanout, 1, 64);
  o.suspect_after_ns = params.duration_ms("suspect_after_ms", o.suspect_after_ns, kNsPerMs, max_ns);
  o.remove_after_ns = params.duration_ms("remove_after_ms", o.remove_after_ns, kNsPerMs, max_ns);
}

}  // namespace

Options read_options(ObjectReader& params, std::uint32_t nodes) {
  (void)nodes;
  Options o;
  const std::string mode = params.choice("mode", "swim", {"swim", "heartbeat"});
  o.mode = mode == "heartbeat" ? Mode::heartbeat : Mode::swim;
  o.period_ns = params.duration_ms("period_ms", o.period_ns, kNsPerMs, 60 * kNsPerSec);
  read_swim(params, o);
  read_heartbeat(params, o);
  o.forbid_false_suspicion = params.boolean("forbid_false_suspicion", o.forbid_false_suspicion);
  o.forbid_false_removal = params.boolean("forbid_false_removal", o.forbid_false_removal);
  o.converge_within_ns = params.duration_ms("converge_within_ms", 0, 0, 3600 * kNsPerSec);
  params.finish();

  auto& diag = params.diag();
  if (o.mode == Mode::swim && o.probe_timeout_ns >= o.period_ns) {
    diag.error(params.path("probe_timeout_ms"),
               fmt::format("expected less than period_ms ({} ms), found {} ms: the indirect probes need the rest "
                           "of the period",
                           ns_to_ms(o.period_ns), ns_to_ms(o.probe_timeout_ns)));
  }
  if (o.mode == Mode::heartbeat && o.remove_after_ns <= o.suspect_after_ns) {
    diag.error(params.path("remove_after_ms"),
               fmt::format("expected more than suspect_after_ms ({} ms), found {} ms", ns_to_ms(o.suspect_after_ns),
                           ns_to_ms(o.remove_after_ns)));
  }
  return o;
}

double node_scale(std::uint32_t n) { return std::max(1.0, std::log10(std::max(1.0, static_cast<double>(n)))); }

TimeNs converge_bound_ns(const Options& o, std::uint32_t nodes) {
  if (o.converge_within_ns > 0) return o.converge_within_ns;
  if (o.mode == Mode::heartbeat) return o.remove_after_ns + 20 * o.period_ns;
  // The longest suspicion, stretched local health, and time for a removed member to be
  // reconnected and for its alive update to spread.
  const double scale = node_scale(nodes);
  const double max_mult = o.dynamic_suspicion ? o.suspicion_max_mult : 1;
  const auto suspicion_ns = static_cast<TimeNs>(o.suspicion_mult * scale * max_mult * static_cast<double>(o.period_ns));
  const TimeNs health = o.local_health ? o.local_health_max : 1;
  return suspicion_ns + health * o.period_ns + (4 * o.reconnect_periods + 30) * o.period_ns;
}

Bugs read_bugs(const std::set<std::string>& names) {
  Bugs bugs;
  for (const BugInfo& bug : kBugs) {
    if (names.count(bug.name)) bugs.*(bug.flag) = true;
  }
  return bugs;
}

}  // namespace dsim::membership
