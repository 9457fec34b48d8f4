#include "sim/node/protocol.h"

#include <algorithm>
#include <cassert>

namespace dsim {

const ProtocolRegistry& ProtocolRegistry::instance() {
  static const ProtocolRegistry registry = [] {
    ProtocolRegistry r;
    register_all_protocols(r);
    return r;
  }();
  return registry;
}

void ProtocolRegistry::add(ProtocolInfo info) {
  assert(find(info.name) == nullptr && "protocol registered twice");
  assert(info.make && info.validate);
  auto at = std::lower_bound(protocols_.begin(), protocols_.end(), info.name,
                             [](const ProtocolInfo& p, const std::string& name) { return p.name < name; });
  protocols_.insert(at, std::move(info));
}

const ProtocolInfo* ProtocolRegistry::find(std::string_view name) const {
  for (const auto& p : protocols_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace dsim
