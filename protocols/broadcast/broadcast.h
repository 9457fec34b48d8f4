// Broadcast with Maelstrom's semantics (the Gossip Glomers): clients `broadcast` unique integers
// (acknowledged once the node has the value) and `read` every value a node has seen. Nodes spread
// values by rumor spreading (push, pull, push-pull, with fanout, period and Demers et al.'s stop
// rules), anti-entropy, or flooding over a topology (grid, line, tree-k, total). State lives in
// memory, as Maelstrom's nodes keep it, unless durable is set; a restarted node catches up by
// anti-entropy. Parameters and the bug switch: docs/protocols/broadcast.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::broadcast {

void register_broadcast(ProtocolRegistry& registry);

}  // namespace dsim::broadcast
