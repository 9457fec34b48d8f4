// A participant's data and locks: account balances, its record of every transaction it took part
// in, and the two-phase-locking lock table. Shared by 2PC and 3PC participants.
//
// Locks are strict two-phase: taken when the participant votes yes and held until the decision
// (so a prepared transaction's locks survive a crash: they are rebuilt from the prepared records
// on restart). Acquisition is no-wait: a conflict makes the participant vote no, so there is no
// deadlock to detect.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocols/commit/records.h"
#include "sim/node/process.h"
#include "sim/node/storage.h"

namespace dsim::commit {

// The base of every atomic-commit node: lets the observer skip rescanning a node's storage when
// nothing durable changed since it last looked.
class CommitProcess : public Process {
 public:
  // Bumped on every durable write this node makes.
  std::uint64_t generation() const { return generation_; }
  // The transactions whose durable record the current event wrote (cleared at each handler's
  // start), so that the observer rereads only those.
  const std::vector<std::uint64_t>& touched() const { return touched_; }

 protected:
  void begin_event() { touched_.clear(); }
  void touch(std::uint64_t txid) {
    touched_.push_back(txid);
    ++generation_;
  }
  std::uint64_t generation_ = 0;
  std::vector<std::uint64_t> touched_;
};

struct VoteResult {
  bool yes = false;
  std::string why;                          // for a no: lock conflict, insufficient funds ...
  std::map<Account, std::int64_t> reads;    // balances of the read ops (audits)
};

class Ledger {
 public:
  explicit Ledger(const BankConfig& config) : config_(config) {}

  // Rebuilds balances, records and the locks of in-doubt transactions from storage.
  void load(const Storage& storage);

  const TxRecord* find(TxId txid) const;
  TxState state(TxId txid) const;

  // Votes on `ops`: takes every lock or none, checks funds; on yes writes the prepared record.
  // On no writes an aborted record (a participant that voted no may forget nothing: a late
  // duplicate prepare must get no again). The caller syncs before sending the vote.
  VoteResult prepare(Storage& storage, TxId txid, const std::vector<Op>& ops, const std::vector<NodeId>& participants);
  // The reads a yes vote carries (recomputed for a duplicate prepare; the shared locks are held).
  std::map<Account, std::int64_t> reads(const TxRecord& record) const;
  // 3PC: prepared -> precommitted.
  void precommit(Storage& storage, TxId txid);
  // Applies the ops, records committed, releases the locks. The caller syncs.
  void commit(Storage& storage, TxId txid);
  // Records aborted (creating the record when the transaction is unknown), releases locks.
  void abort(Storage& storage, TxId txid);

  // Transactions this node holds in doubt (prepared or precommitted), in txid order.
  std::vector<TxId> doubtful() const;
  std::int64_t balance(Account a) const;
  // {"in_doubt": {txid: state}, "locks": {account: "x:txid" | "s:txid,txid"}} for the trace.
  nlohmann::json annotation() const;

 private:
  struct Lock {
    std::set<TxId> shared;
    std::optional<TxId> exclusive;
  };
  bool can_lock(TxId txid, const Op& op) const;
  void lock(TxId txid, const Op& op);
  void unlock(TxId txid, const std::vector<Op>& ops);
  void put(Storage& storage, const TxRecord& record);

  BankConfig config_;
  std::map<Account, std::int64_t> balances_;   // accounts homed here (absent: initial balance)
  std::map<TxId, TxRecord> records_;
  std::map<Account, Lock> locks_;
};

}  // namespace dsim::commit
