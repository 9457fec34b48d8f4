#include "sim/world/memory.h"

#include <string>
#include <vector>

namespace dsim {

namespace {

// What malloc keeps beside each block, and the smallest block it hands out.
constexpr std::size_t kAllocOverhead = 16;
constexpr std::size_t kStringInline = 15;  // libstdc++ keeps shorter strings inside the object

std::size_t string_heap_bytes(std::size_t length) {
  return length > kStringInline ? length + 1 + kAllocOverhead : 0;
}

}  // namespace

std::size_t json_heap_bytes(const nlohmann::json& value) {
  using json = nlohmann::json;
  // An explicit stack rather than recursion: a value's depth is not this function's concern.
  std::vector<const json*> pending{&value};
  std::size_t bytes = 0;
  while (!pending.empty()) {
    const json* v = pending.back();
    pending.pop_back();
    switch (v->type()) {
      case json::value_t::object:
        bytes += sizeof(json::object_t) + kAllocOverhead;
        for (const auto& [key, item] : v->items()) {
          // A map node: tree links, the key and the value.
          bytes += 32 + sizeof(std::string) + sizeof(json) + kAllocOverhead + string_heap_bytes(key.size());
          pending.push_back(&item);
        }
        break;
      case json::value_t::array:
        bytes += sizeof(json::array_t) + kAllocOverhead + v->get_ref<const json::array_t&>().capacity() * sizeof(json);
        for (const json& item : *v) pending.push_back(&item);
        break;
      case json::value_t::string:
        bytes += sizeof(std::string) + kAllocOverhead + string_heap_bytes(v->get_ref<const std::string&>().size());
        break;
      case json::value_t::binary:
        bytes += sizeof(json::binary_t) + kAllocOverhead + v->get_binary().size();
        break;
      default:
        break;  // numbers, booleans and null live inside the json object
    }
  }
  return bytes;
}

std::size_t operation_heap_bytes(const check::Operation& op) {
  return string_heap_bytes(op.f.size()) + (op.key ? string_heap_bytes(op.key->size()) : 0) +
         json_heap_bytes(op.value) + json_heap_bytes(op.output);
}

}  // namespace dsim
