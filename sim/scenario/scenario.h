// A scenario: one claim about a protocol, as data. The JSON format is documented in
// docs/scenario-format.md and scenarios/schema.json; this is its validated, typed form, with
// node names resolved to ids and every time in nanoseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/time.h"
#include "sim/net/message.h"
#include "sim/scenario/json_reader.h"

namespace dsim {

struct LatencySpec {
  enum class Dist { constant, uniform, normal, exponential, lognormal, pareto, mixture };
  Dist dist = Dist::normal;
  TimeNs mean_ns = 250 * kNsPerUs;  // constant: the value; normal, exponential, lognormal: the mean
  TimeNs stddev_ns = 50 * kNsPerUs; // normal, lognormal
  TimeNs min_ns = 0;                // uniform
  TimeNs max_ns = 0;                // uniform
  TimeNs floor_ns = 100 * kNsPerUs; // no message is faster than this
  TimeNs scale_ns = 0;              // pareto: the smallest value (x_m)
  double shape = 0.0;               // pareto: the tail index (alpha); the mean is finite when > 1
  // mixture: component i is drawn with probability weights[i] / sum(weights). Components are
  // not mixtures themselves.
  std::vector<LatencySpec> components = {};  // (initialised: aggregate initialisation may omit them)
  std::vector<double> weights = {};

  bool operator==(const LatencySpec&) const = default;
};

// Latency by message type (Message::type(), e.g. "Write"): for those types, instead of the
// link's latency.
using TypeLatencies = std::map<std::string, LatencySpec, std::less<>>;

// Overrides for the directed links from each of `from` to each of `to`.
struct LinkSpec {
  std::vector<NodeId> from;
  std::vector<NodeId> to;
  std::optional<LatencySpec> latency;
  std::optional<double> loss;
  std::optional<double> duplicate;
  std::optional<double> reorder;
  TypeLatencies latency_by_type = {};  // on these links, for these message types

  bool operator==(const LinkSpec&) const = default;
};

struct NetworkSpec {
  LatencySpec latency;          // every node-to-node link
  LatencySpec client_latency;   // client <-> node (clients are never partitioned)
  double loss = 0.0;            // probability a message is dropped
  double duplicate = 0.0;       // probability a message is delivered twice
  double reorder = 0.0;         // probability a message may overtake earlier ones on its link;
                                // otherwise each directed link is FIFO, like a TCP connection
  std::vector<LinkSpec> links;  // applied in order, later ones win
  // Every node-to-node link, for these message types. Most specific wins: a link's entry for the
  // type, then the link's latency, then this, then `latency`.
  TypeLatencies latency_by_type;

  bool operator==(const NetworkSpec&) const = default;
};

struct ClockSpec {
  TimeNs offset_ns = 0;
  std::int64_t drift_ppm = 0;   // local = offset + (1 + drift_ppm * 1e-6) * true

  bool operator==(const ClockSpec&) const = default;
};

// A fault's node chosen when the fault fires rather than when the file is written: among the
// live nodes whose published state (Context::annotate) has every key of `annotated` at the value
// given, the lowest id, the one that matched last (the newest leader, not a stale one cut off
// from the others), or a seeded draw. The engine compares JSON values and knows nothing of what
// the keys mean: {"role": "leader"} is Raft's word, not the engine's. No match: the fault does
// nothing (and the trace says so).
struct NodeSelector {
  enum class Pick { lowest, newest, random };
  std::map<std::string, nlohmann::json> annotated;  // key -> a scalar value; not empty
  Pick pick = Pick::lowest;

  bool operator==(const NodeSelector&) const = default;
};

// Fields that an action's kind does not use stay at their defaults (to_json relies on it).
struct FaultAction {
  enum class Kind {
    crash,       // nodes; lose_unsynced
    restart,     // nodes
    wipe,        // nodes: crash and lose the disk (restart later)
    pause,       // nodes
    resume,      // nodes
    partition,   // pairs blocked (dropped) until heal or the end of `duration_ns`
    heal,        // removes every partition
    clog,        // pairs held (not dropped) until unclog
    unclog,      // pairs released; empty pairs: every clog
    network,     // loss / duplicate / reorder / latency for every link, until the end of duration
    clock_step,  // nodes; delta_ns (forward or backward)
    clock_drift, // nodes; drift_ppm
    clock_resync, // nodes; local clock set back to true time
    slow,        // nodes; latency: each event a node handles costs a drawn delay, until unslow
    unslow       // nodes: every slowness ends (queued events are still handled in order)
  };
  // Which links a partition, clog or unclog covers. The shapes keep what the file said (groups,
  // nodes) rather than every pair, so a cut of thousands of nodes stays small.
  enum class Links : std::uint8_t {
    listed,          // exactly `pairs`
    between_groups,  // every link between two different `groups`, both directions
    one_way,         // every link from groups[0] to groups[1]
    touching,        // every link into and out of `nodes`
  };
  Kind kind = Kind::crash;
  TimeNs at_ns = 0;
  std::optional<TimeNs> duration_ns;  // when set, the action is undone this long after at_ns
  std::string label;                  // the action as written: "isolate", "bridge", "partition" ...

