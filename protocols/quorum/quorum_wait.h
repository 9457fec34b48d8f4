// Waiting for a quorum: a request sent to a set of replicas is done when `needed` of them have
// answered (R for a read, W for a write), or failed once so many have refused or been given up
// on that `needed` can no longer be reached, or on its deadline. Dynamo and ABD both wait this
// way; the caller owns the timer and calls expire() when it fires.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <map>
#include <vector>

#include "sim/core/time.h"
#include "sim/net/message.h"

namespace dsim::quorum {

template <class Answer>
class QuorumWait {
 public:
  enum class State { waiting, reached, failed };

  QuorumWait() = default;
  QuorumWait(std::vector<NodeId> replicas, std::uint32_t needed, TimeNs deadline_ns)
      : replicas_(std::move(replicas)), needed_(needed), deadline_ns_(deadline_ns) {
    assert(needed_ >= 1 && needed_ <= replicas_.size());
  }

  // Another replica joins (a sloppy-quorum fallback standing in for an unreachable one).
  void add_replica(NodeId node) {
    if (!contains(node)) replicas_.push_back(node);
  }
  // A replica's answer; duplicates and answers from strangers are ignored. Returns the state.
  State answer(NodeId from, Answer answer) {
    if (!contains(from) || refused_.count(from)) return state();
    answers_.emplace(from, std::move(answer));
    return state();
  }
  // A replica that refused or is given up on.
  State refuse(NodeId from) {
    if (contains(from) && !answers_.count(from)) refused_[from] = true;
    return state();
  }
  // The deadline passed (the caller's timer fired at local time `now_ns`).
  State expire(TimeNs now_ns) {
    if (now_ns >= deadline_ns_) expired_ = true;
    return state();
  }

  State state() const {
    if (answers_.size() >= needed_) return State::reached;
    if (expired_ || replicas_.size() - refused_.size() < needed_) return State::failed;
    return State::waiting;
  }
  bool reached() const { return state() == State::reached; }
  // Replicas that have neither answered nor refused: whom to resend to.
  std::vector<NodeId> silent() const {
    std::vector<NodeId> out;
    for (NodeId n : replicas_) {
      if (!answers_.count(n) && !refused_.count(n)) out.push_back(n);
    }
    return out;
  }
  const std::map<NodeId, Answer>& answers() const { return answers_; }  // by node id
  const std::vector<NodeId>& replicas() const { return replicas_; }
  std::uint32_t needed() const { return needed_; }
  TimeNs deadline_ns() const { return deadline_ns_; }

 private:
  bool contains(NodeId n) const { return std::find(replicas_.begin(), replicas_.end(), n) != replicas_.end(); }

  std::vector<NodeId> replicas_;
  std::uint32_t needed_ = 1;
  TimeNs deadline_ns_ = 0;
  bool expired_ = false;
  std::map<NodeId, Answer> answers_;
  std::map<NodeId, bool> refused_;
};

// The majority of `n` replicas.
constexpr std::uint32_t majority(std::uint32_t n) { return n / 2 + 1; }

}  // namespace dsim::quorum
