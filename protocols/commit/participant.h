// What the 2PC and 3PC participants share: the vote on a Prepare, and applying a decision.
// Both only change the ledger; syncing before the dependent message leaves is the caller's job,
// because that is exactly what the protocols' bug switches skip.
#pragma once

#include "protocols/commit/ledger.h"
#include "protocols/commit/messages.h"

namespace dsim::commit {

struct PrepareOutcome {
  Vote vote;
  bool fresh = false;  // a first Prepare: the ledger wrote a record (sync it before sending)
};

// The vote on `prepare`. A Prepare answered before (a duplicate or a resend) gets the vote it
// got then and changes nothing; a first one goes through Ledger::prepare.
PrepareOutcome vote_on(Ledger& ledger, Storage& storage, const Prepare& prepare);

enum class Applied {
  nothing,          // already decided here (a conflicting decision is the observer's to report)
  decided,          // an in-doubt transaction committed or aborted
  aborted_unknown,  // an abort for a transaction never seen: recorded, so a late Prepare gets no
};

Applied apply_decision(Ledger& ledger, Storage& storage, TxId txid, bool commit);

}  // namespace dsim::commit
