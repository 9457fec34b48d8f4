// Primary-backup replication of a set of registers: the smallest protocol that exercises the
// whole Process API (messages, timers, durable storage, clients, an observer). Node 0 is the
// primary, fixed; it orders writes, replicates each to every backup and answers once all have
// stored it. Reads are served by the primary from committed state.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::primary_backup {

void register_primary_backup(ProtocolRegistry& registry);

}  // namespace dsim::primary_backup
