// The bank that both atomic-commit protocols serve: accounts spread over the participants, and
// the transactions a client asks for (transfers and read-only audits), planned into per-participant
// operations. Shared by twopc and threepc so that both run the same workload over the same data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/net/message.h"
#include "sim/node/protocol.h"
#include "sim/node/request.h"

namespace dsim::commit {

using TxId = std::uint64_t;
using Account = std::int64_t;

inline constexpr NodeId kCoordinator = 0;           // n0 coordinates; every other node is a participant
inline constexpr std::int64_t kAccountsMax = 10'000;
inline constexpr std::int64_t kBalanceMax = 1'000'000'000;
inline constexpr std::size_t kTransferTargetsMax = 4;  // "to" may list up to this many accounts

// One participant-local step of a transaction: add `delta` to `account` (a write, under an
// exclusive lock) or read it (`read`, under a shared lock).
struct Op {
  Account account = 0;
  std::int64_t delta = 0;
  bool read = false;
  DSIM_FIELDS(account, delta, read)
};

// The bank's shape, from cluster.params.
struct BankConfig {
  std::uint32_t nodes = 0;
  std::int64_t accounts = 8;
  std::int64_t initial_balance = 100;

  std::uint32_t participants() const { return nodes - 1; }
  // Accounts are dealt round-robin: account a lives on participant 1 + a % participants.
  NodeId home(Account account) const {
    return static_cast<NodeId>(1 + static_cast<std::uint64_t>(account) % participants());
  }
  std::int64_t total() const { return accounts * initial_balance; }
};

// A transaction planned per participant, in node order (std::map: deterministic iteration).
struct Plan {
  bool audit = false;
  std::map<NodeId, std::vector<Op>> ops;
};

// Turns a client request into a plan, or explains why it is malformed (the client gets `fail`).
//   transfer {"from": a, "to": b | [b, c], "amount": n}: every "to" account gains n, "from" pays
//            n for each of them;
//   audit    (no value): reads every account.
std::optional<Plan> plan_request(const BankConfig& config, const Request& request, std::string& why);

// Parameters both protocols share, read by validate/make. Kept here so the two stay in step.
void validate_bank_params(ObjectReader& params, std::uint32_t nodes);
BankConfig bank_config(const ClusterConfig& config);

// Durable keys. Zero-padded so that key order is numeric order in scans.
std::string tx_key(TxId txid);        // participant: "tx/<txid>"  -> TxRecord
std::string balance_key(Account a);   // participant: "bal/<account>" -> int64
std::string clog_key(TxId txid);      // coordinator: "clog/<txid>" -> CoordRecord
inline constexpr const char* kTxPrefix = "tx/";
inline constexpr const char* kBalancePrefix = "bal/";
inline constexpr const char* kClogPrefix = "clog/";
inline constexpr const char* kEpochKey = "epoch";

}  // namespace dsim::commit