  std::vector<NodeId> nodes;
  std::optional<NodeSelector> select;  // instead of `nodes` (and, for isolate, pairs and groups)
  bool lose_unsynced = false;
  Links links = Links::listed;                    // partition, clog, unclog
  std::vector<std::pair<NodeId, NodeId>> pairs;   // listed: directed (from, to), sorted, no duplicates
  std::vector<std::vector<NodeId>> groups;        // partition as written, for display
  std::optional<double> loss, duplicate, reorder; // network
  std::optional<LatencySpec> latency;             // network; slow: the delay each event costs
  TimeNs delta_ns = 0;                            // clock_step
  std::int64_t drift_ppm = 0;                     // clock_drift
  // slow: which event a slow node takes next from its backlog. arrival: the oldest; timers_first:
  // the oldest due timer if there is one (an event loop that checks its timer heap before its
  // sockets), then the oldest message or request.
  enum class SlowOrder : std::uint8_t { arrival, timers_first };
  SlowOrder slow_order = SlowOrder::arrival;

  bool operator==(const FaultAction&) const = default;
};

struct WorkloadSpec {
  std::string kind = "none";     // a registered workload generator: "none", "register", "kv", "bank" ...
  std::uint32_t clients = 0;
  std::int64_t ops_max = 0;      // total operations over all clients; 0: no limit
  TimeNs think_ns = 10 * kNsPerMs;    // a client's pause between operations
  TimeNs timeout_ns = 500 * kNsPerMs; // per attempt; then the client retries or gives up
  std::uint32_t attempts_max = 3;     // tries per operation (redirects and timeouts)
  TimeNs start_ns = 0;
  std::optional<TimeNs> stop_ns;      // no new operations after this (default: run end)
  enum class Target { any, round_robin, node };
  Target target = Target::any;        // where a client sends an operation first
  NodeId target_node = 0;             // for Target::node
  nlohmann::json params = nlohmann::json::object();  // generator-specific keys, validated by it

  bool operator==(const WorkloadSpec&) const = default;
};

// Bounds a broadcast run must meet (checks.broadcast); unset: measured, not asserted.
struct BroadcastBoundsSpec {
  std::optional<double> msgs_per_op_max;
  std::optional<TimeNs> stable_median_max_ns;
  std::optional<TimeNs> stable_max_max_ns;

  bool operator==(const BroadcastBoundsSpec&) const = default;
};

// The WARS model's inputs (PBS §5; sim/net/wars.h): N, R, W and the four delay distributions.
struct WarsSpec {
  std::uint32_t n = 3;
  std::uint32_t r = 1;
  std::uint32_t w = 1;
  LatencySpec w_latency, a_latency, r_latency, s_latency;
  std::uint64_t trials = 100'000;

  bool operator==(const WarsSpec&) const = default;
};

// The history checks of weakly consistent stores (sim/check/lost_writes.h, staleness.h).
struct LostWritesCheck {
  bool any = false;  // an acknowledged add missing from any final read is lost (default: from all)
  bool operator==(const LostWritesCheck&) const = default;
};
struct StalenessCheck {
  std::optional<std::int64_t> k_max;  // a read more than k_max versions behind is a finding
  bool operator==(const StalenessCheck&) const = default;
};
struct TVisibilityCheck {
  std::vector<TimeNs> t_ns;           // bucket bounds, increasing
  std::optional<WarsSpec> model;      // print the WARS prediction beside the measurement
  std::optional<double> tolerance_pp; // with model: |measured - predicted| beyond this (percentage points) is a finding
  std::optional<double> min_probability;  // a bucket below this is a finding
  bool operator==(const TVisibilityCheck&) const = default;
};

struct ChecksSpec {
  bool invariants = true;                         // the protocol's observer, after every event
  std::optional<std::string> linearizability;     // model name: "register", "cas-register", "kv"
  std::int64_t lin_steps_max = 50'000'000;
  std::int64_t lin_memo_bytes_max = 512ll << 20;
  bool liveness = false;
  TimeNs liveness_within_ns = 5 * kNsPerSec;      // after calm, progress must resume this soon
  std::optional<TimeNs> calm_ns;                  // default: when the last fault is undone
  // The broadcast checker (sim/check/broadcast.h): on by default with the broadcast workload.
  std::optional<BroadcastBoundsSpec> broadcast;
  std::optional<LostWritesCheck> lost_writes;
  std::optional<StalenessCheck> staleness;
  std::optional<TVisibilityCheck> t_visibility;

