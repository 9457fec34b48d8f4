#include "sim/check/model.h"

#include <cassert>

#include <nlohmann/json.hpp>

#include "sim/check/builtin_models.h"

namespace dsim::check {

namespace {

const Model* const kBuiltins[] = {&register_model(), &cas_register_model(), &kv_model()};

}  // namespace

const Model* find_model(std::string_view name) {
  for (const Model* model : kBuiltins) {
    if (model->name() == name) return model;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const Model* model : kBuiltins) names.emplace_back(model->name());
  return names;
}

std::string describe_per_key(std::span<const Word> state,
                             std::span<const std::optional<std::string>> slot_keys,
                             const std::function<std::string(Word)>& show_word) {
  assert(state.size() == slot_keys.size());
  if (state.size() == 1 && !slot_keys[0]) return show_word(state[0]);
  std::string text = "{";
  for (std::size_t i = 0; i < state.size(); i++) {
    if (i > 0) text += ", ";
    text += slot_keys[i] ? show_value(nlohmann::json(*slot_keys[i])) : "nil";
    text += ": " + show_word(state[i]);
  }
  return text + "}";
}

}  // namespace dsim::check
