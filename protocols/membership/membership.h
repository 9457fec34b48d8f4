// Group membership with failure detection, in two modes:
//   heartbeat  heartbeat-counter gossip (van Renesse, Minsky, Hayden 1998; as in Dynamo): each
//              node increments its own counter every period and gossips its table to random peers;
//              a member whose counter has not grown for T is suspected, for T2 removed.
//   swim       SWIM (Das, Gupta, Motivala 2002): per protocol period a direct ping of the next
//              member in a shuffled round-robin order, k indirect ping-reqs on timeout, suspicion
//              with incarnation numbers (a live suspect refutes), updates piggybacked on pings and
//              acks from a bounded buffer, each sent lambda * log N times; with Lifeguard's
//              refinements (Dadgar et al. 2018) as options: local health, dynamic suspicion
//              timeouts and the buddy system.
// Parameters, bug switches and measurements: docs/protocols/membership.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::membership {

void register_membership(ProtocolRegistry& registry);

}  // namespace dsim::membership
