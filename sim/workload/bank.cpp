// Transfers are drawn so that they touch 2 or 3 participants: accounts are dealt round-robin over
// `participants` shards (account a on shard a % participants, as the protocols place them), and
// the accounts of one transfer are picked on distinct shards when there are enough of them.
#include "sim/workload/bank.h"

#include <algorithm>
#include <vector>

namespace dsim {

namespace {

class BankGenerator final : public Generator {
 public:
  explicit BankGenerator(const nlohmann::json& params)
      : accounts_(params.value("accounts", std::int64_t{8})),
        participants_(params.value("participants", std::int64_t{3})),
        amount_max_(params.value("amount_max", std::int64_t{10})),
        audit_fraction_(params.value("audit_fraction", 0.1)),
        three_way_fraction_(params.value("three_way_fraction", 0.3)) {}

  OpTemplate next(std::uint32_t, Rng& rng) override {
    OpTemplate op;
    if (rng.chance(audit_fraction_)) {
      op.f = "audit";
      return op;
    }
    op.f = "transfer";
    const std::size_t legs = rng.chance(three_way_fraction_) ? 3 : 2;  // accounts touched
    std::vector<std::int64_t> picked;
    for (int tries = 0; picked.size() < legs && tries < 64; ++tries) {
      const auto a = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(accounts_)));
      const bool clash = std::any_of(picked.begin(), picked.end(), [&](std::int64_t b) {
        // Distinct accounts always; distinct shards while there are shards left to use.
        return a == b || (picked.size() < static_cast<std::size_t>(participants_) && a % participants_ == b % participants_);
      });
      if (!clash) picked.push_back(a);
    }
    if (picked.size() < 2) picked = {0, accounts_ > 1 ? 1 : 0};
    const auto amount = static_cast<std::int64_t>(1 + rng.below(static_cast<std::uint64_t>(amount_max_)));
    nlohmann::json to = picked.size() == 2 ? nlohmann::json(picked[1])
                                           : nlohmann::json(std::vector<std::int64_t>(picked.begin() + 1, picked.end()));
    op.value = {{"from", picked[0]}, {"to", to}, {"amount", amount}};
    return op;
  }

 private:
  std::int64_t accounts_;
  std::int64_t participants_;
  std::int64_t amount_max_;
  double audit_fraction_;
  double three_way_fraction_;
};

}  // namespace

void register_bank_workload(WorkloadRegistry& registry) {
  registry.add(WorkloadInfo{
      "bank",
      "transfers between accounts touching 2-3 participants, and read-only audits (twopc, threepc); "
      "accounts (8, as the cluster's), participants (3: cluster nodes - 1), amount_max (10), "
      "audit_fraction (0.1), three_way_fraction (0.3: transfers paying two accounts)",
      [](ObjectReader& w) {
        w.integer("accounts", 8, 2, 10'000);
        w.integer("participants", 3, 1, 1'000);
        w.integer("amount_max", 10, 1, 1'000'000);
        w.number("audit_fraction", 0.1, 0.0, 1.0);
        w.number("three_way_fraction", 0.3, 0.0, 1.0);
      },
      [](const nlohmann::json& params) -> std::unique_ptr<Generator> { return std::make_unique<BankGenerator>(params); }});
}

}  // namespace dsim
