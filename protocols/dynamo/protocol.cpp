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
  info.metrics = {
      {"dynamo.reads", "reads coordinated"}, {"dynamo.writes", "writes coordinated"},
      {"dynamo.reads_ok", "reads that met R"}, {"dynamo.writes_ok", "writes that met W"},
      {"dynamo.gave_up", "operations that could not meet R or W"},
      {"dynamo.read_merge_writes", "writes a read made to store the merged siblings"},
      {"dynamo.reads_with_siblings", "reads that returned concurrent versions"},
      {"dynamo.max_siblings", "the most concurrent versions of one key on a replica"},
      {"dynamo.replica_keys", "keys stored, summed over replicas, at the end"},
      {"dynamo.replica_keys_with_siblings", "of those, keys holding concurrent versions"},
      {"dynamo.read_repairs", "stale replicas updated by a read"},
      {"dynamo.hinted_writes", "writes stored on a fallback node with a hint"},
      {"dynamo.handoffs", "hinted writes handed back to their home replica"},
      {"dynamo.hints_outstanding", "hints not yet handed back at the end"},
      {"dynamo.anti_entropy.exchanges", "anti-entropy exchanges"},
      {"dynamo.anti_entropy.messages", "anti-entropy messages"},
      {"dynamo.anti_entropy.bytes", "anti-entropy payload bytes"},
      {"dynamo.anti_entropy.keys_sent", "keys sent by anti-entropy"},
  };
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
