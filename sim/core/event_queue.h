// The event queue: a min-heap of events ordered by (time, sequence number). The sequence number
// is assigned at scheduling, so two events at the same instant run in the order they were
// scheduled — never by address, hash order or sort stability. Header-only because it is the
// innermost loop of every run.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/core/time.h"

namespace dsim {

// An event is plain data; what it means is up to whoever dispatches it (see world/world.h).
struct Event {
  TimeNs at_ns = 0;
  std::uint64_t seq = 0;
  std::uint32_t kind = 0;    // dispatcher-defined
  std::uint32_t target = 0;  // dispatcher-defined, usually a node or client id
  std::uint64_t arg = 0;     // dispatcher-defined, e.g. a message slot or timer id
};

// A 4-ary heap: shallower than a binary heap and its children share a cache line, which is
// what makes it beat std::priority_queue on the timer-heavy workloads of a simulation.
//
// Beside the heap, a FIFO lane takes every event due no earlier than the lane's last one, so the
// lane is sorted by construction. Timeouts scheduled at a fixed delay (a client's per-attempt
// timeout, mostly never acted on) arrive in that order and would otherwise pile up in the heap,
// deepening every sift; in the lane they cost O(1). pop() takes the earlier of the two fronts,
// so the order is still exactly (time, sequence number).
class EventQueue {
 public:
  // Refuses (asserts) to schedule into the past: engine time never goes backwards.
  void push(TimeNs at_ns, std::uint32_t kind, std::uint32_t target, std::uint64_t arg) {
    assert(at_ns >= now_ns_);
    const Event e{at_ns, next_seq_++, kind, target, arg};
    // An empty lane starts only beside a non-empty heap: a lone event (a chain of events each
    // scheduling the next) is cheapest in the heap.
    const bool lane_empty = lane_head_ == lane_.size();
    if (lane_empty ? !heap_.empty() : lane_.back().at_ns <= at_ns) {
      if (lane_head_ >= kLaneCompactMin && lane_head_ * 2 >= lane_.size()) {
        lane_.erase(lane_.begin(), lane_.begin() + static_cast<std::ptrdiff_t>(lane_head_));
        lane_head_ = 0;
      }
      lane_.push_back(e);  // its seq is the largest yet, so the lane stays sorted
      return;
    }
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  bool empty() const { return heap_.empty() && lane_head_ == lane_.size(); }
  std::size_t size() const { return heap_.size() + (lane_.size() - lane_head_); }
  const Event& top() const {
    assert(!empty());
    return from_lane() ? lane_[lane_head_] : heap_.front();
  }
  TimeNs now_ns() const { return now_ns_; }
  std::uint64_t scheduled_count() const { return next_seq_; }

  // Removes the earliest event and advances the clock to its time.
  Event pop() {
    assert(!empty());
    Event e;
    if (from_lane()) {
      e = lane_[lane_head_++];
      if (lane_head_ == lane_.size()) {
        lane_.clear();  // keeps the capacity: the lane refills without allocating
        lane_head_ = 0;
      }
    } else {
      e = heap_.front();
      const Event last = heap_.back();
      heap_.pop_back();
      if (!heap_.empty()) sift_down(0, last);
    }
    assert(e.at_ns >= now_ns_);
    now_ns_ = e.at_ns;
    return e;
  }

  // Moves the clock forward to `at_ns` without an event (the run's end time).
  void advance_to(TimeNs at_ns) {
    assert(at_ns >= now_ns_);
    assert(empty() || top().at_ns >= at_ns);
    now_ns_ = at_ns;
  }

  void reserve(std::size_t n) {
    heap_.reserve(n);
    lane_.reserve(n);
  }

 private:
  // Whether the earliest event is the lane's front rather than the heap's.
  bool from_lane() const {
    if (lane_head_ == lane_.size()) return false;
    return heap_.empty() || before(lane_[lane_head_], heap_.front());
  }

  static constexpr std::size_t kArity = 4;
  // Popped lane events are dropped in batches of at least this many (and at least half the
  // lane), so compaction costs O(1) per event.
  static constexpr std::size_t kLaneCompactMin = 1024;

  static bool before(const Event& a, const Event& b) {
    return a.at_ns < b.at_ns || (a.at_ns == b.at_ns && a.seq < b.seq);
  }

  void sift_up(std::size_t i) {
    Event e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Places `e` (the former last element) starting at hole `i`.
  void sift_down(std::size_t i, const Event& e) {
    const std::size_t n = heap_.size();
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  // The lane's events are lane_[lane_head_..]; the popped ones before the head are dropped when
  // the lane empties or, on push, when they are most of it.
  std::vector<Event> lane_;
  std::size_t lane_head_ = 0;
  std::uint64_t next_seq_ = 0;
  TimeNs now_ns_ = 0;
};

}  // namespace dsim
