// The messages of the ABD register: a query round and an update round.
#pragma once

#include <cstdint>
#include <string>

#include "sim/net/message.h"

namespace dsim::abd {

// A write's identity: higher ts wins, the writer's node id breaks ties (multi-writer ABD), and
// the operation's own id breaks ties between two writes one node coordinates at once (both may
// query the same highest ts; without it they would share a tag with different values).
struct Tag {
  std::uint64_t ts = 0;
  std::uint32_t writer = 0;
  std::uint64_t op = 0;
  DSIM_FIELDS(ts, writer, op)
  auto operator<=>(const Tag&) const = default;
};

// What a replica holds for one register.
struct Stored {
  Tag tag;
  nlohmann::json value;  // null until the first write
  DSIM_FIELDS(tag, value)
};

struct Query {
  static constexpr std::string_view kType = "Query";
  std::uint64_t op = 0;
  std::string key;
  DSIM_FIELDS(op, key)
};

struct QueryReply {
  static constexpr std::string_view kType = "QueryReply";
  std::uint64_t op = 0;
  Stored stored;
  DSIM_FIELDS(op, stored)
};

struct Update {
  static constexpr std::string_view kType = "Update";
  std::uint64_t op = 0;
  std::string key;
  Stored stored;
  DSIM_FIELDS(op, key, stored)
};

struct UpdateAck {
  static constexpr std::string_view kType = "UpdateAck";
  std::uint64_t op = 0;
  DSIM_FIELDS(op)
};

}  // namespace dsim::abd
