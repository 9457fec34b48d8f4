#include "protocols/commit/participant.h"

namespace dsim::commit {

PrepareOutcome vote_on(Ledger& ledger, Storage& storage, const Prepare& prepare) {
  PrepareOutcome outcome;
  outcome.vote.txid = prepare.txid;
  if (const TxRecord* record = ledger.find(prepare.txid)) {
    outcome.vote.yes = record->voted_yes && record->state != TxState::aborted;
    if (outcome.vote.yes) outcome.vote.reads = ledger.reads(*record);
    if (!outcome.vote.yes) outcome.vote.why = "aborted here";
    return outcome;
  }
  VoteResult result = ledger.prepare(storage, prepare.txid, prepare.ops, prepare.participants);
  outcome.fresh = true;
  outcome.vote.yes = result.yes;
  outcome.vote.reads = std::move(result.reads);
  outcome.vote.why = std::move(result.why);
  return outcome;
}

Applied apply_decision(Ledger& ledger, Storage& storage, TxId txid, bool commit) {
  const TxState state = ledger.state(txid);
  if (in_doubt(state)) {
    if (commit) {
      ledger.commit(storage, txid);
    } else {
      ledger.abort(storage, txid);
    }
    return Applied::decided;
  }
  if (state == TxState::none && !commit) {
    ledger.abort(storage, txid);
    return Applied::aborted_unknown;
  }
  return Applied::nothing;
}

}  // namespace dsim::commit
