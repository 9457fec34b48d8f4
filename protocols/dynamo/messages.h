// The messages of the Dynamo store: replica reads and writes, hinted handoff, and the Merkle
// anti-entropy exchange.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/dynamo/version.h"
#include "sim/net/message.h"

namespace dsim::dynamo {

struct Get {
  static constexpr std::string_view kType = "Get";
  std::uint64_t op = 0;
  std::string key;
  DSIM_FIELDS(op, key)
};

struct GetReply {
  static constexpr std::string_view kType = "GetReply";
  std::uint64_t op = 0;
  Record record;
  DSIM_FIELDS(op, record)
};

// A replica write: a coordinator's write, a read repair, or a sloppy-quorum write to a fallback
// that keeps it as a hint for `hint_for`.
struct Put {
  static constexpr std::string_view kType = "Put";
  std::uint64_t op = 0;
  std::string key;
  Record record;
  std::optional<std::uint32_t> hint_for;
  bool repair = false;
  DSIM_FIELDS(op, key, record, hint_for, repair)
};

struct PutAck {
  static constexpr std::string_view kType = "PutAck";
  std::uint64_t op = 0;
  DSIM_FIELDS(op)
};

// A fallback offers a hint to its home replica; the ack names what was stored, so a hint that
// changed meanwhile is kept.
struct Handoff {
  static constexpr std::string_view kType = "Handoff";
  std::string key;
  Record record;
  DSIM_FIELDS(key, record)
};

struct HandoffAck {
  static constexpr std::string_view kType = "HandoffAck";
  std::string key;
  std::uint64_t digest = 0;
  DSIM_FIELDS(key, digest)
};

// ---- Merkle anti-entropy: the two replicas of the keys they share walk down their trees
// together, each side answering with what differs. ----

struct TreeHash {
  std::uint32_t index = 0;
  std::uint64_t hash = 0;
  DSIM_FIELDS(index, hash)
};

// The sender's hashes of some nodes at `level` (0 = the root).
struct MerkleLevel {
  static constexpr std::string_view kType = "MerkleLevel";
  std::uint64_t exchange = 0;
  std::uint32_t level = 0;
  std::vector<TreeHash> hashes;
  DSIM_FIELDS(exchange, level, hashes)
};

struct KeyDigest {
  std::string key;
  std::uint64_t digest = 0;
  DSIM_FIELDS(key, digest)
};

// At the leaves: the sender's keys (and their version digests) in the leaves that differ.
struct MerkleKeys {
  static constexpr std::string_view kType = "MerkleKeys";
  std::uint64_t exchange = 0;
  std::vector<std::uint32_t> leaves;
  std::vector<KeyDigest> keys;
  DSIM_FIELDS(exchange, leaves, keys)
};

struct KeyRecord {
  std::string key;
  Record record;
  DSIM_FIELDS(key, record)
};

// The records that differ, and the keys the sender wants in return.
struct MerkleRecords {
  static constexpr std::string_view kType = "MerkleRecords";
  std::uint64_t exchange = 0;
  std::vector<KeyRecord> records;
  std::vector<std::string> want;
  DSIM_FIELDS(exchange, records, want)
};

}  // namespace dsim::dynamo
