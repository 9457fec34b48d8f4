// What a run's recorded history and trace occupy, estimated cheaply from what is recorded (not
// by asking the operating system, which would make a verdict depend on the machine): the bytes
// each value owns on the heap, plus each allocation's bookkeeping. The estimate errs high, so a
// run ends at its memory budget (run.memory_mb_max) before the process grows much past it.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"

namespace dsim {

// What one message in flight owns beyond its Flight record: the shared object and its control
// block. A guess (a message's payload is its protocol's business); messages that carry log
// entries own more, which is why message storms are stopped by their rate (watchdog.cpp) first.
inline constexpr std::size_t kMessageBytesEstimate = 160;

// Heap bytes owned by `value` (not counting the json object itself, which lives in its parent).
std::size_t json_heap_bytes(const nlohmann::json& value);

// Heap bytes owned by `op` (strings and JSON values; not sizeof(Operation)).
std::size_t operation_heap_bytes(const check::Operation& op);

}  // namespace dsim
