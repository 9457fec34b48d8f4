#include "sim/workload/generator.h"

#include <algorithm>
#include <cassert>

namespace dsim {

const WorkloadRegistry& WorkloadRegistry::instance() {
  static const WorkloadRegistry registry = [] {
    WorkloadRegistry r;
    register_all_workloads(r);
    return r;
  }();
  return registry;
}

void WorkloadRegistry::add(WorkloadInfo info) {
  assert(find(info.name) == nullptr && "workload registered twice");
  auto at = std::lower_bound(workloads_.begin(), workloads_.end(), info.name,
                             [](const WorkloadInfo& w, const std::string& name) { return w.name < name; });
  workloads_.insert(at, std::move(info));
}

const WorkloadInfo* WorkloadRegistry::find(std::string_view name) const {
  for (const auto& w : workloads_) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace dsim
