#include "protocols/dynamo/options.h"

#include <fmt/format.h>

namespace dsim::dynamo {

namespace {

// A consistency level names a count of N.
std::uint32_t level_count(const std::string& level, std::uint32_t n) {
  if (level == "one") return 1;
  if (level == "all") return n;
  return n / 2 + 1;  // quorum
}

// r and w: an explicit count, or a consistency level (both given is an error).
std::uint32_t read_count(ObjectReader& params, const char* count_key, const char* level_key, std::uint32_t n,
                         std::uint32_t nodes) {
  const bool has_count = params.has(count_key);
  const bool has_level = params.has(level_key);
  const auto count = static_cast<std::uint32_t>(params.integer(count_key, n / 2 + 1, 1, 1000));
  const std::string level = params.choice(level_key, "quorum", {"one", "quorum", "all"});
  if (has_count && has_level) {
    params.diag().error(params.path(level_key), fmt::format("expected {} or {}, not both", count_key, level_key));
  }
  const std::uint32_t value = has_count ? count : level_count(level, n);
  if (value > n && n <= nodes) {
    params.diag().error(params.path(count_key), fmt::format("expected at most n ({}), found {}", n, value));
  }
  return value;
}

}  // namespace

Options read_options(ObjectReader& params, std::uint32_t nodes) {
  Options o;
  const TimeNs max_ns = 60 * kNsPerSec;
  o.n = static_cast<std::uint32_t>(params.integer("n", 3, 1, 1000));
  if (o.n > nodes) {
    params.diag().error(params.path("n"), fmt::format("expected at most the cluster size ({}), found {}", nodes, o.n));
  }
  o.r = read_count(params, "r", "read_consistency", o.n, nodes);
  o.w = read_count(params, "w", "write_consistency", o.n, nodes);
  o.tokens_per_node = static_cast<std::uint32_t>(params.integer("tokens_per_node", 8, 1, 1024));
  o.versioning = params.choice("versioning", "lww", {"lww", "vclock"}) == "vclock" ? Versioning::vclock : Versioning::lww;
  const std::string repair = params.choice("read_repair", "async", {"off", "sync", "async"});
  o.read_repair = repair == "off" ? ReadRepair::off : repair == "sync" ? ReadRepair::sync : ReadRepair::async;
  o.sloppy_quorum = params.boolean("sloppy_quorum", o.sloppy_quorum);
  o.replica_timeout_ns = params.duration_ms("replica_timeout_ms", o.replica_timeout_ns, kNsPerMs / 10, max_ns);
  o.suspect_ns = params.duration_ms("suspect_ms", o.suspect_ns, kNsPerMs, max_ns);
  o.op_timeout_ns = params.duration_ms("op_timeout_ms", o.op_timeout_ns, kNsPerMs, max_ns);
  o.handoff_ns = params.duration_ms("handoff_ms", o.handoff_ns, kNsPerMs, max_ns);
  o.anti_entropy_ns = params.duration_ms("anti_entropy_ms", o.anti_entropy_ns, 0, max_ns);
  o.merkle_depth = static_cast<std::uint32_t>(params.integer("merkle_depth", 6, 1, 20));
  o.convergence_ns = params.duration_ms("convergence_ms", o.convergence_ns, 0, 10 * max_ns);
  params.finish();
  if (o.anti_entropy_ns > 0 && o.anti_entropy_ns < kNsPerMs) {
    params.diag().error(params.path("anti_entropy_ms"), "expected 0 (off) or at least 1 ms");
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

}  // namespace dsim::dynamo
