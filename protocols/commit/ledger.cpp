#include "protocols/commit/ledger.h"

#include <cassert>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dsim::commit {

void Ledger::load(const Storage& storage) {
  balances_.clear();
  records_.clear();
  locks_.clear();
  storage.scan_prefix(kBalancePrefix, [&](const std::string& key, const std::string& bytes) {
    std::int64_t balance = 0;
    const bool ok = fields::decode(bytes, balance);
    assert(ok && "a balance that does not decode: torn write?");
    (void)ok;
    balances_[std::stoll(key.substr(std::string(kBalancePrefix).size()))] = balance;
  });
  storage.scan_prefix(kTxPrefix, [&](const std::string&, const std::string& bytes) {
    TxRecord record;
    const bool ok = fields::decode(bytes, record);
    assert(ok && "a transaction record that does not decode");
    (void)ok;
    records_[record.txid] = record;
  });
  // A prepared transaction keeps its locks across a crash: that is what "blocked" means.
  for (const auto& [txid, record] : records_) {
    if (!commit::in_doubt(record.state)) continue;
    for (const Op& op : record.ops) lock(txid, op);
  }
}

const TxRecord* Ledger::find(TxId txid) const {
  auto it = records_.find(txid);
  return it == records_.end() ? nullptr : &it->second;
}

TxState Ledger::state(TxId txid) const {
  const TxRecord* r = find(txid);
  return r ? r->state : TxState::none;
}

std::int64_t Ledger::balance(Account a) const {
  auto it = balances_.find(a);
  return it == balances_.end() ? config_.initial_balance : it->second;
}

bool Ledger::can_lock(TxId txid, const Op& op) const {
  auto it = locks_.find(op.account);
  if (it == locks_.end()) return true;
  const Lock& l = it->second;
  if (l.exclusive && *l.exclusive != txid) return false;
  if (op.read) return true;
  // A write needs every shared holder to be this transaction.
  for (TxId holder : l.shared) {
    if (holder != txid) return false;
  }
  return true;
}

void Ledger::lock(TxId txid, const Op& op) {
  Lock& l = locks_[op.account];
  if (op.read) {
    l.shared.insert(txid);
  } else {
    assert(!l.exclusive || *l.exclusive == txid);
    l.exclusive = txid;
  }
}

void Ledger::unlock(TxId txid, const std::vector<Op>& ops) {
  for (const Op& op : ops) {
    auto it = locks_.find(op.account);
    if (it == locks_.end()) continue;
    it->second.shared.erase(txid);
    if (it->second.exclusive == txid) it->second.exclusive.reset();
    if (it->second.shared.empty() && !it->second.exclusive) locks_.erase(it);
  }
}

void Ledger::put(Storage& storage, const TxRecord& record) {
  records_[record.txid] = record;
  storage.put_value(tx_key(record.txid), record);
}

VoteResult Ledger::prepare(Storage& storage, TxId txid, const std::vector<Op>& ops,
                           const std::vector<NodeId>& participants) {
  assert(!find(txid) && "prepare of a transaction this participant already knows");
  VoteResult vote;
  for (const Op& op : ops) {
    if (op.account < 0 || op.account >= config_.accounts) {
      vote.why = fmt::format("no account {}", op.account);
    } else if (!can_lock(txid, op)) {
      vote.why = fmt::format("account {} is locked", op.account);
    } else if (balance(op.account) + op.delta < 0) {
      vote.why = fmt::format("insufficient funds in account {}", op.account);
    }
    if (!vote.why.empty()) break;
  }
  TxRecord record{txid, TxState::aborted, ops, participants, false};
  if (vote.why.empty()) {
    vote.yes = true;
    record.state = TxState::prepared;
    record.voted_yes = true;
    for (const Op& op : ops) lock(txid, op);
    vote.reads = reads(record);
  }
  put(storage, record);
  return vote;
}

std::map<Account, std::int64_t> Ledger::reads(const TxRecord& record) const {
  std::map<Account, std::int64_t> out;
  for (const Op& op : record.ops) {
    if (op.read) out[op.account] = balance(op.account);
  }
  return out;
}

void Ledger::precommit(Storage& storage, TxId txid) {
  auto it = records_.find(txid);
  assert(it != records_.end() && commit::in_doubt(it->second.state));
  TxRecord record = it->second;
  record.state = TxState::precommitted;
  put(storage, record);
}

void Ledger::commit(Storage& storage, TxId txid) {
  auto it = records_.find(txid);
  assert(it != records_.end() && commit::in_doubt(it->second.state) && "commit of a transaction not in doubt here");
  TxRecord record = it->second;
  for (const Op& op : record.ops) {
    if (op.read || op.delta == 0) continue;
    const std::int64_t next = balance(op.account) + op.delta;
    balances_[op.account] = next;
    storage.put_value(balance_key(op.account), next);
  }
  record.state = TxState::committed;
  put(storage, record);
  unlock(txid, record.ops);
}

void Ledger::abort(Storage& storage, TxId txid) {
  auto it = records_.find(txid);
  TxRecord record = it == records_.end() ? TxRecord{txid, TxState::none, {}, {}, false} : it->second;
  assert(record.state != TxState::committed && "abort of a committed transaction");
  record.state = TxState::aborted;
  unlock(txid, record.ops);
  put(storage, record);
}

std::vector<TxId> Ledger::doubtful() const {
  std::vector<TxId> out;
  for (const auto& [txid, record] : records_) {
    if (commit::in_doubt(record.state)) out.push_back(txid);
  }
  return out;
}

nlohmann::json Ledger::annotation() const {
  nlohmann::json doubt = nlohmann::json::object();
  for (const auto& [txid, record] : records_) {
    if (commit::in_doubt(record.state)) doubt[std::to_string(txid)] = state_name(record.state);
  }
  nlohmann::json locks = nlohmann::json::object();
  for (const auto& [account, l] : locks_) {
    locks[std::to_string(account)] =
        l.exclusive ? fmt::format("x:{}", *l.exclusive) : fmt::format("s:{}", fmt::join(l.shared, ","));
  }
  return nlohmann::json{{"in_doubt", doubt}, {"locks", locks}};
}

}  // namespace dsim::commit
