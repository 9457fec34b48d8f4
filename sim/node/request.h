// What a client asks of a node, and what the node answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/net/message.h"

namespace dsim {

struct Request {
  // The client's request id: the same on every retry of one operation, so a protocol with
  // client sessions can apply a retried request once.
  std::uint64_t id = 0;
  std::uint32_t client = 0;
  std::uint32_t attempt = 0;        // 0 for the first try, then 1, 2 ...
  std::string f;                    // "read", "write", "cas", "get", "put", "append", "transfer" ...
  std::optional<std::string> key;   // for keyed operations
  nlohmann::json value;             // the argument: write 3, cas [1, 2], put "x" ...
};

struct Reply {
  enum class Status {
    ok,        // it took effect (or, for a read, this is the value read)
    fail,      // it definitely did not take effect
    redirect,  // not here: try `leader_hint` (or another node); it did not take effect
  };
  Status status = Status::ok;
  nlohmann::json value;                 // a read's result, a transaction's outcome ...
  std::optional<NodeId> leader_hint;    // for redirect
  std::string error;                    // for fail/redirect: why, for the trace

  static Reply ok(nlohmann::json value = nullptr) { return Reply{Status::ok, std::move(value), {}, {}}; }
  static Reply fail(std::string why) { return Reply{Status::fail, nullptr, {}, std::move(why)}; }
  static Reply redirect(std::optional<NodeId> leader, std::string why = "not the leader") {
    return Reply{Status::redirect, nullptr, leader, std::move(why)};
  }
};

}  // namespace dsim
