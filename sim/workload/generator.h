// Workload generators: what operations clients issue. A generator is chosen by the scenario's
// workload.kind and draws each operation from the workload random stream it is handed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/core/rng.h"
#include "sim/core/time.h"
#include "sim/net/message.h"
#include "sim/scenario/json_reader.h"

namespace dsim {

struct OpTemplate {
  std::string f;
  std::optional<std::string> key;
  nlohmann::json value;
  // Where the first attempt goes (below the cluster size); nullopt: the workload's `target`
  // rule. Retries after a timeout move on to the next node as usual.
  std::optional<NodeId> node;
};

// What a generator may know of the run before its first operation.
struct GeneratorSetup {
  std::uint32_t nodes = 0;
  std::uint32_t clients = 0;
};

// Clients are closed loops: next() when a client is free, then the operation runs to its end,
// then the client pauses (think_ms, or what completed() says) and asks again. The hooks below
// have defaults that change nothing, so a generator that only implements next() behaves (and
// draws) exactly as before they existed.
class Generator {
 public:
  virtual ~Generator() = default;
  virtual OpTemplate next(std::uint32_t client, Rng& rng) = 0;

  // Called once, after construction and before the first next().
  virtual void setup(const GeneratorSetup&) {}
  // Called when one of `client`'s operations ends (ok, fail or info): returns the pause before
  // the client's next operation; nullopt: the workload's think_ms. A probe uses it to read
  // exactly t after a write was acknowledged.
  virtual std::optional<TimeNs> completed(std::uint32_t /*client*/, const check::Operation& /*op*/) {
    return std::nullopt;
  }
  // True once the generator has nothing more for `client` in the main phase (a fixed number of
  // probes): the client stops as if the workload had stopped.
  virtual bool exhausted(std::uint32_t /*client*/) const { return false; }

  // The final phase: when the main phase has stopped (stop_ms, ops or exhausted()) and the
  // cluster is calm (the last fault undone), plus final_after_ns(), the engine asks once for
  // final_ops() and deals them round-robin to the clients, which issue them in order, with
  // think_ms between, ignoring ops and stop_ms. nullopt: no final phase.
  virtual std::optional<TimeNs> final_after_ns() const { return std::nullopt; }
  virtual std::vector<OpTemplate> final_ops() { return {}; }
};

struct WorkloadInfo {
  std::string name;
  std::string summary;
  // Reads the generator's own keys from the scenario's workload object (the engine has read
  // the common ones: kind, clients, ops, think_ms ...). Unknown keys are reported afterwards.
  std::function<void(ObjectReader& workload)> validate;
  // Builds a generator from the generator's own keys (validated).
  std::function<std::unique_ptr<Generator>(const nlohmann::json& params)> make;
};

class WorkloadRegistry {
 public:
  static const WorkloadRegistry& instance();
  void add(WorkloadInfo info);
  const WorkloadInfo* find(std::string_view name) const;
  const std::vector<WorkloadInfo>& all() const { return workloads_; }  // sorted by name

 private:
  std::vector<WorkloadInfo> workloads_;
};

// Defined next to the generators (sim/workload/builtin.cpp): adds every generator of this build.
void register_all_workloads(WorkloadRegistry& registry);

}  // namespace dsim
