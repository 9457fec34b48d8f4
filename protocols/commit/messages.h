// The messages of atomic commit. 2PC uses Prepare / Vote / Decision / Ack / DecisionRequest;
// 3PC adds PreCommit / PreCommitAck and the termination protocol's StateRequest / StateReply
// (its canCommit is Prepare, its doCommit is Decision{commit}).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocols/commit/records.h"
#include "sim/net/message.h"

namespace dsim::commit {

struct Prepare : MessageOf<Prepare> {
  static constexpr std::string_view kType = "Prepare";
  TxId txid = 0;
  std::vector<Op> ops;                // the receiver's share
  std::vector<NodeId> participants;   // everyone's, for cooperative termination
  DSIM_FIELDS(txid, ops, participants)
};

struct Vote : MessageOf<Vote> {
  static constexpr std::string_view kType = "Vote";
  TxId txid = 0;
  bool yes = false;
  std::map<Account, std::int64_t> reads;  // an audit's balances
  std::string why;                        // for a no
  DSIM_FIELDS(txid, yes, reads, why)
};

struct Decision : MessageOf<Decision> {
  static constexpr std::string_view kType = "Decision";
  TxId txid = 0;
  bool commit = false;
  DSIM_FIELDS(txid, commit)
};

struct Ack : MessageOf<Ack> {
  static constexpr std::string_view kType = "Ack";
  TxId txid = 0;
  DSIM_FIELDS(txid)
};

// "What was decided for txid?" — to the coordinator, or (cooperative termination) to a peer.
struct DecisionRequest : MessageOf<DecisionRequest> {
  static constexpr std::string_view kType = "DecisionRequest";
  TxId txid = 0;
  DSIM_FIELDS(txid)
};

struct PreCommit : MessageOf<PreCommit> {
  static constexpr std::string_view kType = "PreCommit";
  TxId txid = 0;
  DSIM_FIELDS(txid)
};

struct PreCommitAck : MessageOf<PreCommitAck> {
  static constexpr std::string_view kType = "PreCommitAck";
  TxId txid = 0;
  DSIM_FIELDS(txid)
};

// 3PC termination: a backup coordinator collects every reachable node's state.
struct StateRequest : MessageOf<StateRequest> {
  static constexpr std::string_view kType = "StateRequest";
  TxId txid = 0;
  DSIM_FIELDS(txid)
};

struct StateReply : MessageOf<StateReply> {
  static constexpr std::string_view kType = "StateReply";
  TxId txid = 0;
  TxState state = TxState::none;
  bool terminating = false;   // the replier is itself running termination for txid
  DSIM_FIELDS(txid, state, terminating)
};

// Builders: messages are not aggregates (they have a virtual base), so no brace initialisation.
inline Decision make_decision(TxId txid, bool commit) {
  Decision m;
  m.txid = txid;
  m.commit = commit;
  return m;
}
template <class M>
M make_for(TxId txid) {
  M m;
  m.txid = txid;
  return m;
}
inline StateReply make_state_reply(TxId txid, TxState state, bool terminating) {
  StateReply m;
  m.txid = txid;
  m.state = state;
  m.terminating = terminating;
  return m;
}

}  // namespace dsim::commit
