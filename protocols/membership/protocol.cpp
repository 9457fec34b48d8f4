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
  info.observer_checks_liveness = true;
  registry.add(std::move(info));
}

}  // namespace dsim::membership
