#include "protocols/dynamo/merkle.h"

#include <cassert>

#include "protocols/quorum/ring.h"
#include "sim/core/hash.h"

namespace dsim::dynamo {

std::uint32_t MerkleTree::leaf_of(const std::string& key, std::uint32_t depth) {
  return static_cast<std::uint32_t>(quorum::key_position(key) >> (64 - depth));
}

MerkleTree::MerkleTree(const std::map<std::string, std::uint64_t>& entries, std::uint32_t depth)
    : depth_(depth), levels_(depth + 1) {
  assert(depth >= 1 && depth <= 20);
  for (std::uint32_t level = 0; level <= depth; ++level) levels_[level].assign(std::size_t{1} << level, 0);
  for (const auto& [key, version] : entries) {
    levels_[depth][leaf_of(key, depth)] += hash_combine(hash_bytes(key), version);
  }
  for (std::uint32_t level = depth; level-- > 0;) {
    for (std::size_t i = 0; i < levels_[level].size(); ++i) {
      const std::uint64_t left = levels_[level + 1][2 * i], right = levels_[level + 1][2 * i + 1];
      levels_[level][i] = left == 0 && right == 0 ? 0 : hash_combine(left, right);
    }
  }
}

std::vector<std::uint32_t> MerkleTree::differing(std::uint32_t level, const std::vector<TreeHash>& theirs) const {
  assert(level <= depth_);
  std::vector<std::uint32_t> out;
  for (const TreeHash& h : theirs) {
    if (h.index < levels_[level].size() && levels_[level][h.index] != h.hash) out.push_back(h.index);
  }
  return out;
}

std::vector<TreeHash> MerkleTree::children(std::uint32_t level, const std::vector<std::uint32_t>& parents) const {
  assert(level < depth_);
  std::vector<TreeHash> out;
  out.reserve(parents.size() * 2);
  for (std::uint32_t p : parents) {
    for (std::uint32_t c = 2 * p; c <= 2 * p + 1; ++c) out.push_back(TreeHash{c, levels_[level + 1][c]});
  }
  return out;
}

}  // namespace dsim::dynamo
