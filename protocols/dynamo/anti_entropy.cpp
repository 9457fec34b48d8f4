// Merkle-tree anti-entropy: two replicas walk down the trees of the keys they share, level by
// level, each answering with its own hashes of the children of the nodes that differ; at the
// leaves they swap key digests and then only the records that differ. Every message's encoded
// size is counted, so the cost is measured in bytes and rounds.
#include <algorithm>
#include <cassert>
#include <set>

#include "protocols/dynamo/node.h"
#include "sim/core/hash.h"

namespace dsim::dynamo {

namespace {
constexpr std::uint64_t kAntiEntropyTag = 2;
}  // namespace

template <class M>
void Node::send_ae(Context& ctx, NodeId to, M message) {
  ++counters_.ae_messages;
  counters_.ae_bytes += fields::encode(message).size();
  ctx.send(to, std::move(message));
}

MerkleTree Node::shared_tree(NodeId peer) const {
  std::map<std::string, std::uint64_t> entries;
  for (const auto& [key, record] : data_) {
    const auto& walk = preference(key);
    const auto end = walk.begin() + options_.n;
    bool mine = false, theirs = false;
    for (auto it = walk.begin(); it != end; ++it) {
      mine = mine || *it == self_;
      theirs = theirs || *it == peer;
    }
    if (mine && theirs && !record.siblings.empty()) entries.emplace(key, digest(record));
  }
  return MerkleTree(entries, options_.merkle_depth);
}

void Node::start_exchange(Context& ctx) {
  ctx.set_timer(options_.anti_entropy_ns, kAntiEntropyTag);
  const NodeId peer = next_peer_;
  next_peer_ = (next_peer_ + 1) % ctx.cluster_size();
  if (next_peer_ == ctx.self()) next_peer_ = (next_peer_ + 1) % ctx.cluster_size();
  if (peer == ctx.self() || suspected(ctx, peer)) return;
  ++counters_.ae_exchanges;
  const MerkleTree tree = shared_tree(peer);
  send_ae(ctx, peer, MerkleLevel{hash_combine(nonce_, ++next_op_), 0, {TreeHash{0, tree.hash(0, 0)}}});
}

void Node::on_merkle_level(Context& ctx, NodeId from, const MerkleLevel& m) {
  const MerkleTree tree = shared_tree(from);
  if (m.level > tree.depth()) return;
  std::vector<std::uint32_t> differ = tree.differing(m.level, m.hashes);
  // The bug: one differing subtree below the root is not descended into.
  if (options_.bugs.merkle_skip_subtree && m.level >= 1 && !differ.empty()) differ.erase(differ.begin());
  if (differ.empty()) return;  // in sync (as far as this comparison can tell)
  if (m.level < tree.depth()) return send_ae(ctx, from, MerkleLevel{m.exchange, m.level + 1, tree.children(m.level, differ)});
  MerkleKeys keys{m.exchange, differ, {}};
  const std::set<std::uint32_t> leaves(differ.begin(), differ.end());
  for (const auto& [key, record] : data_) {
    if (leaves.count(MerkleTree::leaf_of(key, tree.depth())) && !record.siblings.empty()) {
      keys.keys.push_back(KeyDigest{key, digest(record)});
    }
  }
  send_ae(ctx, from, std::move(keys));
}

void Node::on_merkle_keys(Context& ctx, NodeId from, const MerkleKeys& m) {
  const std::set<std::uint32_t> leaves(m.leaves.begin(), m.leaves.end());
  std::map<std::string, std::uint64_t> theirs;
  for (const KeyDigest& k : m.keys) theirs.emplace(k.key, k.digest);
  MerkleRecords out{m.exchange, {}, {}};
  std::set<std::string> mine;
  for (const auto& [key, record] : data_) {
    if (!leaves.count(MerkleTree::leaf_of(key, options_.merkle_depth)) || record.siblings.empty()) continue;
    const auto& walk = preference(key);
    if (std::find(walk.begin(), walk.begin() + options_.n, from) == walk.begin() + options_.n) continue;
    mine.insert(key);
    auto it = theirs.find(key);
    if (it == theirs.end() || it->second != digest(record)) out.records.push_back(KeyRecord{key, record});
  }
  for (const auto& [key, d] : theirs) {
    auto it = data_.find(key);
    if (!mine.count(key) || it == data_.end() || digest(it->second) != d) out.want.push_back(key);
  }
  if (out.records.empty() && out.want.empty()) return;
  counters_.ae_keys_sent += out.records.size();
  send_ae(ctx, from, std::move(out));
}

void Node::on_merkle_records(Context& ctx, NodeId from, const MerkleRecords& m) {
  for (const KeyRecord& r : m.records) store(ctx, r.key, r.record);
  if (m.want.empty()) return;
  MerkleRecords back{m.exchange, {}, {}};
  for (const std::string& key : m.want) {
    auto it = data_.find(key);
    if (it != data_.end() && !it->second.siblings.empty()) back.records.push_back(KeyRecord{key, it->second});
  }
  if (back.records.empty()) return;
  counters_.ae_keys_sent += back.records.size();
  send_ae(ctx, from, std::move(back));
}

}  // namespace dsim::dynamo
