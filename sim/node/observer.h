// The simulator's omniscience: an observer sees every node's state at once, which no real test
// can, and checks a protocol's global invariants after every event.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/core/time.h"
#include "sim/node/process.h"

namespace dsim {

// One result of a check: a violated invariant, an illegal history, a stalled cluster.
struct Finding {
  enum class Kind { safety, liveness };
  Kind kind = Kind::safety;
  std::string check;   // which checker: "invariant", "linearizability", "liveness", "atomic-commit" ...
  std::string name;    // what exactly: "one-leader-per-term", "agreement" ... (may equal check)
  std::string detail;  // one line a person can read
  TimeNs at_ns = 0;    // when it was detected (virtual time)
  nlohmann::json data; // machine-readable detail for the trace and the visualizer

  // "check:name", the identifier scenario expectations and fuzz signatures refer to.
  std::string id() const { return name.empty() || name == check ? check : check + ":" + name; }
};

// Read-only access to the whole cluster, for observers.
class ClusterView {
 public:
  virtual ~ClusterView() = default;
  virtual std::uint32_t size() const = 0;
  // The live process object of `node`, or nullptr while it is crashed.
  virtual const Process* process(NodeId node) const = 0;
  virtual bool paused(NodeId node) const = 0;
  virtual const Storage& storage(NodeId node) const = 0;
  virtual TimeNs now_ns() const = 0;  // true (engine) time
};

// What a protocol adds to the end-of-run report.
struct Report {
  std::vector<Finding> findings;
  nlohmann::json metrics = nlohmann::json::object();  // shown in the summary, keys sorted
};

class Observer {
 public:
  virtual ~Observer() = default;
  // After every event that ran code on `node` (or changed it: crash, restart, wipe). A returned
  // finding is a safety violation: it is recorded and stops the run.
  virtual std::optional<Finding> after_event(const ClusterView& view, NodeId node) = 0;
  // Once at the end: protocol-specific checks over the final state and the client history
  // (atomic commit, convergence, blocking ...) and metrics for the summary.
  virtual void at_end(const ClusterView& view, const check::History& history, TimeNs calm_ns,
                      Report& report) {
    (void)view, (void)history, (void)calm_ns, (void)report;
  }
};

}  // namespace dsim
