// The replicated state machine: a map from keys to JSON values, changed only by applying
// committed log entries in log order. It serves both client workloads: the register workload
// (read / write / cas; no key means the one register "") and the kv workload (get / put / append,
// and cas too), and the set workload (add puts an element into the array a key holds).
//
// Client sessions (Raft thesis §6.3): each client's latest applied request id and its result.
// A client runs one operation at a time and its request ids only grow, so one slot per client is
// enough: a retried request that was already applied gets the recorded result instead of taking
// effect twice.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "protocols/raft/messages.h"
#include "sim/node/request.h"

namespace dsim::raft {

struct Outcome {
  bool ok = true;
  nlohmann::json value;  // a read's result
  std::string error;     // why it failed ("cas mismatch" ...)
  DSIM_FIELDS(ok, value, error)

  Reply to_reply() const { return ok ? Reply::ok(value) : Reply::fail(error); }
};

// Whether `f` names an operation this state machine knows, and whether it only reads.
bool is_known_operation(const std::string& f);
bool is_read_operation(const std::string& f);
// A malformed argument's complaint, or "" when the request is well formed.
std::string check_arguments(const std::string& f, const nlohmann::json& value);

class StateMachine {
 public:
  // Applies one committed entry (no-ops included) and returns what its client should hear.
  Outcome apply(const Entry& entry);
  // A read served outside the log (ReadIndex, lease): the current value.
  Outcome read(const std::string& f, const std::string& key) const;

  const std::map<std::string, nlohmann::json>& data() const { return data_; }
  std::size_t sessions() const { return sessions_.size(); }

 private:
  Outcome execute(const Entry& entry);

  struct Session {
    bool applied = false;  // request ids start at 0, so 0 alone cannot mean "none yet"
    std::uint64_t request_id = 0;
    Outcome outcome;
  };
  std::map<std::string, nlohmann::json> data_;
  std::map<std::uint32_t, Session> sessions_;
};

}  // namespace dsim::raft
