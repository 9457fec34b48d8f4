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

#include "sim/core/rng.h"
#include "sim/scenario/json_reader.h"

namespace dsim {

struct OpTemplate {
  std::string f;
  std::optional<std::string> key;
  nlohmann::json value;
  // Pinned: sent to this node, and retried there, never elsewhere (a read of what one node holds
  // means nothing if another node answers it). Unset: the workload's target decides.
  std::optional<std::uint32_t> node;
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual OpTemplate next(std::uint32_t client, Rng& rng) = 0;
  // The operations issued at workload.final_ms, after the regular ones, shared out among the
  // clients as they become free (e.g. one read pinned to each node, to see what each ended with).
  // They do not count against workload.ops.
  virtual std::vector<OpTemplate> final_ops(std::uint32_t nodes) {
    (void)nodes;
    return {};
  }
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
