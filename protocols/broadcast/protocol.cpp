// Registration: the parameters, the known bug and the factory of broadcast nodes.
#include <memory>

#include "protocols/broadcast/broadcast.h"
#include "protocols/broadcast/node.h"
#include "protocols/broadcast/observer.h"
#include "protocols/broadcast/options.h"

namespace dsim::broadcast {

namespace {

class Broadcast final : public Protocol {
 public:
  explicit Broadcast(Options options) : options_(options) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_); }
  std::unique_ptr<Observer> make_observer() const override {
    return std::make_unique<BroadcastObserver>(options_.period_ns);
  }

 private:
  Options options_;
};

}  // namespace

void register_broadcast(ProtocolRegistry& registry) {
  std::vector<KnownBug> bugs;
  for (const BugInfo& bug : kBugs) bugs.push_back(KnownBug{bug.name, bug.summary});
  ProtocolInfo info{
      "broadcast",
      "Maelstrom's broadcast (Gossip Glomers): push, pull and push-pull rumor spreading with stop rules, "
      "anti-entropy, or flooding over a grid, line, tree-k or total topology",
      std::move(bugs),
      [](ObjectReader& params, std::uint32_t) { read_options(params); },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Diagnostics diag;
        ObjectReader params(config.params, "/cluster/params", diag);
        Options options = read_options(params);
        options.bugs = read_bugs(config.bugs);
        return std::make_unique<Broadcast>(options);
      }};
  // Its own workload: broadcasts and reads of the message sets, judged by checks.broadcast.
  info.workloads = {{"broadcast", {}}};
  info.nodes_min = 1;
  info.metrics = {
      {"gossip.values", "values broadcast"},
      {"gossip.reached_all", "values that reached every node"},
      {"gossip.spread_ms.median", "median time from a value's first node to its last, ms"},
      {"gossip.spread_ms.max", "longest such time, ms"},
      {"gossip.rounds.mean", "mean gossip periods from a value's first node to its last"},
      {"gossip.rounds.max", "most such periods"},
  };
  info.observer_checks_liveness = false;
  registry.add(std::move(info));
}

}  // namespace dsim::broadcast
