// The Attiya–Bar-Noy–Dolev register (multi-writer form): a linearizable read/write register
// over majority quorums, without a leader and without clocks. Every node coordinates the
// operations sent to it; reads write back what they return. docs/protocols/abd.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::abd {

void register_abd(ProtocolRegistry& registry);

}  // namespace dsim::abd
