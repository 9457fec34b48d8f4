#include "sim/check/search.h"

#include <algorithm>
#include <cassert>
#include <map>
#include <tuple>

#include "sim/check/memo.h"
#include "sim/check/unobserved_guard.h"

namespace dsim::check {

namespace {

constexpr std::int32_t kNone = -1;
constexpr std::int64_t kClockCheckEverySteps = 1024;  // reading the clock is not free

std::uint64_t mix64(std::uint64_t x) {  // the splitmix64 finalizer: a strong 64-bit mixer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The calls and returns of a partition in real-time order, as a doubly linked list from which
// operations are lifted and restored in stack order (dancing links). Node 0 is the head; the
// call of op i is node 1 + 2i and its return node 2 + 2i (absent for open-ended operations).
class EventList {
 public:
  explicit EventList(const Partition& partition) {
    const std::size_t n = partition.ops.size();
    next_.assign(1 + 2 * n, kNone);
    prev_.assign(1 + 2 * n, kNone);
    // (time, returns after calls at equal times so that touching intervals overlap, node)
    std::vector<std::tuple<std::int64_t, int, std::int32_t>> events;
    for (std::size_t i = 0; i < n; i++) {
      const auto op = static_cast<std::int32_t>(i);
      events.emplace_back(partition.invoke_ns[i], 0, call_node(op));
      if (partition.complete_ns[i] != Operation::kNever) {
        events.emplace_back(partition.complete_ns[i], 1, return_node(op));
      }
    }
    std::sort(events.begin(), events.end());
    std::int32_t last = 0;
    for (const auto& [time, kind, node] : events) {
      next_[static_cast<std::size_t>(last)] = node;
      prev_[static_cast<std::size_t>(node)] = last;
      last = node;
    }
    has_return_.resize(n);
    for (std::size_t i = 0; i < n; i++) {
      has_return_[i] = partition.complete_ns[i] != Operation::kNever;
    }
  }

  static std::int32_t call_node(std::int32_t op) { return 1 + 2 * op; }
  static std::int32_t return_node(std::int32_t op) { return 2 + 2 * op; }
  static bool is_call(std::int32_t node) { return node % 2 == 1; }
  static std::int32_t op_of(std::int32_t node) { return (node - 1) / 2; }

  std::int32_t first() const { return next_[0]; }
  std::int32_t next(std::int32_t node) const { return next_[static_cast<std::size_t>(node)]; }

  void lift(std::int32_t op) {
    unlink(call_node(op));
    if (has_return_[static_cast<std::size_t>(op)]) unlink(return_node(op));
  }

  void unlift(std::int32_t op) {  // the exact reverse of lift
    if (has_return_[static_cast<std::size_t>(op)]) relink(return_node(op));
    relink(call_node(op));
  }

 private:
  void unlink(std::int32_t node) {
    const auto at = static_cast<std::size_t>(node);
    next_[static_cast<std::size_t>(prev_[at])] = next_[at];
    if (next_[at] != kNone) prev_[static_cast<std::size_t>(next_[at])] = prev_[at];
  }

  void relink(std::int32_t node) {
    const auto at = static_cast<std::size_t>(node);
    next_[static_cast<std::size_t>(prev_[at])] = node;
    if (next_[at] != kNone) prev_[static_cast<std::size_t>(next_[at])] = node;
  }

  std::vector<std::int32_t> next_;
  std::vector<std::int32_t> prev_;
  std::vector<bool> has_return_;
};

// The search's mutable position: the stack of linearized operations, the set they form (as a
// bitset with an incrementally maintained Zobrist hash), and the states before each of them.
class Position {
 public:
  Position(std::size_t op_count, std::size_t state_words)
      : bits_((op_count + 63) / 64, 0), state_words_(state_words) {
    zobrist_.reserve(op_count);
    for (std::size_t i = 0; i < op_count; i++) zobrist_.push_back(mix64(0x5eed + i));
    saved_states_.reserve(op_count * state_words);
    stack_.reserve(op_count);
  }

  bool contains(std::int32_t op) const {
    const auto i = static_cast<std::size_t>(op);
    return (bits_[i / 64] >> (i % 64)) & 1;
  }

  void toggle(std::int32_t op) {
    const auto i = static_cast<std::size_t>(op);
    bits_[i / 64] ^= std::uint64_t{1} << (i % 64);
    bits_hash_ ^= zobrist_[i];
  }

  std::uint64_t hash(std::span<const Word> state) const {
    std::uint64_t h = bits_hash_;
    for (Word word : state) h = mix64(h ^ static_cast<std::uint64_t>(word));
    return h;
  }

  void push(std::int32_t op, std::span<const Word> state_before) {
    stack_.push_back(op);
    saved_states_.insert(saved_states_.end(), state_before.begin(), state_before.end());
  }

  std::int32_t pop(std::span<Word> state_before) {
    assert(!stack_.empty());
    const std::int32_t op = stack_.back();
    stack_.pop_back();
    const auto from = saved_states_.end() - static_cast<std::ptrdiff_t>(state_words_);
    std::copy(from, saved_states_.end(), state_before.begin());
    saved_states_.erase(from, saved_states_.end());
    return op;
  }

  std::span<const std::uint64_t> bits() const { return bits_; }
  const std::vector<std::int32_t>& stack() const { return stack_; }

 private:
  std::vector<std::uint64_t> bits_;
  std::uint64_t bits_hash_ = 0;
  std::vector<std::uint64_t> zobrist_;
  std::size_t state_words_;
  std::vector<std::int32_t> stack_;
  std::vector<Word> saved_states_;
};

// Two open-ended operations with the same effect are interchangeable: swapping them in any
// linearization gives another one (whatever must precede the later-invoked one also precedes
// the earlier). So they are linearized in invoke order only. Returns, per op, the identical
// open-ended op invoked just before it, or kNone.
std::vector<std::int32_t> previous_twins(const Partition& partition) {
  std::vector<std::int32_t> twin(partition.ops.size(), kNone);
  std::vector<std::int32_t> order;
  for (std::size_t i = 0; i < partition.ops.size(); i++) {
    if (partition.complete_ns[i] == Operation::kNever) order.push_back(static_cast<std::int32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    return partition.invoke_ns[static_cast<std::size_t>(a)] <
           partition.invoke_ns[static_cast<std::size_t>(b)];
  });
  std::map<std::tuple<std::int32_t, std::int32_t, Word, Word>, std::int32_t> last;
  for (std::int32_t op : order) {
    const ModelOp& m = partition.ops[static_cast<std::size_t>(op)];
    auto [it, added] = last.try_emplace({m.f, m.slot, m.arg0, m.arg1}, op);
    if (!added) {
      twin[static_cast<std::size_t>(op)] = it->second;
      it->second = op;
    }
  }
  return twin;
}

}  // namespace

SearchOutcome search(const Partition& partition, const Model& model, ValueTable& values,
                     const SearchLimits& limits) {
  const std::size_t n = partition.ops.size();
  const auto words = static_cast<std::size_t>(partition.state_words);
  SearchOutcome outcome;
  std::int64_t definite_left = 0;
  for (std::int64_t complete : partition.complete_ns) definite_left += complete != Operation::kNever;

  EventList events(partition);
  const std::vector<std::int32_t> twin = previous_twins(partition);
  UnobservedGuard guard(partition, model);
  Position position(n, words);
  Memo memo((n + 63) / 64, words);
  std::vector<Word> state(words);
  std::vector<Word> candidate(words);
  model.init(state, values);

  auto out_of_budget = [&](const char* reason) {
    outcome.status = SearchOutcome::Status::out_of_budget;
    outcome.reason = reason;
    return outcome;
  };

  std::int32_t node = events.first();
  while (definite_left > 0) {
    if (outcome.steps >= limits.steps_max) return out_of_budget("search steps budget spent");
    outcome.steps++;
    if (limits.deadline && outcome.steps % kClockCheckEverySteps == 0 &&
        std::chrono::steady_clock::now() > *limits.deadline) {
      return out_of_budget("wall-clock budget spent");
    }
    // A definite operation's return is still listed, and it follows its call.
    assert(node != kNone);
    if (EventList::is_call(node)) {
      const std::int32_t op = EventList::op_of(node);
      const auto i = static_cast<std::size_t>(op);
      const bool open_ended = partition.complete_ns[i] == Operation::kNever;
      candidate = state;
      // An open-ended op that changes nothing is never worth placing now: anything that
      // follows would work as well with it left for the end, where it may go.
      const bool placeable = (!open_ended || twin[i] == kNone || position.contains(twin[i])) &&
                             model.step(candidate, partition.ops[i], values) &&
                             (!open_ended || candidate != state);
      if (placeable && guard.dooms(op, candidate)) {
        // Not explored, but a longer partial linearization: a person sees the read that fails.
        if (position.stack().size() + 1 > std::max(outcome.deepest.size(), outcome.deepest_doomed.size())) {
          outcome.deepest_doomed = position.stack();
          outcome.deepest_doomed.push_back(op);
        }
      } else if (placeable) {
        position.toggle(op);
        const std::int64_t memo_budget = limits.memo_bytes_max - values.bytes();
        if (memo.insert(position.hash(candidate), position.bits(), candidate, memo_budget)) {
          position.push(op, state);
          std::swap(state, candidate);
          events.lift(op);
          guard.add(op, -1);
          definite_left -= !open_ended;
          if (position.stack().size() > outcome.deepest.size()) outcome.deepest = position.stack();
          outcome.memo_bytes_peak = std::max(outcome.memo_bytes_peak, memo.bytes() + values.bytes());
          node = events.first();
          continue;
        }
        if (memo.full()) return out_of_budget("memo memory budget spent");
        position.toggle(op);
      }
      node = events.next(node);
      continue;
    }
    // A return came before any call that fits: undo the last choice, try the next one.
    if (position.stack().empty()) {
      outcome.status = SearchOutcome::Status::illegal;
      return outcome;
    }
    const std::int32_t op = position.pop(state);
    position.toggle(op);
    events.unlift(op);
    guard.add(op, +1);
    definite_left += partition.complete_ns[static_cast<std::size_t>(op)] != Operation::kNever;
    node = events.next(EventList::call_node(op));
  }
  outcome.status = SearchOutcome::Status::ok;
  return outcome;
}

}  // namespace dsim::check