  bool operator==(const ChecksSpec&) const = default;
};

struct ExpectSpec {
  enum class Outcome { holds, violated, any };
  Outcome safety = Outcome::holds;
  std::vector<std::string> violations;  // with violated: a finding id must start with one of them
  Outcome liveness = Outcome::any;

  bool operator==(const ExpectSpec&) const = default;
};

struct RunSpec {
  std::uint64_t seed = 1;
  TimeNs duration_ns = 10 * kNsPerSec;
  // Limits on everything, so a livelocked protocol or a runaway workload stops rather than
  // running for hours or being killed for memory. Spending either makes the run inconclusive.
  std::uint64_t events_max = 10'000'000;
  // The recorded history and trace plus the messages in flight (sim/world/memory.h).
  std::uint64_t memory_bytes_max = 2ull << 30;
  // Livelock watchdogs: a node that sends more messages, or fires more timers, than this many per
  // simulated second (judged over 100 ms windows) is in a loop, not at work: the run stops with
  // livelock:message-storm / livelock:timer-storm. 0: off. The defaults are ~25x what the
  // busiest shipped scenario does (a Raft leader under a 1,000 ops/s workload).
  std::uint64_t messages_per_node_s_max = 100'000;
  std::uint64_t timers_per_node_s_max = 100'000;

  bool operator==(const RunSpec&) const = default;
};

// A way `dsim fuzz` draws a seed's faults (docs/fuzzing.md). Each seed draws one profile, by
// weight, from its own stream; a scenario without a `fuzz` section uses its protocol's defaults.
struct NemesisProfile {
  enum class Kind {
    swarm,               // the swarm generator (sim/fault/swarm.h)
    isolations,          // chains of isolations of one node each, of whom `select` picks as it fires
    partition_restarts,  // a minority cut off while the majority side crashes and restarts
    crash_restarts,      // quick crash-restarts of one node each (a supervisor restarting a process)
    mix,                 // the schedules of the profiles in `of`, together
  };
  // An inclusive range of values drawn uniformly.
  template <class T>
  struct Range {
    T min{};
    T max{};
    bool operator==(const Range&) const = default;
  };
  Kind kind = Kind::swarm;
  double weight = 1;
  // isolations
  std::optional<NodeSelector> select;  // unset: a node drawn at random for each isolation
  Range<std::uint32_t> chains{1, 3};
  Range<std::uint32_t> length{3, 20};  // isolations per chain
  Range<TimeNs> gap_ns{100 * kNsPerMs, 300 * kNsPerMs};  // from one isolation's start to the next's
  Range<TimeNs> duration_ns{100 * kNsPerMs, 500 * kNsPerMs};  // also the partition's, for partition_restarts
  // partition_restarts
  Range<std::uint32_t> minority{1, 4096};  // nodes cut off (4096: kScenarioNodesMax); at most a strict minority
  Range<std::uint32_t> down_before{0, 1};  // majority nodes crashed before the cut, back after it
  Range<std::uint32_t> restarts{1, 3};     // rolling crash-restarts of the other majority nodes
  Range<TimeNs> restart_ns{20 * kNsPerMs, 80 * kNsPerMs};
  // crash_restarts: `restarts` crashes, each `restart_ns` long, at random times in the fault window
  // (of the node `select` picks as each fires, else a random one); each loses what the node had
  // not synced with this chance.
  double lose_unsynced_chance = 0.5;
  // Any kind: cluster parameters this profile sets, one value drawn per seed from each list (a
  // leader nemesis wants Raft without its no-op, one entry per AppendEntries). Sorted by name,
  // so the draws are in a fixed order.
  std::map<std::string, std::vector<nlohmann::json>> params;
  // mix: the profiles whose schedules are drawn in turn and run together (no mix inside a mix;
  // their weights and params are not used: the mix has its own).
  std::vector<NemesisProfile> of;

  bool operator==(const NemesisProfile&) const = default;
};

struct FuzzSpec {
  std::vector<NemesisProfile> profiles;  // never empty after parsing

