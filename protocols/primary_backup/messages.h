// The messages of primary-backup replication.
#pragma once

#include <cstdint>
#include <string>

#include "sim/net/message.h"

namespace dsim::primary_backup {

// One write, as the primary ordered it.
struct Entry {
  std::uint64_t version = 0;
  std::string key;
  nlohmann::json value;
  std::uint64_t request_id = 0;  // the client request it came from: retries apply once
  DSIM_FIELDS(version, key, value, request_id)
};

struct Replicate {
  static constexpr std::string_view kType = "Replicate";
  Entry entry;
  DSIM_FIELDS(entry)
};

struct Ack {
  static constexpr std::string_view kType = "Ack";
  std::uint64_t version = 0;
  DSIM_FIELDS(version)
};

}  // namespace dsim::primary_backup
