// The parameters of a Dynamo cluster (cluster.params) and its known-bug switches (cluster.bugs).
// One reader serves validation and construction, so they cannot disagree.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "protocols/dynamo/version.h"
#include "sim/core/time.h"
#include "sim/scenario/json_reader.h"

namespace dsim::dynamo {

enum class ReadRepair { off, sync, async };

struct Bugs {
  bool hints_in_memory = false;         // hinted writes are not made durable: a restart loses them
  bool merkle_skip_subtree = false;     // the Merkle comparison skips one differing subtree per level
  bool read_repair_older_wins = false;  // a read-repair write replaces the replica's value unmerged
  bool merge_drops_sibling = false;     // the vector-clock merge keeps one of two concurrent siblings
};

struct Options {
  std::uint32_t n = 3;  // replicas per key
  std::uint32_t r = 2;  // answers a read waits for
  std::uint32_t w = 2;  // acknowledgements a write waits for
  std::uint32_t tokens_per_node = 8;
  Versioning versioning = Versioning::lww;
  ReadRepair read_repair = ReadRepair::async;
  bool sloppy_quorum = false;
  TimeNs replica_timeout_ns = 50 * kNsPerMs;   // a replica that has not answered by then is suspected
  TimeNs suspect_ns = 500 * kNsPerMs;          // how long a suspected replica is skipped
  TimeNs op_timeout_ns = 500 * kNsPerMs;       // the coordinator gives up on an operation
  TimeNs handoff_ns = 100 * kNsPerMs;          // hints are offered to their home this often
  TimeNs anti_entropy_ns = 500 * kNsPerMs;     // Merkle exchange with one peer this often (0: off)
  std::uint32_t merkle_depth = 6;              // the tree has 2^depth leaves
  TimeNs convergence_ns = 2000 * kNsPerMs;     // replicas must agree this long after the calm (0: off)
  Bugs bugs;
};

// Reads (and checks) every parameter; calls params.finish().
Options read_options(ObjectReader& params, std::uint32_t nodes);

struct BugInfo {
  const char* name;
  const char* summary;
  bool Bugs::*flag;
};
inline constexpr BugInfo kBugs[] = {
    {"hints-in-memory", "hinted-handoff hints are kept only in memory, so a fallback that restarts loses them",
     &Bugs::hints_in_memory},
    {"merkle-skip-subtree", "the Merkle-tree comparison skips a differing subtree, so anti-entropy misses its keys",
     &Bugs::merkle_skip_subtree},
    {"read-repair-older-wins",
     "read repair overwrites the replica's value without comparing versions, so an older timestamp can replace a "
     "newer one",
     &Bugs::read_repair_older_wins},
    {"merge-drops-sibling", "the vector-clock merge keeps only one of two concurrent siblings (a lost write)",
     &Bugs::merge_drops_sibling},
};

Bugs read_bugs(const std::set<std::string>& names);

}  // namespace dsim::dynamo