  bool operator==(const FuzzSpec&) const = default;
};

// An experiment (docs/sweeps.md): the grid `dsim sweep` runs the scenario over, and what its
// aggregates must show. `dsim run` on a scenario that has one runs the sweep.
struct SweepParam {
  std::string name;                    // how plots, tables and expectations call it
  std::string pointer;                 // JSON Pointer into the scenario, e.g. "/cluster/nodes"
  std::vector<nlohmann::json> values;  // scalars, in the order given

  bool operator==(const SweepParam&) const = default;
};

struct SweepExpect {
  enum class Kind { bound, trend, fit };
  Kind kind = Kind::bound;
  std::string metric;                         // a metric's name: "raft.split_votes"
  std::string stat = "mean";                  // mean, median, p99, min, max, ci95_low, ci95_high
  nlohmann::json at = nlohmann::json::object();  // the points it judges (name -> value or values); all when empty
  std::optional<double> below, above;         // bound: strict
  std::string in;                             // trend and fit: the parameter it runs along
  bool increasing = false;                    // trend: never falling (else never rising), and moving
  std::string formula;                        // fit: in the parameters' names, e.g. "log2(n) + 1"
  double tolerance = 0.1;                     // fit: |stat - formula| <= tolerance * |formula|

  bool operator==(const SweepExpect&) const = default;
};

struct SweepSpec {
  bool present = false;
  std::string title;
  std::vector<SweepParam> params;
  std::uint64_t seeds_from = 1;
  std::uint64_t seeds_to = 10;
  std::vector<std::string> plot_metrics;
  std::string plot_x, plot_series;            // parameter names; empty: the first and second
  std::vector<SweepExpect> expect;

  bool operator==(const SweepSpec&) const = default;
};

struct ClusterSpec {
  std::string protocol;
  std::vector<std::string> node_names;     // node i is node_names[i]; default n0, n1, ...
  nlohmann::json params = nlohmann::json::object();
  std::set<std::string> bugs;
  std::uint32_t size() const { return static_cast<std::uint32_t>(node_names.size()); }

  bool operator==(const ClusterSpec&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;  // the claim, in words
  ClusterSpec cluster;
  NetworkSpec network;
  std::vector<ClockSpec> clocks;  // one per node
  std::vector<FaultAction> faults;  // sorted by at_ns (stable: file order breaks ties)
  WorkloadSpec workload;
  ChecksSpec checks;
  ExpectSpec expect;
  RunSpec run;
  FuzzSpec fuzz;  // how `dsim fuzz` draws faults for it; not used by `dsim run`
  SweepSpec sweep;  // an experiment: `dsim run` runs the sweep instead of one run

  bool operator==(const Scenario&) const = default;
};

// Limits on what a scenario may ask for; docs/scenario-format.md and scenarios/schema.json
// state the same figures.
inline constexpr std::uint32_t kScenarioNodesMax = 4096;
inline constexpr TimeNs kScenarioDurationMax = 7 * 24 * 3600 * kNsPerSec;  // run, offsets, times
inline constexpr TimeNs kScenarioLatencyMax = 3600 * kNsPerSec;            // every latency figure
inline constexpr std::size_t kScenarioFaultsMax = 100'000;
inline constexpr std::size_t kScenarioLinksMax = 10'000;
inline constexpr TimeNs kSlowEventDelayMax = 60 * kNsPerSec;  // a slow node's cost of one event
inline constexpr std::size_t kScenarioMixtureMax = 16;      // components of one mixture
inline constexpr std::size_t kScenarioTypeLatenciesMax = 64;  // message types given a latency
inline constexpr std::size_t kScenarioBytesMax = 16u << 20;  // a larger file is not a scenario
inline constexpr std::size_t kScenarioDepthMax = 64;         // JSON nesting
inline constexpr std::size_t kScenarioProfilesMax = 16;      // fuzz.profiles

// The named latency presets ("same-dc", "same-region", "cross-region"); nullopt for others.
std::optional<LatencySpec> latency_preset(std::string_view name);
std::vector<std::string> latency_preset_names();

// Parses and validates a scenario document. `file` only labels error messages.
std::variant<Scenario, Diagnostics> parse_scenario(std::string_view text, std::string_view file);
// Reads a file and parses it; a missing or unreadable file is a Diagnostic too.
std::variant<Scenario, Diagnostics> load_scenario(const std::string& path);
// The canonical JSON of a scenario: every default spelled out, faults concrete. Parsing it gives
// back an equal Scenario, so a fuzz failure written this way replays exactly.
nlohmann::json to_json(const Scenario& scenario);

}  // namespace dsim
