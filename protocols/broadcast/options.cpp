#include "protocols/broadcast/options.h"

#include <fmt/format.h>

namespace dsim::broadcast {

namespace {

Mode read_mode(ObjectReader& params) {
  const std::string mode = params.choice("mode", "push", {"push", "pull", "push-pull", "anti-entropy", "flood"});
  if (mode == "pull") return Mode::pull;
  if (mode == "push-pull") return Mode::push_pull;
  if (mode == "anti-entropy") return Mode::anti_entropy;
  if (mode == "flood") return Mode::flood;
  return Mode::push;
}

Topology read_topology(ObjectReader& params) {
  Topology t;
  const std::string name = params.string("topology", "none");
  if (name == "none") return t;
  if (name == "total") t.kind = Topology::Kind::total;
  else if (name == "line") t.kind = Topology::Kind::line;
  else if (name == "grid") t.kind = Topology::Kind::grid;
  else if (name.rfind("tree-", 0) == 0 && name.size() > 5 && name.size() <= 8 &&
           name.find_first_not_of("0123456789", 5) == std::string::npos && std::stoi(name.substr(5)) >= 1) {
    t.kind = Topology::Kind::tree;
    t.k = static_cast<std::uint32_t>(std::stoi(name.substr(5)));
  } else {
    params.diag().expected(params.path("topology"), "\"none\", \"total\", \"line\", \"grid\" or \"tree-K\" (K >= 1)",
                           name);
  }
  return t;
}

}  // namespace

Options read_options(ObjectReader& params) {
  Options o;
  const TimeNs max_ns = 3600 * kNsPerSec;
  o.mode = read_mode(params);
  o.fanout = static_cast<std::uint32_t>(params.integer("fanout", 1, 1, 4096));
  o.period_ns = params.duration_ms("period_ms", o.period_ns, 0, max_ns);
  o.period_jitter = params.boolean("period_jitter", false);
  o.topology = read_topology(params);
  o.relay = params.boolean("relay", true);
  const std::string stop = params.choice("stop", "none", {"none", "counter", "coin"});
  o.stop = stop == "counter" ? Stop::counter : stop == "coin" ? Stop::coin : Stop::none;
  o.stop_k = static_cast<std::uint32_t>(params.integer("stop_k", 2, 1, 1000));
  o.feedback = params.boolean("feedback", true);
  o.anti_entropy_ns = params.duration_ms("anti_entropy_ms", 0, 0, max_ns);
  o.durable = params.boolean("durable", false);
  o.batch_max = static_cast<std::uint32_t>(params.integer("batch_max", 0, 0, 1'000'000));
  params.finish();

  auto& diag = params.diag();
  if (o.period_ns == 0 && o.mode != Mode::flood) {
    diag.error(params.path("period_ms"), "expected a period above 0 ms (only flood may forward at once, unbatched)");
  }
  if (o.stop != Stop::none && (o.mode == Mode::flood || o.mode == Mode::anti_entropy)) {
    diag.error(params.path("stop"), "expected \"none\": a stop rule applies to push, pull and push-pull rumors");
  }
  if (o.mode == Mode::flood && o.topology.kind == Topology::Kind::none) o.topology.kind = Topology::Kind::total;
  if (!o.relay && (o.mode != Mode::flood || !o.topology.everyone())) {
    diag.error(params.path("relay"), "expected true: without relaying only a flood over the total topology reaches "
                                     "every node");
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

}  // namespace dsim::broadcast
