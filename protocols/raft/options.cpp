#include "protocols/raft/options.h"

#include <fmt/format.h>

namespace dsim::raft {

Options read_options(ObjectReader& params) {
  Options o;
  const TimeNs max_ns = 60 * kNsPerSec;
  o.election_timeout_min_ns =
      params.duration_ms("election_timeout_min_ms", o.election_timeout_min_ns, kNsPerMs, max_ns);
  o.election_timeout_max_ns =
      params.duration_ms("election_timeout_max_ms", o.election_timeout_max_ns, kNsPerMs, max_ns);
  o.heartbeat_ns = params.duration_ms("heartbeat_ms", o.heartbeat_ns, kNsPerMs / 10, max_ns);
  o.prevote = params.boolean("prevote", o.prevote);
  o.check_quorum = params.boolean("check_quorum", o.check_quorum);
  const std::string mode = params.choice("read_mode", "log", {"log", "read-index", "lease"});
  o.read_mode = mode == "lease" ? ReadMode::lease : mode == "read-index" ? ReadMode::read_index : ReadMode::log;
  o.lease_ns = params.duration_ms("lease_ms", o.lease_ns, kNsPerMs, max_ns);
  o.max_append_entries = static_cast<std::uint32_t>(params.integer("max_append_entries", 64, 1, 100'000));
  o.max_inflight_msgs = static_cast<std::uint32_t>(params.integer("max_inflight_msgs", 16, 1, 10'000));
  o.max_pending_requests = static_cast<std::uint32_t>(params.integer("max_pending_requests", 1024, 1, 1'000'000));
  o.leader_noop = params.boolean("leader_noop", o.leader_noop);
  if (params.has("leader_stable_within_ms")) {
    o.leader_stable_within_ns = params.duration_ms("leader_stable_within_ms", kNsPerMs, kNsPerMs, 3600 * kNsPerSec);
  }
  params.finish();

  // Cross-field checks, reported at the field a person would change.
  auto& diag = params.diag();
  if (o.election_timeout_max_ns < o.election_timeout_min_ns) {
    diag.error(params.path("election_timeout_max_ms"),
               fmt::format("expected at least election_timeout_min_ms ({} ms), found {} ms",
                           ns_to_ms(o.election_timeout_min_ns), ns_to_ms(o.election_timeout_max_ns)));
  }
  if (o.heartbeat_ns >= o.election_timeout_min_ns) {
    diag.error(params.path("heartbeat_ms"),
               fmt::format("expected less than election_timeout_min_ms ({} ms), found {} ms: followers "
                           "would time out between heartbeats",
                           ns_to_ms(o.election_timeout_min_ns), ns_to_ms(o.heartbeat_ns)));
  }
  if (o.read_mode == ReadMode::lease) {
    // The lease rests on followers refusing votes for an election timeout after they last heard
    // from the leader, which is CheckQuorum's vote lease; without it any candidate can win at once.
    if (!o.check_quorum) {
      diag.error(params.path("read_mode"), "expected check_quorum: true for lease reads (the lease relies on it)");
    }
    if (o.lease_ns > o.election_timeout_min_ns) {
      diag.error(params.path("lease_ms"),
                 fmt::format("expected at most election_timeout_min_ms ({} ms), found {} ms",
                             ns_to_ms(o.election_timeout_min_ns), ns_to_ms(o.lease_ns)));
    }
  }
  return o;
}

Bugs read_bugs(const std::set<std::string>& names) {
  Bugs bugs;
  for (const BugInfo& bug : kBugs) {
    if (names.count(bug.name)) bugs.*(bug.flag) = true;
  }
  return bugs;
}

}  // namespace dsim::raft
