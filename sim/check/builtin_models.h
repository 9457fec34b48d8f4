// The models that ship with dsim; `find_model` in model.h is the public way to reach them.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "sim/check/model.h"

namespace dsim::check {

// Reads and writes of one register per key; initially nil.
const Model& register_model();
// Adds cas [expected new]; a failed cas is evidence that the register held another value.
const Model& cas_register_model();
// get / put / append on string values, one per key; a key never written reads as "".
const Model& kv_model();

// The state of a keyed model: just the value when there is one unnamed key, else
// `{key: value, ...}` in slot order.
std::string describe_per_key(std::span<const Word> state,
                             std::span<const std::optional<std::string>> slot_keys,
                             const std::function<std::string(Word)>& show_word);

}  // namespace dsim::check
