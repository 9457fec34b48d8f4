// The messages of both modes. SWIM's carry piggybacked membership updates.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/core/fields.h"

namespace dsim::membership {

enum class Status : std::uint8_t { alive, suspect, dead };

// "node is `status` at `incarnation`", as SWIM disseminates it.
struct Update {
  std::uint32_t node = 0;
  Status status = Status::alive;
  std::uint64_t incarnation = 0;
  std::uint32_t by = 0;  // who suspected or removed it (Lifeguard counts independent suspicions)
  DSIM_FIELDS(node, status, incarnation, by)
};

struct Ping {
  static constexpr std::string_view kType = "Ping";
  std::uint64_t seq = 0;
  std::vector<Update> updates;
  DSIM_FIELDS(seq, updates)
};

struct Ack {
  static constexpr std::string_view kType = "Ack";
  std::uint64_t seq = 0;
  std::vector<Update> updates;
  DSIM_FIELDS(seq, updates)
};

// "Ping `target` for me": the indirect probe.
struct PingReq {
  static constexpr std::string_view kType = "PingReq";
  std::uint64_t seq = 0;
  std::uint32_t target = 0;
  std::vector<Update> updates;
  DSIM_FIELDS(seq, target, updates)
};

// Lifeguard: the intermediate of a ping-req got no ack in time (so the requester is not the
// problem, or at least its ping-req arrived).
struct Nack {
  static constexpr std::string_view kType = "Nack";
  std::uint64_t seq = 0;
  DSIM_FIELDS(seq)
};

// Heartbeat mode: one row of a member table. (generation, counter) orders a node's heartbeats;
// the generation grows at every restart so a restarted node's counter 0 is newer.
struct Beat {
  std::uint32_t node = 0;
  std::uint64_t generation = 0;
  std::uint64_t counter = 0;
  DSIM_FIELDS(node, generation, counter)
};

struct HeartbeatTable {
  static constexpr std::string_view kType = "Heartbeats";
  std::vector<Beat> beats;
  DSIM_FIELDS(beats)
};

}  // namespace dsim::membership
