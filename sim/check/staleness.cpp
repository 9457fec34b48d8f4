#include "sim/check/staleness.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace dsim::check {

namespace {

bool is_write(const std::string& f) { return f == "write" || f == "put"; }
bool is_read(const std::string& f) { return f == "read" || f == "get"; }

// One key's writes and reads, with each write's value resolvable to the write.
struct KeyVersions {
  std::vector<const Operation*> writes;             // every write, any outcome
  std::vector<const Operation*> acked;              // ok writes, by completion time
  std::map<nlohmann::json, const Operation*> by_value;
  std::vector<std::size_t> reads;                   // ok reads (op indexes)
  bool ambiguous = false;
};

std::map<std::string, KeyVersions> versions_by_key(const History& h) {
  std::map<std::string, KeyVersions> keys;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const Operation& op = h.ops[i];
    KeyVersions& k = keys[op.key.value_or("")];
    if (is_read(op.f)) {
      if (op.type == OpType::ok) k.reads.push_back(i);
    } else if (is_write(op.f)) {
      k.writes.push_back(&op);
      if (op.value.is_null() || !k.by_value.emplace(op.value, &op).second) k.ambiguous = true;
      if (op.type == OpType::ok) k.acked.push_back(&op);
    } else {
      k.ambiguous = true;  // cas, append, add ...: versions are not one write each
    }
  }
  for (auto& [key, k] : keys) {
    std::stable_sort(k.acked.begin(), k.acked.end(),
                     [](const Operation* a, const Operation* b) { return a->complete_ns < b->complete_ns; });
  }
  return keys;
}

// The write whose version a read returned: nullptr for the initial version; `unknown` when no
// write wrote the value.
const Operation* returned_version(const KeyVersions& k, const Operation& read, bool& unknown) {
  unknown = false;
  if (read.output.is_null()) return nullptr;
  auto it = k.by_value.find(read.output);
  if (it == k.by_value.end()) unknown = true;
  return unknown ? nullptr : it->second;
}

std::uint64_t k_of(const KeyVersions& k, const Operation& read, const Operation* version) {
  const std::int64_t version_done_ns = version ? version->complete_ns : INT64_MIN;
  std::uint64_t behind = 0;
  for (const Operation* w : k.acked) {
    if (w->complete_ns >= read.invoke_ns) break;
    behind += w != version && w->invoke_ns > version_done_ns;
  }
  return behind;
}

void note_worst(StalenessResult& r, std::size_t op, const std::string& key, std::uint64_t k) {
  constexpr std::size_t kWorstMax = 5;
  r.worst.push_back({{"op", op}, {"key", key}, {"k", k}});
  std::stable_sort(r.worst.begin(), r.worst.end(),
                   [](const nlohmann::json& a, const nlohmann::json& b) { return a["k"] > b["k"]; });
  if (r.worst.size() > kWorstMax) r.worst.pop_back();
}

}  // namespace

StalenessResult check_staleness(const History& history) {
  StalenessResult r;
  for (const auto& [key, k] : versions_by_key(history)) {
    if (k.ambiguous) {
      ++r.keys_skipped;
      continue;
    }
    for (std::size_t i : k.reads) {
      const Operation& read = history.ops[i];
      bool unknown = false;
      const Operation* version = returned_version(k, read, unknown);
      if (unknown) {
        ++r.unexplained;
        continue;
      }
      const std::uint64_t behind = k_of(k, read, version);
      ++r.reads;
      ++r.k_histogram[behind];
      r.stale += behind > 0;
      r.k_max = std::max(r.k_max, behind);
      if (behind > 0) note_worst(r, i, key, behind);
    }
  }
  return r;
}

VisibilityResult check_t_visibility(const History& history, const std::vector<std::int64_t>& t_ns) {
  VisibilityResult r;
  for (std::int64_t t : t_ns) r.buckets.push_back(VisibilityBucket{t});
  for (const auto& [key, k] : versions_by_key(history)) {
    if (k.ambiguous) continue;
    for (std::size_t i : k.reads) {
      const Operation& read = history.ops[i];
      // The acknowledged write acknowledged last at or before the read's invoke.
      auto after = std::upper_bound(k.acked.begin(), k.acked.end(), read.invoke_ns,
                                    [](std::int64_t t, const Operation* w) { return t < w->complete_ns; });
      bool unknown = false;
      const Operation* version = returned_version(k, read, unknown);
      if (after == k.acked.begin() || unknown) {
        ++r.unpaired;
        continue;
      }
      const Operation* paired = *std::prev(after);
      const std::int64_t t = read.invoke_ns - paired->complete_ns;
      auto bucket = std::upper_bound(r.buckets.begin(), r.buckets.end(), t,
                                     [](std::int64_t t, const VisibilityBucket& b) { return t < b.t_ns; });
      if (bucket == r.buckets.begin()) {
        ++r.unpaired;
        continue;
      }
      VisibilityBucket& b = *std::prev(bucket);
      ++b.reads;
      b.visible += version && (version == paired || version->complete_ns >= paired->invoke_ns);
    }
  }
  for (auto& b : r.buckets) {
    if (b.reads > 0) std::tie(b.low, b.high) = wilson_interval(b.visible, b.reads);
  }
  return r;
}

std::pair<double, double> wilson_interval(std::uint64_t successes, std::uint64_t trials) {
  constexpr double z = 1.959964;  // 95%
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double denominator = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

nlohmann::json to_json(const StalenessResult& r) {
  nlohmann::json histogram = nlohmann::json::object();
  for (const auto& [k, n] : r.k_histogram) histogram[std::to_string(k)] = n;
  return {{"reads", r.reads},         {"stale", r.stale},         {"stale_share", r.stale_share()},
          {"k_max", r.k_max},         {"k_histogram", histogram}, {"unexplained", r.unexplained},
          {"keys_skipped", r.keys_skipped}, {"worst", r.worst}};
}

nlohmann::json to_json(const VisibilityResult& r) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& b : r.buckets) {
    buckets.push_back({{"t_ms", static_cast<double>(b.t_ns) / 1e6}, {"reads", b.reads}, {"visible", b.visible},
                       {"probability", b.probability()}, {"low", b.low}, {"high", b.high}});
  }
  return {{"buckets", buckets}, {"unpaired", r.unpaired}};
}

std::string summary_line(const StalenessResult& r) {
  std::string line = fmt::format("{} reads, {} stale ({:.2f}%), k max {}", r.reads, r.stale, 100 * r.stale_share(), r.k_max);
  if (r.unexplained > 0) line += fmt::format(", {} unexplained", r.unexplained);
  if (r.keys_skipped > 0) line += fmt::format("; {} ambiguous keys skipped", r.keys_skipped);
  return line;
}

}  // namespace dsim::check
