// Registration: the parameters, the known bugs and the factory of membership nodes.
#include <memory>

#include "protocols/membership/heartbeat.h"
#include "protocols/membership/membership.h"
#include "protocols/membership/observer.h"
#include "protocols/membership/options.h"
#include "protocols/membership/swim.h"

namespace dsim::membership {

namespace {

class Membership final : public Protocol {
 public:
  Membership(Options options, std::uint32_t nodes) : options_(options), nodes_(nodes) {}
  std::unique_ptr<Process> make_node(NodeId) const override {
    if (options_.mode == Mode::heartbeat) return std::make_unique<HeartbeatNode>(options_);
    return std::make_unique<SwimNode>(options_);
  }
  std::unique_ptr<Observer> make_observer() const override {
    return std::make_unique<MembershipObserver>(options_, nodes_);
  }

 private:
  Options options_;
  std::uint32_t nodes_;
};

}  // namespace

void register_membership(ProtocolRegistry& registry) {
  std::vector<KnownBug> bugs;
  for (const BugInfo& bug : kBugs) bugs.push_back(KnownBug{bug.name, bug.summary});
  ProtocolInfo info{
      "membership",
      "group membership with failure detection: heartbeat-counter gossip, or SWIM with Lifeguard's options; "
      "serves no client workload",
      std::move(bugs),
      [](ObjectReader& params, std::uint32_t nodes) { read_options(params, nodes); },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Diagnostics diag;
        ObjectReader params(config.params, "/cluster/params", diag);
        Options options = read_options(params, config.nodes);
        options.bugs = read_bugs(config.bugs);
        return std::make_unique<Membership>(options, config.nodes);
      }};
  // No client operations: its observer judges suspicions and removals (safety) and whether
  // every live member's view converged after calm (liveness: not-converged). A group of one
  // has no one to watch.
  info.workloads = {{"none", {}}};
  info.nodes_min = 2;
  info.metrics = {
      {"membership.detection.crashes", "crashes of members"},
      {"membership.detection.detected", "crashes some member suspected"},
      {"membership.detection.first_suspicion_periods", "mean protocol periods from a crash to its first suspicion"},
      {"membership.detection.first_removal_periods", "mean periods from a crash to its first removal"},
      {"membership.detection.all_removed_periods", "mean periods from a crash until every live member removed it"},
      {"membership.false_suspicions", "live members suspected"},
      {"membership.false_removals", "live members removed"},
      {"membership.msgs_per_member_per_period", "messages per member per protocol period"},
      {"membership.last_unconverged_ms", "the last time some live member's view was wrong"},
  };
  info.observer_checks_liveness = true;
  registry.add(std::move(info));
}

}  // namespace dsim::membership
