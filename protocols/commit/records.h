// The durable records of atomic commit, shared by 2PC and 3PC so that one observer can check
// both: a participant's record of each transaction it took part in, and the coordinator's log.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "protocols/commit/bank.h"

namespace dsim::commit {

// A transaction's state at one node. Values are stored on disk: never renumber.
enum class TxState : std::uint8_t {
  none = 0,
  prepared = 1,      // voted yes; 2PC: in doubt; 3PC: uncertain (canCommit answered yes)
  precommitted = 2,  // 3PC only: received preCommit (the coordinator: sent it)
  committed = 3,
  aborted = 4,
};

const char* state_name(TxState state);
inline bool decided(TxState s) { return s == TxState::committed || s == TxState::aborted; }
inline bool in_doubt(TxState s) { return s == TxState::prepared || s == TxState::precommitted; }

// A participant's record ("tx/<txid>"). Written and synced before the vote, ack or decision
// that depends on it leaves the node.
struct TxRecord {
  TxId txid = 0;
  TxState state = TxState::none;
  std::vector<Op> ops;                 // this participant's share (to apply at commit, to re-lock on recovery)
  std::vector<NodeId> participants;    // every participant of the transaction (cooperative termination)
  bool voted_yes = false;              // validity evidence: a record with voted_yes was prepared here
  DSIM_FIELDS(txid, state, ops, participants, voted_yes)
};

// The coordinator's log record ("clog/<txid>").
struct CoordRecord {
  TxId txid = 0;
  TxState state = TxState::none;       // precommitted (3PC), committed or aborted
  std::vector<NodeId> participants;
  bool done = false;                   // every participant acknowledged the decision
  DSIM_FIELDS(txid, state, participants, done)
};

// Figures the nodes count for the run summary. Shared by the protocol object, its nodes and its
// observer for one run; it never influences behaviour (write-only for nodes).
struct Counters {
  std::uint64_t messages = 0;          // protocol messages sent by any node
  std::uint64_t requests = 0;          // client requests received by the coordinator
};

}  // namespace dsim::commit
