#include "protocols/membership/dissemination.h"

#include <algorithm>
#include <cassert>

namespace dsim::membership {

void Dissemination::enqueue(const Update& update) {
  for (Queued& q : queued_) {
    if (q.update.node == update.node) {
      q = Queued{update, 0, ++next_order_};
      return;
    }
  }
  if (queued_.size() >= capacity_) {
    // Full: the update that has been sent most (oldest among those) has done the most of its work.
    auto worst = std::max_element(queued_.begin(), queued_.end(), [](const Queued& a, const Queued& b) {
      return a.transmits != b.transmits ? a.transmits < b.transmits : a.order > b.order;
    });
    *worst = queued_.back();
    queued_.pop_back();
  }
  queued_.push_back(Queued{update, 0, ++next_order_});
  assert(queued_.size() <= capacity_);
}

void Dissemination::take(std::uint32_t count, std::uint32_t limit, std::vector<Update>& out) {
  if (queued_.empty() || count == 0) return;
  scratch_.resize(queued_.size());
  for (std::uint32_t i = 0; i < scratch_.size(); ++i) scratch_[i] = i;
  const auto n = std::min<std::size_t>(count, scratch_.size());
  std::partial_sort(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(n), scratch_.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      const Queued& x = queued_[a];
                      const Queued& y = queued_[b];
                      return x.transmits != y.transmits ? x.transmits < y.transmits : x.order > y.order;
                    });
  bool expired = false;
  for (std::size_t i = 0; i < n; ++i) {
    Queued& q = queued_[scratch_[i]];
    out.push_back(q.update);
    expired = ++q.transmits >= limit || expired;
  }
  if (expired) {
    std::erase_if(queued_, [&](const Queued& q) { return q.transmits >= limit; });
  }
}

}  // namespace dsim::membership
