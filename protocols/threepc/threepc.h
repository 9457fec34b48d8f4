// Three-phase commit (Skeen 1981) with the termination protocol, over the same sharded bank as
// twopc: n0 coordinates, every other node is a participant. See docs/protocols/commit.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::threepc {

void register_threepc(ProtocolRegistry& registry);

}  // namespace dsim::threepc
