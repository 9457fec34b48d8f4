// Lost writes in a set history (Jepsen's set checker, with final reads from many nodes).
//
// The history holds f "add" (value: the element) and f "read" (output: an array of elements,
// null for an empty set) on keys. The final reads of a key are its ok reads invoked after every
// add to that key was invoked and every acknowledged add was acknowledged. Then, per element:
//   lost        acknowledged (ok), but missing from the final reads: from every one of them
//               (mode all, the default: the write is gone) or from any one (mode any: every
//               replica read must hold it);
//   recovered   not acknowledged (info) and present: fine, it may have taken effect;
//   unexpected  present but never added, or added with `fail` (which says it did not happen).
// A key with adds but no final read leaves the check inconclusive.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim::check {

struct LostWritesOptions {
  enum class Mode { all, any };
  Mode mode = Mode::all;
  std::size_t examples_max = 10;
};

struct LostWritesResult {
  std::uint64_t keys = 0;          // keys with at least one add
  std::uint64_t attempted = 0;     // adds invoked
  std::uint64_t acknowledged = 0;  // adds ok
  std::uint64_t final_reads = 0;   // ok final reads over all keys
  std::uint64_t lost = 0;          // acknowledged, missing (per mode)
  std::uint64_t missing_somewhere = 0;  // acknowledged, missing from at least one final read
  std::uint64_t recovered = 0;     // unacknowledged (info), present
  std::uint64_t unexpected = 0;    // present, never added or added with fail
  std::uint64_t malformed_reads = 0;  // ok reads whose output is not an array or null
  std::vector<std::string> keys_without_final_read;
  std::vector<nlohmann::json> lost_examples;        // {"key", "element", "op"}
  std::vector<nlohmann::json> unexpected_examples;  // {"key", "element"}

  bool inconclusive() const { return !keys_without_final_read.empty(); }
  bool violated() const { return lost > 0 || unexpected > 0; }
};

LostWritesResult check_lost_writes(const History& history, const LostWritesOptions& options = {});
nlohmann::json to_json(const LostWritesResult& result);
// One line: "1200 acknowledged adds, 3 lost, 0 unexpected, 4 recovered; 5 final reads".
std::string summary_line(const LostWritesResult& result);

}  // namespace dsim::check
