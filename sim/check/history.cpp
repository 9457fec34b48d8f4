#include "sim/check/history.h"

#include <cassert>

#include <fmt/format.h>

namespace dsim::check {

const char* op_type_name(OpType type) {
  switch (type) {
    case OpType::ok: return "ok";
    case OpType::fail: return "fail";
    case OpType::info: return "info";
  }
  assert(false && "unreachable: OpType has three values");
  return "info";
}

nlohmann::json to_json(const Operation& op) {
  nlohmann::json j = {{"process", op.process}, {"f", op.f}};
  if (op.key) j["key"] = *op.key;
  j["value"] = op.value;
  j["output"] = op.output;
  j["type"] = op_type_name(op.type);
  j["invoke_ns"] = op.invoke_ns;
  // JSON has no INT64_MAX-as-infinity convention; null is unambiguous.
  j["complete_ns"] = op.complete_ns == Operation::kNever ? nlohmann::json(nullptr)
                                                         : nlohmann::json(op.complete_ns);
  return j;
}

nlohmann::json to_json(const History& history) {
  nlohmann::json ops = nlohmann::json::array();
  for (const Operation& op : history.ops) ops.push_back(to_json(op));
  return {{"format", "dsim-history"}, {"version", 1}, {"ops", std::move(ops)}};
}

std::string show_value(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string echo_text(std::string_view text) {
  if (text.size() <= kEchoMax) return std::string(text);
  std::size_t cut = kEchoMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
  return fmt::format("{}... ({} bytes)", text.substr(0, cut), text.size());
}

std::string echo(const nlohmann::json& value) { return echo_text(show_value(value)); }

std::string describe(const Operation& op) {
  std::string text = fmt::format("p{} {}", op.process, op.f);
  if (op.key) text += fmt::format(" key={}", show_value(nlohmann::json(*op.key)));
  if (!op.value.is_null()) text += fmt::format(" {}", show_value(op.value));
  switch (op.type) {
    case OpType::ok:
      // Jepsen echoes a write's argument in its completion; only a differing output says more.
      if (op.output == op.value && !op.value.is_null()) text += " -> ok";
      else text += fmt::format(" -> {}", show_value(op.output));
      break;
    case OpType::fail: text += " -> fail"; break;
    case OpType::info: text += " -> ?"; break;
  }
  return text;
}

}  // namespace dsim::check
