// Ping-pong: every node keeps `in_flight` pings going to each peer, answering each ping with a
// pong and each pong with the next ping. It serves no clients and checks nothing; it exists to
// drive the network model as hard as possible (the message-throughput benchmark) and as the
// smallest example of the Process API.
#pragma once

#include "sim/node/protocol.h"

namespace dsim::pingpong {

void register_pingpong(ProtocolRegistry& registry);

}  // namespace dsim::pingpong
