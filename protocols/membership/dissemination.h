// SWIM's dissemination buffer: the membership updates this node still has to spread, at most one
// per member (a newer update about a member replaces the older), each piggybacked on up to
// `limit` outgoing messages, fewest-sent first. Bounded: when full, the most-sent update goes.
#pragma once

#include <cstdint>
#include <vector>

#include "protocols/membership/messages.h"

namespace dsim::membership {

class Dissemination {
 public:
  explicit Dissemination(std::uint32_t capacity) : capacity_(capacity) {}

  void enqueue(const Update& update);
  // Appends up to `count` updates to `out`, counting each as sent once; an update sent `limit`
  // times is dropped.
  void take(std::uint32_t count, std::uint32_t limit, std::vector<Update>& out);
  std::size_t size() const { return queued_.size(); }

 private:
  struct Queued {
    Update update;
    std::uint32_t transmits = 0;
    std::uint64_t order = 0;  // newer first among equally sent updates
  };
  std::uint32_t capacity_;
  std::uint64_t next_order_ = 0;
  std::vector<Queued> queued_;
  std::vector<std::uint32_t> scratch_;
};

}  // namespace dsim::membership
