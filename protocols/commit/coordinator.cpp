#include "protocols/commit/coordinator.h"

#include <cassert>

#include <fmt/format.h>

namespace dsim::commit {

void TxIdSource::start(Storage& storage) {
  std::uint64_t epoch = 0;
  storage.get_value(kEpochKey, epoch);
  epoch_ = epoch + 1;
  sequence_ = 0;
  storage.put_value(kEpochKey, epoch_);
  storage.sync();
}

TxId TxIdSource::next() {
  assert(epoch_ > 0 && "start() first");
  ++sequence_;
  assert(sequence_ < (std::uint64_t{1} << kSequenceBits));
  return (epoch_ << kSequenceBits) | sequence_;
}

Prepare prepare_for(TxId txid, const CoordinatorTxn& txn, NodeId to) {
  Prepare prepare;
  prepare.txid = txid;
  prepare.ops = txn.plan.ops.at(to);
  prepare.participants = txn.participants;
  return prepare;
}

Reply decision_reply(TxId txid, bool commit, const std::string& why, const Plan& plan,
                     const std::map<Account, std::int64_t>& reads) {
  if (!commit) return Reply::fail(fmt::format("transaction {} aborted: {}", txid, why));
  nlohmann::json out = {{"txid", txid}};
  if (plan.audit) {
    std::int64_t total = 0;
    nlohmann::json balances = nlohmann::json::object();
    for (const auto& [account, balance] : reads) {
      total += balance;
      balances[std::to_string(account)] = balance;
    }
    out["total"] = total;
    out["balances"] = balances;
  }
  return Reply::ok(out);
}

}  // namespace dsim::commit
