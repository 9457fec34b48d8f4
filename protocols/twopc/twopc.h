// Two-phase commit (Gray 1978; presumed abort, Mohan & Lindsay 1983) over a sharded bank: n0
// coordinates, every other node is a participant holding accounts. See docs/protocols/commit.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::twopc {

void register_twopc(ProtocolRegistry& registry);

}  // namespace dsim::twopc
