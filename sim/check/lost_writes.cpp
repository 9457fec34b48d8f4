#include "sim/check/lost_writes.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace dsim::check {

namespace {

struct KeyLog {
  std::vector<std::size_t> adds;   // op indexes
  std::vector<std::size_t> reads;  // ok reads
  std::int64_t adds_settled_ns = 0;  // every add invoked and every ok add acknowledged by then
};

std::map<std::string, KeyLog> by_key(const History& h) {
  std::map<std::string, KeyLog> keys;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const Operation& op = h.ops[i];
    const std::string key = op.key.value_or("");
    if (op.f == "add") {
      KeyLog& k = keys[key];
      k.adds.push_back(i);
      k.adds_settled_ns = std::max(k.adds_settled_ns, op.type == OpType::ok ? op.complete_ns : op.invoke_ns);
    } else if (op.f == "read" && op.type == OpType::ok) {
      keys[key].reads.push_back(i);
    }
  }
  return keys;
}

// The final reads' contents: each read's elements as a set.
std::vector<std::set<nlohmann::json>> final_contents(const History& h, const KeyLog& k, LostWritesResult& r) {
  std::vector<std::set<nlohmann::json>> reads;
  for (std::size_t i : k.reads) {
    const Operation& op = h.ops[i];
    if (op.invoke_ns <= k.adds_settled_ns) continue;
    if (!op.output.is_array() && !op.output.is_null()) {
      ++r.malformed_reads;
      continue;
    }
    std::set<nlohmann::json> elements;
    if (op.output.is_array()) elements.insert(op.output.begin(), op.output.end());
    reads.push_back(std::move(elements));
  }
  return reads;
}

void check_key(const History& h, const std::string& key, const KeyLog& k, const LostWritesOptions& o,
               LostWritesResult& r) {
  const auto reads = final_contents(h, k, r);
  r.final_reads += reads.size();
  if (reads.empty()) {
    r.keys_without_final_read.push_back(key);
    return;
  }
  std::map<nlohmann::json, OpType> added;  // element -> the strongest outcome among its adds
  for (std::size_t i : k.adds) {
    const Operation& op = h.ops[i];
    auto [it, fresh] = added.emplace(op.value, op.type);
    if (!fresh && (op.type == OpType::ok || (op.type == OpType::info && it->second == OpType::fail))) it->second = op.type;
    if (op.type != OpType::ok) continue;
    std::size_t missing = 0;
    for (const auto& read : reads) missing += read.count(op.value) == 0;
    r.missing_somewhere += missing > 0;
    const bool lost = o.mode == LostWritesOptions::Mode::all ? missing == reads.size() : missing > 0;
    if (!lost) continue;
    ++r.lost;
    if (r.lost_examples.size() < o.examples_max) {
      r.lost_examples.push_back({{"key", key}, {"element", op.value}, {"op", i}, {"missing_from", missing},
                                 {"final_reads", reads.size()}});
    }
  }
  std::set<nlohmann::json> present;
  for (const auto& read : reads) present.insert(read.begin(), read.end());
  for (const auto& element : present) {
    auto it = added.find(element);
    if (it != added.end() && it->second == OpType::info) ++r.recovered;
    if (it != added.end() && it->second != OpType::fail) continue;
    ++r.unexpected;
    if (r.unexpected_examples.size() < o.examples_max) {
      r.unexpected_examples.push_back({{"key", key}, {"element", element},
                                       {"why", it == added.end() ? "never added" : "its add failed"}});
    }
  }
}

}  // namespace

LostWritesResult check_lost_writes(const History& history, const LostWritesOptions& options) {
  LostWritesResult r;
  for (const auto& [key, log] : by_key(history)) {
    if (log.adds.empty()) continue;
    ++r.keys;
    r.attempted += log.adds.size();
    for (std::size_t i : log.adds) r.acknowledged += history.ops[i].type == OpType::ok;
    check_key(history, key, log, options, r);
  }
  return r;
}

nlohmann::json to_json(const LostWritesResult& r) {
  return {{"keys", r.keys},
          {"attempted", r.attempted},
          {"acknowledged", r.acknowledged},
          {"final_reads", r.final_reads},
          {"lost", r.lost},
          {"missing_somewhere", r.missing_somewhere},
          {"recovered", r.recovered},
          {"unexpected", r.unexpected},
          {"malformed_reads", r.malformed_reads},
          {"keys_without_final_read", r.keys_without_final_read},
          {"lost_examples", r.lost_examples},
          {"unexpected_examples", r.unexpected_examples}};
}

std::string summary_line(const LostWritesResult& r) {
  std::string line = fmt::format("{} acknowledged adds of {}, {} lost, {} unexpected, {} recovered; {} final reads",
                                 r.acknowledged, r.attempted, r.lost, r.unexpected, r.recovered, r.final_reads);
  if (r.missing_somewhere > r.lost) line += fmt::format(" ({} missing from some)", r.missing_somewhere);
  if (r.inconclusive()) line += fmt::format("; no final read of {}", fmt::join(r.keys_without_final_read, ", "));
  return line;
}

}  // namespace dsim::check
