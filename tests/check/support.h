// Helpers shared by the checker tests: terse construction of operations and histories.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim::check::testing {

inline Operation op(std::int64_t process, std::string f, nlohmann::json value,
                    nlohmann::json output, OpType type, std::int64_t invoke_ns,
                    std::int64_t complete_ns, std::optional<std::string> key = std::nullopt) {
  Operation o;
  o.process = process;
  o.f = std::move(f);
  o.key = std::move(key);
  o.value = std::move(value);
  o.output = std::move(output);
  o.type = type;
  o.invoke_ns = invoke_ns;
  o.complete_ns = type == OpType::info ? Operation::kNever : complete_ns;
  return o;
}

inline Operation write(std::int64_t p, int v, std::int64_t t0, std::int64_t t1,
                       OpType type = OpType::ok) {
  return op(p, "write", v, nullptr, type, t0, t1);
}

inline Operation read(std::int64_t p, nlohmann::json v, std::int64_t t0, std::int64_t t1,
                      OpType type = OpType::ok) {
  return op(p, "read", nullptr, std::move(v), type, t0, t1);
}

inline Operation cas(std::int64_t p, int from, int to, std::int64_t t0, std::int64_t t1,
                     OpType type = OpType::ok) {
  return op(p, "cas", nlohmann::json::array({from, to}), nullptr, type, t0, t1);
}

}  // namespace dsim::check::testing
