// Registration: the parameters, the known bugs, the factory of nodes and the observer.
#include <memory>

#include "protocols/dynamo/dynamo.h"
#include "protocols/dynamo/node.h"
#include "protocols/dynamo/observer.h"
#include "protocols/dynamo/options.h"

namespace dsim::dynamo {

namespace {

class Dynamo final : public Protocol {
 public:
  Dynamo(Options options, std::uint32_t nodes)
      : options_(options), ring_(std::make_shared<quorum::Ring>(nodes, options.tokens_per_node)) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_, ring_); }
  std::unique_ptr<Observer> make_observer() const override {
    return std::make_unique<DynamoObserver>(options_, ring_);
  }

 private:
  Options options_;
  std::shared_ptr<const quorum::Ring> ring_;
};

}  // namespace

void register_dynamo(ProtocolRegistry& registry) {
  std::vector<KnownBug> bugs;
  for (const BugInfo& bug : kBugs) bugs.push_back(KnownBug{bug.name, bug.summary});
  ProtocolInfo info{
      "dynamo",
      "a leaderless Dynamo-style key-value store: consistent hashing, N/R/W, LWW or vector clocks, read repair, "
      "sloppy quorum with hinted handoff, Merkle anti-entropy",
      std::move(bugs),
      [](ObjectReader& params, std::uint32_t nodes) { read_options(params, nodes); },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        Diagnostics diag;
        ObjectReader params(config.params, "/cluster/params", diag);
        Options options = read_options(params, config.nodes);
        options.bugs = read_bugs(config.bugs);
        return std::make_unique<Dynamo>(options, config.nodes);
      }};
  // Reads and blind writes on registers and keys (cas fails: no atomic read-modify-write),
  // merged adds on sets, and probes. LWW histories are judged by the register and kv models
  // (often not linearizable: that is a finding, not a mismatch); sets and probes have their own
  // checks (lost_writes, staleness, t_visibility) and no model.
  info.workloads = {{"kv", {"kv"}}, {"register", {"cas-register", "register"}}, {"set", {}}, {"visibility", {"register"}}};
  info.nodes_min = 1;  // read_options also enforces n <= nodes
  info.observer_checks_liveness = false;
  // A quarter of the seeds take out as many nodes as a majority side can spare (the largest
  // minority cut off, one more down) while the rest restart in turn: the swarm almost never loses
  // every home replica of a key and then the memory of the fallbacks holding its hints.
  info.fuzz_profiles = nlohmann::json::array({{{"kind", "swarm"}, {"weight", 3}},
                                              {{"kind", "partition-restarts"},
                                               {"weight", 1},
                                               {"minority", 4096},
                                               {"down_before", 1},
                                               {"restarts", {2, 4}}}});
  registry.add(std::move(info));
}

}  // namespace dsim::dynamo
