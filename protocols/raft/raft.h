// Raft (Ongaro & Ousterhout, 2014) as etcd/raft shapes it: randomized elections with optional
// PreVote and CheckQuorum, log replication with the consistency check and fast conflict
// backtracking, commitment only by counting replicas of current-term entries, durable term, vote
// and log synced before any reply that depends on them, and a replicated key-value state machine
// with client sessions. Reads go through the log, through ReadIndex, or use a leader lease.
// Parameters and known-bug switches are documented in docs/protocols/raft.md.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::raft {

void register_raft(ProtocolRegistry& registry);

}  // namespace dsim::raft
