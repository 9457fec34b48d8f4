// Registration: the parameters, the known bugs and the factory of Raft nodes.
#include <memory>

#include "protocols/raft/node.h"
#include "protocols/raft/observer.h"
#include "protocols/raft/options.h"
#include "protocols/raft/raft.h"

namespace dsim::raft {

namespace {

class Raft final : public Protocol {
 public:
  explicit Raft(Options options) : options_(options) {}
  std::unique_ptr<Process> make_node(NodeId) const override { return std::make_unique<Node>(options_); }
  std::unique_ptr<Observer> make_observer() const override { return std::make_unique<RaftObserver>(options_.leader_stable_within_ns); }

 private:
  Options options_;
};

}  // namespace

void register_raft(ProtocolRegistry& registry) {
  std::vector<KnownBug> bugs;
  for (const BugInfo& bug : kBugs) bugs.push_back(KnownBug{bug.name, bug.summary});
  ProtocolInfo info{
      "raft",
      "Raft consensus (etcd-style: PreVote, CheckQuorum, fast backtracking) replicating a key-value store; "
      "reads through the log, ReadIndex or leases",
      std::move(bugs),
      [](ObjectReader& params, std::uint32_t) { read_options(params); },
      [](const ClusterConfig& config) -> std::unique_ptr<Protocol> {
        // Validated already: a fresh reader over the same parameters gives the same options.
        Diagnostics diag;
        ObjectReader params(config.params, "/cluster/params", diag);
        Options options = read_options(params);
        options.bugs = read_bugs(config.bugs);
        return std::make_unique<Raft>(options);
      }};
  // The replicated state machine answers register and kv operations alike.
  info.workloads = {{"kv", {"kv"}}, {"register", {"cas-register", "register"}}, {"set", {}}, {"visibility", {"register"}}};
  info.nodes_min = 1;
  info.metrics = {
      {"raft.elections", "terms in which some node campaigned"},
      {"raft.split_votes", "campaigns that elected nobody"},
      {"raft.leaders_elected", "terms that had a leader"},
      {"raft.pre_votes", "PreVote rounds started"},
      {"raft.max_term", "the highest term any node reached"},
      {"raft.committed", "log entries known committed"},
      {"raft.final_leader", "the node leading at the end (absent: none)"},
      {"raft.leadership_changes", "times the leadership of the highest term changed hands (or lapsed)"},
      {"raft.first_leader_ms", "when the first leader was elected (absent: never)"},
      {"raft.leaderless_ms", "time in which nobody led the highest term, from the start"},
  };
  info.observer_checks_liveness = false;
  // Two fifths of the seeds run the leader nemesis the Raft tests use: chains of isolations of the
  // newest leader, on a cluster whose leader has no no-op and sends one entry per AppendEntries (so
  // an old term's entry can be replicated, and miscounted, alone). Half of those add bursts of
  // quick crash-restarts, so a node forgets an unsynced vote while the elections the isolations
  // cause are under way. The swarm almost never lines either up: on happy-path with the swarm
  // alone, commit-old-term is found in 0 of 300 seeds and vote-not-persisted in 0 of 1,000; with
  // these defaults in 17 and 14 of 1,000. The swarm keeps three fifths: with two fifths,
  // ignore-higher-term-reply went unfound (docs/fuzzing.md has every bug switch's figures).
  const nlohmann::json leader_nemesis_params = {{"leader_noop", {false}}, {"max_append_entries", {1}}};
  const nlohmann::json isolate_newest_leader = {{"kind", "isolations"},
                                                {"select", {{"annotated", {{"role", "leader"}}}, {"pick", "newest"}}}};
  nlohmann::json isolations = isolate_newest_leader;
  isolations["weight"] = 1;
  isolations["params"] = leader_nemesis_params;
  info.fuzz_profiles = nlohmann::json::array(
      {{{"kind", "swarm"}, {"weight", 3}},
       isolations,
       {{"kind", "mix"},
        {"weight", 1},
        {"params", leader_nemesis_params},
        {"of", {isolate_newest_leader, {{"kind", "crash-restarts"}, {"restarts", {12, 32}}, {"restart_ms", {1, 20}}}}}}});
  registry.add(std::move(info));
}

}  // namespace dsim::raft
