// The messages of the broadcast protocol. Each carries a batch: everything the sender had to say
// to that peer this period, in one message.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/net/message.h"

namespace dsim::broadcast {

// Rumors (push, push-pull, pull answers, flood). `reply`: push-pull, answer with your own rumors
// that this batch lacked. `feedback`: answer with the values you already had (the stop rule's
// feedback).
struct Rumors {
  static constexpr std::string_view kType = "Rumors";
  std::vector<std::int64_t> values;
  bool reply = false;
  bool feedback = false;
  DSIM_FIELDS(values, reply, feedback)
};

// Pull: send me your rumors.
struct Pull {
  static constexpr std::string_view kType = "Pull";
  std::uint32_t period = 0;
  DSIM_FIELDS(period)
};

// The values of a Rumors batch the receiver already had.
struct Feedback {
  static constexpr std::string_view kType = "Feedback";
  std::vector<std::int64_t> known;
  DSIM_FIELDS(known)
};

// Anti-entropy: my whole set; `reply`: answer with what I lack.
struct Sync {
  static constexpr std::string_view kType = "Sync";
  std::vector<std::int64_t> values;
  bool reply = true;
  DSIM_FIELDS(values, reply)
};

// A durable value (key "v/<value>"), for durable: true.
struct StoredValue {
  std::int64_t value = 0;
  DSIM_FIELDS(value)
};

}  // namespace dsim::broadcast
