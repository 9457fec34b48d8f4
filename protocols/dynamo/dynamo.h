// A Dynamo-style leaderless key-value store: consistent hashing with virtual nodes, N/R/W or
// consistency levels, LWW or vector-clock versions, read repair, sloppy quorum with hinted
// handoff, Merkle anti-entropy. docs/protocols/dynamo.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::dynamo {

void register_dynamo(ProtocolRegistry& registry);

}  // namespace dsim::dynamo
