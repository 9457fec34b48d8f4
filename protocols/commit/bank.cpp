#include "protocols/commit/bank.h"

#include <fmt/format.h>

#include "protocols/commit/records.h"

namespace dsim::commit {

const char* state_name(TxState state) {
  switch (state) {
    case TxState::none: return "none";
    case TxState::prepared: return "prepared";
    case TxState::precommitted: return "precommitted";
    case TxState::committed: return "committed";
    case TxState::aborted: return "aborted";
  }
  return "?";
}

namespace {

std::optional<Account> account_of(const BankConfig& config, const nlohmann::json& v, std::string& why) {
  if (!v.is_number_integer()) {
    why = fmt::format("an account must be an integer, found {}", v.dump());
    return std::nullopt;
  }
  const auto a = v.get<std::int64_t>();
  if (a < 0 || a >= config.accounts) {
    why = fmt::format("no account {} (accounts are 0..{})", a, config.accounts - 1);
    return std::nullopt;
  }
  return a;
}

}  // namespace

std::optional<Plan> plan_request(const BankConfig& config, const Request& request, std::string& why) {
  Plan plan;
  if (request.f == "audit") {
    plan.audit = true;
    for (Account a = 0; a < config.accounts; ++a) plan.ops[config.home(a)].push_back(Op{a, 0, true});
    return plan;
  }
  if (request.f != "transfer") {
    why = fmt::format("unknown operation '{}' (the bank serves transfer and audit)", request.f);
    return std::nullopt;
  }
  const auto& v = request.value;
  if (!v.is_object() || !v.contains("from") || !v.contains("to") || !v.contains("amount")) {
    why = "a transfer is {\"from\": account, \"to\": account or [accounts], \"amount\": n}";
    return std::nullopt;
  }
  const auto from = account_of(config, v["from"], why);
  if (!from) return std::nullopt;
  if (!v["amount"].is_number_integer() || v["amount"].get<std::int64_t>() <= 0 ||
      v["amount"].get<std::int64_t>() > kBalanceMax) {
    why = fmt::format("amount must be an integer in 1..{}, found {}", kBalanceMax, v["amount"].dump());
    return std::nullopt;
  }
  const std::int64_t amount = v["amount"].get<std::int64_t>();
  std::vector<nlohmann::json> targets;
  if (v["to"].is_array()) {
    for (const auto& t : v["to"]) targets.push_back(t);
  } else {
    targets.push_back(v["to"]);
  }
  if (targets.empty() || targets.size() > kTransferTargetsMax) {
    why = fmt::format("\"to\" must name 1..{} accounts", kTransferTargetsMax);
    return std::nullopt;
  }
  // Net deltas per account, so that "from" appearing in "to" is still one op per account.
  std::map<Account, std::int64_t> delta;
  delta[*from] -= amount * static_cast<std::int64_t>(targets.size());
  for (const auto& t : targets) {
    const auto to = account_of(config, t, why);
    if (!to) return std::nullopt;
    delta[*to] += amount;
  }
  for (const auto& [a, d] : delta) plan.ops[config.home(a)].push_back(Op{a, d, false});
  return plan;
}

void validate_bank_params(ObjectReader& params, std::uint32_t nodes) {
  if (nodes < 2) params.diag().error("/cluster/nodes", "atomic commit needs a coordinator and at least one participant");
  params.integer("accounts", 8, 1, kAccountsMax);
  params.integer("initial_balance", 100, 0, kBalanceMax);
}

BankConfig bank_config(const ClusterConfig& config) {
  BankConfig b;
  b.nodes = config.nodes;
  b.accounts = config.params.value("accounts", std::int64_t{8});
  b.initial_balance = config.params.value("initial_balance", std::int64_t{100});
  return b;
}

std::string tx_key(TxId txid) { return fmt::format("tx/{:020}", txid); }
std::string balance_key(Account a) { return fmt::format("bal/{:08}", a); }
std::string clog_key(TxId txid) { return fmt::format("clog/{:020}", txid); }

}  // namespace dsim::commit
