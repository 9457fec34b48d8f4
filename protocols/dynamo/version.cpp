#include "protocols/dynamo/version.h"

#include <algorithm>
#include <cassert>
#include <set>

#include "sim/core/hash.h"

namespace dsim::dynamo {

Order compare(const VectorClock& a, const VectorClock& b) {
  bool a_more = false, b_more = false;
  for (const auto& [node, count] : a) {
    auto it = b.find(node);
    const std::uint64_t other = it == b.end() ? 0 : it->second;
    a_more = a_more || count > other;
    b_more = b_more || count < other;
  }
  for (const auto& [node, count] : b) {
    if (!a.count(node) && count > 0) b_more = true;
  }
  if (a_more && b_more) return Order::concurrent;
  if (a_more) return Order::after;
  if (b_more) return Order::before;
  return Order::equal;
}

bool lww_less(const Sibling& a, const Sibling& b) {
  if (a.ts != b.ts) return a.ts < b.ts;
  if (a.origin != b.origin) return a.origin < b.origin;
  return fields::digest_json(0, a.value) < fields::digest_json(0, b.value);
}

namespace {

Record merge_lww(const Record& a, const Record& b) {
  const Sibling* best = nullptr;
  for (const Record* r : {&a, &b}) {
    for (const Sibling& s : r->siblings) {
      if (!best || lww_less(*best, s)) best = &s;
    }
  }
  Record out;
  if (best) out.siblings.push_back(*best);
  return out;
}

Record merge_vclock(const Record& a, const Record& b, bool drop_sibling) {
  std::vector<Sibling> all = a.siblings;
  all.insert(all.end(), b.siblings.begin(), b.siblings.end());
  Record out;
  for (std::size_t i = 0; i < all.size(); ++i) {
    bool superseded = false;
    for (std::size_t j = 0; j < all.size() && !superseded; ++j) {
      if (i == j) continue;
      const Order o = compare(all[i].clock, all[j].clock);
      // Equal clocks name one write: keep the first copy.
      superseded = o == Order::before || (o == Order::equal && j < i);
    }
    if (!superseded) out.siblings.push_back(all[i]);
  }
  std::sort(out.siblings.begin(), out.siblings.end(), lww_less);
  // The bug: concurrent siblings collapse to the one with the highest tag, as if LWW.
  if (drop_sibling && out.siblings.size() > 1) out.siblings.erase(out.siblings.begin(), out.siblings.end() - 1);
  return out;
}

}  // namespace

Record merge(const Record& a, const Record& b, Versioning versioning, bool drop_sibling) {
  return versioning == Versioning::lww ? merge_lww(a, b) : merge_vclock(a, b, drop_sibling);
}

bool covers(const Record& held, const Sibling& write, Versioning versioning) {
  for (const Sibling& s : held.siblings) {
    if (versioning == Versioning::lww ? !lww_less(s, write) : compare(s.clock, write.clock) != Order::before &&
                                                                   compare(s.clock, write.clock) != Order::concurrent) {
      return true;
    }
  }
  return false;
}

VectorClock context(const Record& record) {
  VectorClock out;
  for (const Sibling& s : record.siblings) {
    for (const auto& [node, count] : s.clock) out[node] = std::max(out[node], count);
  }
  return out;
}

nlohmann::json resolve(const Record& record) {
  if (record.siblings.empty()) return nullptr;
  if (record.siblings.size() == 1) return record.siblings.front().value;
  const bool sets = std::all_of(record.siblings.begin(), record.siblings.end(),
                                [](const Sibling& s) { return s.value.is_array(); });
  if (!sets) return record.siblings.back().value;  // sorted by tag: the highest
  std::set<nlohmann::json> elements;
  for (const Sibling& s : record.siblings) elements.insert(s.value.begin(), s.value.end());
  return nlohmann::json(std::vector<nlohmann::json>(elements.begin(), elements.end()));
}

std::uint64_t digest(const Record& record) { return hash_bytes(fields::encode(record)); }

}  // namespace dsim::dynamo
