// A protocol, as the engine sees it: a factory of node processes plus an observer of the whole
// cluster. Protocols are registered by name in one registry (protocols/all.cpp fills it) so that
// nothing under sim/ knows any protocol.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/node/observer.h"
#include "sim/node/process.h"
#include "sim/scenario/json_reader.h"

namespace dsim {

// The parts of a scenario's `cluster` section a protocol needs.
struct ClusterConfig {
  std::uint32_t nodes = 0;
  std::vector<std::string> node_names;  // node i is node_names[i]
  nlohmann::json params = nlohmann::json::object();
  std::set<std::string> bugs;           // known-bug switches that are on
};

class Protocol {
 public:
  virtual ~Protocol() = default;
  // A fresh process for `node`: at boot and after every restart.
  virtual std::unique_ptr<Process> make_node(NodeId node) const = 0;
  // Global invariant checks; nullptr when the protocol has none.
  virtual std::unique_ptr<Observer> make_observer() const { return nullptr; }
};

struct KnownBug {
  std::string name;     // the switch, as written in cluster.bugs
  std::string summary;  // the real-world bug it reproduces
};

// A workload a protocol serves, and the linearizability models that fit the histories it gives.
struct ServedWorkload {
  std::string workload;             // a registered workload kind ("register", "kv", "bank" ...)
  std::vector<std::string> models;  // models for checks.linearizability; empty: none fits
};

// A number the protocol's Observer publishes at the end of every run (ObserverReport::metrics),
// by its dotted name: what `dsim sweep` aggregates and `dsim list` names.
struct MetricInfo {
  std::string name;     // "raft.split_votes"
  std::string summary;  // what it counts, with its unit
};

struct ProtocolInfo {
  std::string name;
  std::string summary;
  std::vector<KnownBug> known_bugs;
  // Validates cluster.params (an object, possibly empty) and reports problems under `params`.
  // Must accept every parameter it documents and reject the rest (ObjectReader::finish).
  std::function<void(ObjectReader& params, std::uint32_t nodes)> validate;
  // Builds the protocol for a validated cluster configuration.
  std::function<std::unique_ptr<Protocol>(const ClusterConfig&)> make;

  // ---- What the protocol declares, so that a scenario cannot pass without being checked ----
  // The defaults declare nothing, and then nothing is enforced: every registration should fill
  // them in (scenario validation and `dsim list` read them). Each has a default member
  // initializer, so a registration written before these fields existed still compiles.
  // The workloads it serves (the operations its nodes answer), each with the models that fit.
  // The "none" workload is always allowed. Empty: undeclared, every workload and model accepted.
  std::vector<ServedWorkload> workloads = {};
  // The smallest cluster it works with; validation rejects fewer nodes.
  std::uint32_t nodes_min = 1;
  // Whether its observer (checks.invariants) reports liveness findings itself, as the commit
  // protocols do for blocked transactions; then expect.liveness has a check without
  // checks.liveness. Unset: undeclared (an expect.liveness is not questioned).
  std::optional<bool> observer_checks_liveness = std::nullopt;
  // The nemesis profiles `dsim fuzz` uses for a scenario without a `fuzz` section (the section's
  // "profiles" array, docs/fuzzing.md): the faults that find this protocol's bugs best. Empty:
  // the swarm alone.
  nlohmann::json fuzz_profiles = nlohmann::json::array();
  // The metrics its observer publishes (a test holds every published one to this list).
  std::vector<MetricInfo> metrics = {};

  // The entry of `workload`, or null when the protocol does not serve it.
  const ServedWorkload* serves(std::string_view workload) const {
    for (const auto& w : workloads) {
      if (w.workload == workload) return &w;
    }
    return nullptr;
  }
};

class ProtocolRegistry {
 public:
  // The registry with every protocol of this build (filled once, on first use).
  static const ProtocolRegistry& instance();

  void add(ProtocolInfo info);
  const ProtocolInfo* find(std::string_view name) const;
  // Sorted by name.
  const std::vector<ProtocolInfo>& all() const { return protocols_; }

 private:
  std::vector<ProtocolInfo> protocols_;
};

// Defined in protocols/all.cpp: adds every protocol of this build.
void register_all_protocols(ProtocolRegistry& registry);

}  // namespace dsim
