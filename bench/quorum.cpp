// Quorum replication at speed and at cost.
//
// BM_MerkleVsFullSync: two replicas of 10^5 keys, 1 % of them newer on one side. Walks the same
// Merkle exchange the Dynamo node runs (protocols/dynamo/merkle.h and its messages: hashes level
// by level down the differing subtrees, key digests in the differing leaves, then only the
// differing records each way) and counts the encoded bytes and messages, against a full sync that
// sends every record. Reported: merkle_bytes, full_sync_bytes, bytes_ratio (merkle / full),
// messages (rounds), records_sent — per tree depth (the argument).
//
// BM_Dynamo5Nodes: Dynamo at N=3, R=W=2 on 5 nodes, tracing and invariants off; messages per CPU
// second, and vs_pingpong = that over the pingpong protocol's on the same nodes and links, measured
// in the same run (the engine's own per-message cost, as bench/raft.cpp does).
#include <chrono>
#include <ctime>
#include <map>
#include <variant>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "protocols/dynamo/merkle.h"
#include "protocols/dynamo/messages.h"
#include "sim/core/fields.h"
#include "sim/scenario/scenario.h"
#include "sim/world/run.h"

namespace {

using namespace dsim::dynamo;

constexpr int kKeys = 100'000;
constexpr int kDivergentEvery = 100;  // 1 %

struct Replicas {
  std::map<std::string, Record> a, b;
};

const Replicas& replicas() {
  static const Replicas r = [] {
    Replicas out;
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = fmt::format("key-{:06}", i);
      Record rec{{Sibling{fmt::format("value-{}", i), 1'000'000 + static_cast<std::uint64_t>(i), 0, {}}}};
      out.a.emplace(key, rec);
      if (i % kDivergentEvery == 0) rec.siblings[0] = Sibling{fmt::format("newer-{}", i), 9'000'000'000, 1, {}};
      out.b.emplace(key, rec);
    }
    return out;
  }();
  return r;
}

std::map<std::string, std::uint64_t> digests(const std::map<std::string, Record>& data) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [k, r] : data) out.emplace(k, digest(r));
  return out;
}

struct Cost {
  std::uint64_t bytes = 0, messages = 0, records = 0;
  template <class M>
  void send(const M& m) {
    bytes += dsim::fields::encode(m).size();
    ++messages;
  }
};

// The exchange as Node runs it (anti_entropy.cpp): A sends its root; each side answers the
// differing nodes' children from its own tree; at the leaves B sends its key digests, A the
// differing records and the keys it wants, B those records.
Cost merkle_exchange(std::uint32_t depth) {
  const Replicas& r = replicas();
  const auto da = digests(r.a), db = digests(r.b);
  const MerkleTree ta(da, depth), tb(db, depth);
  Cost cost;
  MerkleLevel m{1, 0, {TreeHash{0, ta.hash(0, 0)}}};
  cost.send(m);
  bool b_turn = true;
  std::vector<std::uint32_t> differ;
  while (true) {
    const MerkleTree& mine = b_turn ? tb : ta;
    differ = mine.differing(m.level, m.hashes);
    if (differ.empty() || m.level == depth) break;
    m = MerkleLevel{1, m.level + 1, mine.children(m.level, differ)};
    cost.send(m);
    b_turn = !b_turn;
  }
  const std::set<std::uint32_t> leaves(differ.begin(), differ.end());
  MerkleKeys keys{1, differ, {}};
  for (const auto& [k, d] : db) {
    if (leaves.count(MerkleTree::leaf_of(k, depth))) keys.keys.push_back(KeyDigest{k, d});
  }
  cost.send(keys);
  MerkleRecords to_b{1, {}, {}}, to_a{1, {}, {}};
  for (const KeyDigest& k : keys.keys) {
    if (da.at(k.key) == k.digest) continue;
    to_b.records.push_back(KeyRecord{k.key, r.a.at(k.key)});
    to_b.want.push_back(k.key);
    to_a.records.push_back(KeyRecord{k.key, r.b.at(k.key)});
  }
  cost.send(to_b);
  cost.send(to_a);
  cost.records = to_a.records.size() + to_b.records.size();
  return cost;
}

std::uint64_t full_sync_bytes() {
  MerkleRecords all{1, {}, {}};
  for (const auto& [k, rec] : replicas().a) all.records.push_back(KeyRecord{k, rec});
  return dsim::fields::encode(all).size();
}

void BM_MerkleVsFullSync(benchmark::State& state) {
  const auto depth = static_cast<std::uint32_t>(state.range(0));
  Cost cost;
  for (auto _ : state) cost = merkle_exchange(depth);
  const double full = static_cast<double>(full_sync_bytes());
  state.counters["merkle_bytes"] = static_cast<double>(cost.bytes);
  state.counters["full_sync_bytes"] = full;
  state.counters["bytes_ratio"] = static_cast<double>(cost.bytes) / full;
  state.counters["messages"] = static_cast<double>(cost.messages);
  state.counters["records_sent"] = static_cast<double>(cost.records);
  state.counters["keys_differing"] = kKeys / kDivergentEvery;
}

dsim::Scenario scenario(const nlohmann::json& cluster, bool clients, std::int64_t duration_ms) {
  nlohmann::json doc = {
      {"description", "quorum benchmark"},
      {"cluster", cluster},
      {"network", {{"latency", {{"dist", "normal"}, {"mean_ms", 1.0}, {"stddev_ms", 0.2}, {"floor_ms", 0.5}}}}},
      {"checks", {{"invariants", false}}},
      {"expect", {{"safety", "any"}, {"liveness", "any"}}},
      {"run", {{"seed", 1}, {"duration_ms", duration_ms}}},
  };
  if (clients) {
    doc["workload"] = {{"kind", "kv"}, {"clients", 12}, {"keys", 100}, {"think_ms", 7.5}, {"timeout_ms", 500},
                       {"read", 0.5}, {"write", 0.5}};
  }
  return std::get<dsim::Scenario>(dsim::parse_scenario(doc.dump(), "bench"));
}

double messages_per_cpu_s(const dsim::Scenario& s, double* ops = nullptr) {
  const std::clock_t cpu_start = std::clock();
  const dsim::RunResult result = dsim::run_scenario(s);
  const double cpu_s = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (ops) *ops = static_cast<double>(result.history.ops.size()) / cpu_s;
  return static_cast<double>(result.stats.messages_delivered) / cpu_s;
}

void BM_Dynamo5Nodes(benchmark::State& state) {
  const dsim::Scenario dynamo =
      scenario({{"protocol", "dynamo"}, {"nodes", 5}, {"params", {{"n", 3}, {"r", 2}, {"w", 2}}}}, true, state.range(0));
  static const dsim::Scenario pingpong =
      scenario({{"protocol", "pingpong"}, {"nodes", 5}, {"params", {{"in_flight", 4}}}}, false, 1'000);
  double mine = 0, reference = 0, ops = 0;
  for (auto _ : state) {
    state.PauseTiming();
    reference += messages_per_cpu_s(pingpong);  // interleaved with the runs it is compared to
    state.ResumeTiming();
    double o = 0;
    mine += messages_per_cpu_s(dynamo, &o);
    ops += o;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["messages_per_cpu_s"] = mine / n;
  state.counters["client_ops_per_cpu_s"] = ops / n;
  state.counters["pingpong_messages_per_cpu_s"] = reference / n;
  state.counters["vs_pingpong"] = mine / reference;
}

}  // namespace

BENCHMARK(BM_MerkleVsFullSync)->Arg(10)->Arg(14)->Arg(16)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Dynamo5Nodes)->Arg(10'000)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
