// Versions of a Dynamo value, and how replicas reconcile them.
//
// A Record is what a replica holds for a key: the siblings it could not order. Under
// last-writer-wins there is always at most one, tagged (timestamp from the coordinator's local
// clock, coordinator id); a higher tag replaces a lower one, whatever happened in real time. Under
// vector clocks a sibling is replaced only by one whose clock descends from its own; concurrent
// siblings are all kept and returned to the client, which merges them.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/fields.h"

namespace dsim::dynamo {

enum class Versioning { lww, vclock };

// Actor -> counter. The actor is the write itself (its coordinator's unique operation id), so a
// clock is the write's causal history: one coordinator running two writes at once with per-node
// actors would give the second a clock that falsely dominates the first (a lost write). The cost
// is a clock that grows with the writes a version descends from.
using VectorClock = std::map<std::uint64_t, std::uint64_t>;

struct Sibling {
  nlohmann::json value;
  std::uint64_t ts = 0;       // the coordinator's local clock, in ns
  std::uint32_t origin = 0;   // the coordinator
  VectorClock clock;          // vclock mode only
  DSIM_FIELDS(value, ts, origin, clock)
};

struct Record {
  std::vector<Sibling> siblings;  // empty: never written; sorted by (ts, origin)
  DSIM_FIELDS(siblings)
};

enum class Order { before, after, equal, concurrent };
Order compare(const VectorClock& a, const VectorClock& b);
// LWW's total order on siblings: tag, then the value's digest (two coordinators with one clock
// reading must still agree everywhere on which write won).
bool lww_less(const Sibling& a, const Sibling& b);

// Reconciles what two replicas hold. `drop_sibling` is the known bug: the merge keeps one of two
// concurrent siblings only.
Record merge(const Record& a, const Record& b, Versioning versioning, bool drop_sibling = false);

// Whether `held` already covers `write` (LWW: a tag at least as high; vclock: a sibling whose
// clock descends from or equals the write's).
bool covers(const Record& held, const Sibling& write, Versioning versioning);

// The pointwise maximum of every sibling's clock: the causal context a new write descends from.
VectorClock context(const Record& record);

// The value a client sees. One sibling: its value. Several: the client's merge — a set-union when
// every sibling is a set (a JSON array), else the sibling with the highest tag (a register has no
// better merge; the sibling count is reported).
nlohmann::json resolve(const Record& record);

std::uint64_t digest(const Record& record);

}  // namespace dsim::dynamo
