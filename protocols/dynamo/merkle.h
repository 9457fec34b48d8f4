// A Merkle tree over the keys two replicas share: 2^depth leaves by ring position, a leaf's hash
// the order-free sum of its keys' (key, version digest) hashes, an inner node's the hash of its
// two children (0 when both are empty, so empty subtrees compare equal). Pure functions: the node
// and the benchmark walk the same trees.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocols/dynamo/messages.h"

namespace dsim::dynamo {

class MerkleTree {
 public:
  // `entries`: key -> version digest.
  MerkleTree(const std::map<std::string, std::uint64_t>& entries, std::uint32_t depth);

  std::uint32_t depth() const { return depth_; }
  std::uint64_t hash(std::uint32_t level, std::uint32_t index) const { return levels_[level][index]; }
  static std::uint32_t leaf_of(const std::string& key, std::uint32_t depth);

  // The indices among `theirs` whose hash differs from this tree's at `level`, in order.
  std::vector<std::uint32_t> differing(std::uint32_t level, const std::vector<TreeHash>& theirs) const;
  // This tree's hashes of the children of `parents` (at `level`), at level + 1.
  std::vector<TreeHash> children(std::uint32_t level, const std::vector<std::uint32_t>& parents) const;

 private:
  std::uint32_t depth_;
  std::vector<std::vector<std::uint64_t>> levels_;  // levels_[0] is the root
};

}  // namespace dsim::dynamo
