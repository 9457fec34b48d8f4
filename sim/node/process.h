// The Process API: what a protocol implements, and its only window on the world.
//
// A protocol node is a pure state machine driven by four handlers. Everything it does to the
// world — sending, timers, durable writes, randomness, answering clients — goes through the
// Context it is handed, so the engine can run it deterministically and inject faults around it.
// A crash destroys the Process object; a restart builds a fresh one from the protocol's factory
// with the same Storage, so volatile state cannot survive a crash by accident.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sim/core/rng.h"
#include "sim/core/time.h"
#include "sim/net/message.h"
#include "sim/node/request.h"
#include "sim/node/storage.h"

namespace dsim {

using TimerId = std::uint64_t;

class Context {
 public:
  virtual ~Context() = default;

  virtual NodeId self() const = 0;
  virtual std::uint32_t cluster_size() const = 0;
  // This node's local clock: skewed and drifting as the scenario says. Timers use it too.
  virtual TimeNs now() const = 0;

  virtual void send(NodeId to, MessagePtr message) = 0;
  // Sends a plain message struct (see net/message.h).
  template <class M>
  void send(NodeId to, M message) {
    send(to, make_message(std::move(message)));
  }

  // Fires on_timer(tag) once this node's local clock has advanced by `after_ns`.
  virtual TimerId set_timer(TimeNs after_ns, std::uint64_t tag) = 0;
  // Cancelling a timer that already fired or was cancelled is allowed and does nothing.
  virtual void cancel_timer(TimerId timer) = 0;

  virtual Storage& storage() = 0;
  // This node's own random stream (derived from the seed and the node id).
  virtual Rng& rng() = 0;

  // Answers a client request. Each request must be answered at most once per attempt.
  virtual void reply(const Request& request, Reply reply) = 0;

  // State the trace and the visualizer show (role, term, commit index ...), and by which a
  // scenario fault may choose its node when it fires ("crash the leader"). Recorded when the value
  // changes; costs nothing when tracing is off and no fault chooses by it.
  virtual void annotate(std::string_view key, const nlohmann::json& value) = 0;
};

class Process {
 public:
  virtual ~Process() = default;
  // At boot and after every restart.
  virtual void on_start(Context& ctx) = 0;
  virtual void on_message(Context& ctx, NodeId from, const Message& message) = 0;
  virtual void on_timer(Context& ctx, TimerId timer, std::uint64_t tag) = 0;
  // A client operation arrived at this node. The default refuses it.
  virtual void on_request(Context& ctx, const Request& request) {
    ctx.reply(request, Reply::fail("this protocol serves no client requests"));
  }
};

}  // namespace dsim
