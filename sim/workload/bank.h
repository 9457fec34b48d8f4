// The bank workload: transfers between accounts and read-only audits, for the atomic-commit
// protocols (twopc, threepc). Operation shapes (see docs/protocols/commit.md):
//   f "transfer", value {"from": a, "to": b | [b, c], "amount": n}  -> ok {"txid": t} | fail
//   f "audit",    value null                                        -> ok {"txid", "total", "balances"} | fail
#pragma once

#include "sim/workload/generator.h"

namespace dsim {

void register_bank_workload(WorkloadRegistry& registry);

}  // namespace dsim
