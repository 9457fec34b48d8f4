#include "sim/check/broadcast.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace dsim::check {

namespace {

struct Read {
  std::int64_t invoke_ns = 0;
  std::int64_t complete_ns = 0;
  std::vector<std::int64_t> values;  // sorted
  std::optional<std::int64_t> final_node;
};

std::vector<std::int64_t> read_values(const nlohmann::json& output) {
  std::vector<std::int64_t> values;
  if (!output.is_array()) return values;
  values.reserve(output.size());
  for (const auto& v : output) {
    if (v.is_number_integer()) values.push_back(v.get<std::int64_t>());
  }
  std::sort(values.begin(), values.end());
  return values;
}

bool has(const Read& r, std::int64_t v) { return std::binary_search(r.values.begin(), r.values.end(), v); }

double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Stable latency of `v` broadcast at `from_ns`: reads are sorted by invoke time.
std::int64_t stable_latency_ns(const std::vector<Read>& reads, std::int64_t v, std::int64_t from_ns) {
  std::int64_t stable_ns = from_ns;
  for (auto it = reads.rbegin(); it != reads.rend() && it->invoke_ns >= from_ns; ++it) {
    if (!has(*it, v)) {
      stable_ns = std::max(stable_ns, it->complete_ns);
      break;
    }
  }
  return stable_ns - from_ns;
}

void check_bounds(const BroadcastBounds& b, double msgs_per_op, const std::vector<std::int64_t>& latencies,
                  BroadcastResult& out) {
  if (b.msgs_per_op_max && msgs_per_op >= *b.msgs_per_op_max) {
    out.problems.push_back({"msgs-per-op", fmt::format("msgs-per-op {:.2f}, expected below {}", msgs_per_op,
                                                       *b.msgs_per_op_max), false, {{"msgs_per_op", msgs_per_op}}});
  }
  if (latencies.empty()) return;
  const std::int64_t median = latencies[latencies.size() / 2];
  const std::int64_t max = latencies.back();
  if (b.stable_median_max_ns && median >= *b.stable_median_max_ns) {
    out.problems.push_back({"stable-median", fmt::format("median stable latency {} ms, expected below {} ms", ms(median),
                                                         ms(*b.stable_median_max_ns)), false, {{"median_ms", ms(median)}}});
  }
  if (b.stable_max_max_ns && max >= *b.stable_max_max_ns) {
    out.problems.push_back({"stable-max", fmt::format("max stable latency {} ms, expected below {} ms", ms(max),
                                                      ms(*b.stable_max_max_ns)), false, {{"max_ms", ms(max)}}});
  }
}

}  // namespace

BroadcastResult check_broadcast(const History& history, std::uint64_t server_messages, const BroadcastBounds& bounds) {
  BroadcastResult out;
  std::map<std::int64_t, std::int64_t> acked;  // value -> broadcast invoke time
  std::set<std::int64_t> attempted;
  std::vector<Read> reads;
  std::map<std::int64_t, const Read*> finals;  // node -> its last final read
  for (const Operation& op : history.ops) {
    if (op.f == "broadcast" && op.value.is_number_integer()) {
      const auto v = op.value.get<std::int64_t>();
      attempted.insert(v);
      if (op.type == OpType::ok) acked.emplace(v, op.invoke_ns);
    } else if (op.f == "read" && op.type == OpType::ok) {
      Read r{op.invoke_ns, op.complete_ns, read_values(op.output), std::nullopt};
      if (op.value.is_number_integer()) r.final_node = op.value.get<std::int64_t>();
      reads.push_back(std::move(r));
    }
  }
  std::stable_sort(reads.begin(), reads.end(), [](const Read& a, const Read& b) { return a.invoke_ns < b.invoke_ns; });
  for (const Read& r : reads) {
    if (r.final_node) finals[*r.final_node] = &r;
  }

  std::vector<std::int64_t> unexpected;
  for (const Read& r : reads) {
    for (auto v : r.values) {
      if (!attempted.count(v) && unexpected.size() < 10) unexpected.push_back(v);
    }
  }
  if (!unexpected.empty()) {
    out.problems.push_back({"unexpected", fmt::format("a read returned {} which no client broadcast", unexpected.front()),
                            false, {{"values", unexpected}}});
  }

  std::vector<std::int64_t> lost, latencies;
  for (const auto& [v, from_ns] : acked) {
    bool everywhere = true;
    for (const auto& [node, r] : finals) everywhere = everywhere && has(*r, v);
    if (!everywhere) {
      lost.push_back(v);
      continue;
    }
    latencies.push_back(stable_latency_ns(reads, v, from_ns));
  }
  std::sort(latencies.begin(), latencies.end());
  if (finals.empty() && !acked.empty()) {
    out.problems.push_back({"no-final-reads", "no final read was answered: whether broadcasts were lost is unknown",
                            true, nullptr});
  } else if (!lost.empty()) {
    std::vector<std::int64_t> shown(lost.begin(), lost.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(lost.size(), 10)));
    out.problems.push_back({"lost", fmt::format("{} acknowledged broadcast(s) missing from a final read, first {}",
                                                lost.size(), lost.front()), false, {{"values", shown}, {"count", lost.size()}}});
  }

  const double ops = static_cast<double>(history.ops.size());
  const double msgs_per_op = ops > 0 ? static_cast<double>(server_messages) / ops : 0.0;
  check_bounds(bounds, msgs_per_op, latencies, out);
  nlohmann::json m = {{"broadcasts_acked", acked.size()}, {"lost", lost.size()}, {"final_reads", finals.size()},
                      {"msgs_per_op", std::round(msgs_per_op * 100) / 100}, {"server_messages", server_messages}};
  if (!latencies.empty()) {
    m["stable_latency_ms"] = {{"median", ms(latencies[latencies.size() / 2])}, {"max", ms(latencies.back())}};
  }
  out.metrics = std::move(m);
  return out;
}

}  // namespace dsim::check
