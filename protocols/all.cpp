// Every protocol of this build, registered by name. One line per protocol.
#include "protocols/abd/abd.h"
#include "protocols/broadcast/broadcast.h"
#include "protocols/dynamo/dynamo.h"
#include "protocols/membership/membership.h"
#include "protocols/pingpong/pingpong.h"
#include "protocols/primary_backup/primary_backup.h"
#include "protocols/raft/raft.h"
#include "protocols/threepc/threepc.h"
#include "protocols/twopc/twopc.h"
#include "sim/node/protocol.h"

namespace dsim {

void register_all_protocols(ProtocolRegistry& registry) {
  abd::register_abd(registry);
  broadcast::register_broadcast(registry);
  dynamo::register_dynamo(registry);
  membership::register_membership(registry);
  pingpong::register_pingpong(registry);
  primary_backup::register_primary_backup(registry);
  raft::register_raft(registry);
  threepc::register_threepc(registry);
  twopc::register_twopc(registry);
}

}  // namespace dsim
