#include "protocols/raft/state_machine.h"

#include <algorithm>

namespace dsim::raft {

bool is_known_operation(const std::string& f) {
  return f == "read" || f == "write" || f == "cas" || f == "get" || f == "put" || f == "append" ||
         f == "add";
}

bool is_read_operation(const std::string& f) { return f == "read" || f == "get"; }

std::string check_arguments(const std::string& f, const nlohmann::json& value) {
  if (!is_known_operation(f)) return "unsupported operation: " + f;
  if (f == "cas" && !(value.is_array() && value.size() == 2)) return "cas takes [expected, new]";
  if (f == "append" && !value.is_string()) return "append takes a string";
  if (f == "add" && (value.is_null() || value.is_array() || value.is_object())) return "add takes a scalar element";
  return "";
}

Outcome StateMachine::read(const std::string&, const std::string& key) const {
  auto it = data_.find(key);
  return Outcome{true, it == data_.end() ? nlohmann::json(nullptr) : it->second, {}};
}

Outcome StateMachine::apply(const Entry& entry) {
  if (entry.is_noop()) return Outcome{};
  // Reads through the log change nothing and are not recorded in the session: repeating one
  // returns the then-current value, which is as linearizable as the first answer.
  if (is_read_operation(entry.f)) return read(entry.f, entry.key.value_or(""));
  Session& session = sessions_[entry.client];
  if (session.applied && entry.request_id < session.request_id) {
    // An attempt of an operation this client has finished with: nobody waits for it.
    return Outcome{false, nullptr, "superseded request"};
  }
  if (session.applied && entry.request_id == session.request_id) return session.outcome;
  session.applied = true;
  session.request_id = entry.request_id;
  session.outcome = execute(entry);
  return session.outcome;
}

Outcome StateMachine::execute(const Entry& entry) {
  const std::string problem = check_arguments(entry.f, entry.value);
  if (!problem.empty()) return Outcome{false, nullptr, problem};
  const std::string key = entry.key.value_or("");
  if (entry.f == "write" || entry.f == "put") {
    data_[key] = entry.value;
    return Outcome{};
  }
  if (entry.f == "append") {
    nlohmann::json& slot = data_[key];
    slot = (slot.is_string() ? slot.get<std::string>() : std::string()) + entry.value.get<std::string>();
    return Outcome{};
  }
  if (entry.f == "add") {  // the set workload: the key holds an array of distinct elements
    nlohmann::json& slot = data_[key];
    if (!slot.is_array()) slot = nlohmann::json::array();
    if (std::find(slot.begin(), slot.end(), entry.value) == slot.end()) slot.push_back(entry.value);
    return Outcome{};
  }
  // cas [expected, new]; a key never written holds null.
  auto it = data_.find(key);
  const nlohmann::json current = it == data_.end() ? nlohmann::json(nullptr) : it->second;
  if (current != entry.value[0]) return Outcome{false, nullptr, "cas mismatch"};
  data_[key] = entry.value[1];
  return Outcome{};
}

}  // namespace dsim::raft
