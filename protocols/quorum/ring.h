// A consistent-hashing ring with virtual nodes, as Dynamo, Cassandra and Riak place keys.
//
// Every node owns `tokens_per_node` points on a 64-bit ring. A token's position is a hash of
// (node, token index), never anything address- or order-dependent, so the same cluster size and
// token count give the same ring on every run and build. A key hashes to a point; its preference
// list is the first N *distinct* nodes met walking clockwise from that point (a node's second
// token does not count twice). The walk beyond N gives the fallbacks a sloppy quorum uses.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/net/message.h"

namespace dsim::quorum {

// The ring position of a key (stable across builds: sim/core/hash.h).
std::uint64_t key_position(std::string_view key);

class Ring {
 public:
  Ring(std::uint32_t nodes, std::uint32_t tokens_per_node);

  std::uint32_t nodes() const { return nodes_; }
  // Every distinct node in clockwise order from the key's position: the first N are its
  // preference list, the rest its fallbacks in the order a sloppy quorum tries them.
  std::vector<NodeId> walk(std::string_view key) const { return walk_from(key_position(key)); }
  std::vector<NodeId> walk_from(std::uint64_t position) const;
  // The first `n` distinct nodes clockwise (n <= nodes()).
  std::vector<NodeId> preference_list(std::string_view key, std::uint32_t n) const;
  // Whether `node` is among the first `n` replicas of `key`.
  bool is_replica(std::string_view key, std::uint32_t n, NodeId node) const;

  struct Token {
    std::uint64_t position = 0;
    NodeId node = 0;
  };
  const std::vector<Token>& tokens() const { return tokens_; }  // sorted by position

 private:
  std::uint32_t nodes_;
  std::vector<Token> tokens_;
};

}  // namespace dsim::quorum
