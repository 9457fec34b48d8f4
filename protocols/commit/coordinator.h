// What the 2PC and 3PC coordinators share: transaction ids that stay unique across restarts,
// the client's answer at the decision, and the trace annotation of the transactions in flight.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocols/commit/bank.h"
#include "protocols/commit/records.h"
#include "protocols/commit/messages.h"
#include "sim/node/process.h"
#include "sim/node/request.h"
#include "sim/node/storage.h"

namespace dsim::commit {

// Transaction ids are epoch << 32 | sequence. start() bumps the epoch and syncs it before any id
// is handed out, so an id is never reused, even after a crash that loses unsynced writes.
class TxIdSource {
 public:
  void start(Storage& storage);
  TxId next();

 private:
  static constexpr std::uint64_t kSequenceBits = 32;
  std::uint64_t epoch_ = 0;
  std::uint64_t sequence_ = 0;
};

// The coordinator's view of one transaction (3PC adds its own fields).
struct CoordinatorTxn {
  Request request;                    // the latest attempt of the client's request
  Plan plan;
  std::vector<NodeId> participants;
  TimeNs phase_started_ns = 0;        // when the current phase (voting, 3PC: precommit ...) began
  TxState state = TxState::none;      // none: collecting votes
  std::set<NodeId> yes;
  std::set<NodeId> acked;
  std::map<Account, std::int64_t> reads;
  bool answered = false;              // the client has its reply (or never will)
};

// The Prepare (canCommit) for participant `to`: its share of the ops and who else takes part.
Prepare prepare_for(TxId txid, const CoordinatorTxn& txn, NodeId to);

// A client request at the coordinator. A retry of a request whose transaction still runs only
// updates the request to answer at the decision; a request that cannot be planned, or that
// would exceed `active_max` transactions, is answered fail. Otherwise a new transaction starts
// and its id is returned: the caller sends its Prepares.
template <class Txn>
std::optional<TxId> admit(Context& ctx, const Request& request, const BankConfig& bank, std::size_t active_max,
                          TxIdSource& ids, std::map<TxId, Txn>& txns, std::map<std::uint64_t, TxId>& by_request) {
  if (auto it = by_request.find(request.id); it != by_request.end() && txns.count(it->second)) {
    txns[it->second].request = request;
    return std::nullopt;
  }
  std::string why;
  std::optional<Plan> plan = plan_request(bank, request, why);
  if (!plan) {
    ctx.reply(request, Reply::fail(why));
    return std::nullopt;
  }
  if (txns.size() >= active_max) {
    ctx.reply(request, Reply::fail("too many transactions in progress"));
    return std::nullopt;
  }
  const TxId txid = ids.next();
  Txn txn;
  txn.request = request;
  txn.plan = std::move(*plan);
  for (const auto& [participant, ops] : txn.plan.ops) txn.participants.push_back(participant);
  txn.phase_started_ns = ctx.now();
  txns.emplace(txid, std::move(txn));
  by_request[request.id] = txid;
  return txid;
}

// The client's answer at the decision: ok with the txid (and, for an audit, the balances read and
// their total), or fail with why the transaction aborted.
Reply decision_reply(TxId txid, bool commit, const std::string& why, const Plan& plan,
                     const std::map<Account, std::int64_t>& reads);

// {"<txid>": "collecting" | state name}: the coordinator's "txns" annotation.
template <class Txn>
nlohmann::json txns_annotation(const std::map<TxId, Txn>& txns) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [txid, txn] : txns) {
    out[std::to_string(txid)] = txn.state == TxState::none ? "collecting" : state_name(txn.state);
  }
  return out;
}

}  // namespace dsim::commit
