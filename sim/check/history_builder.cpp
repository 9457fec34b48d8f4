#include "sim/check/history_builder.h"

#include <fmt/format.h>

namespace dsim::check {

std::optional<EventType> parse_event_type(std::string_view name) {
  if (!name.empty() && name[0] == ':') name.remove_prefix(1);
  if (name == "invoke") return EventType::invoke;
  if (name == "ok") return EventType::ok;
  if (name == "fail") return EventType::fail;
  if (name == "info") return EventType::info;
  return std::nullopt;
}

std::optional<std::string> HistoryBuilder::add(Event&& event, std::int64_t line) {
  return event.type == EventType::invoke ? invoke(std::move(event), line) : complete(std::move(event));
}

std::optional<std::string> HistoryBuilder::invoke(Event&& event, std::int64_t line) {
  if (auto it = pending_.find(event.process); it != pending_.end()) {
    return fmt::format("process {} invokes :{} but has not completed its invoke at line {}",
                       event.process, echo_text(event.f), it->second.line);
  }
  Operation op;
  op.process = event.process;
  op.f = std::move(event.f);
  op.key = std::move(event.key);
  op.value = std::move(event.value);
  op.type = OpType::info;
  op.invoke_ns = event.time;
  if (model_) {
    if (auto error = model_->validate(op)) return error;
  }
  pending_[event.process] = Pending{history_.ops.size(), line};
  history_.ops.push_back(std::move(op));
  return std::nullopt;
}

std::optional<std::string> HistoryBuilder::complete(Event&& event) {
  auto it = pending_.find(event.process);
  if (it == pending_.end()) {
    return fmt::format("process {} completes :{} without a pending invoke", event.process,
                       echo_text(event.f));
  }
  Operation& op = history_.ops[it->second.index];
  if (event.f != op.f || (event.key && event.key != op.key)) {
    return fmt::format("process {} completes :{}{} but invoked :{}{} at line {}", event.process,
                       echo_text(event.f), event.key ? " key " + echo_text(*event.key) : "", echo_text(op.f),
                       op.key ? " key " + echo_text(*op.key) : "", it->second.line);
  }
  // Completed in place: when the model rejects it, the parse fails and the history is dropped.
  op.type = event.type == EventType::ok     ? OpType::ok
            : event.type == EventType::fail ? OpType::fail
                                            : OpType::info;
  // Only an ok completion observed a result; info and fail carry error descriptions.
  if (op.type == OpType::ok) op.output = std::move(event.value);
  // An info operation may take effect at any point after its invoke: its end stays open.
  op.complete_ns = op.type == OpType::info ? Operation::kNever : event.time;
  if (model_) {
    if (auto error = model_->validate(op)) return error;
  }
  pending_.erase(it);
  return std::nullopt;
}

}  // namespace dsim::check
