// Pairs a stream of invoke/completion events (Jepsen's history shape) into Operations.
//
// Each process runs one operation at a time: an invoke must not follow another invoke of the
// same process without a completion, and a completion needs a pending invoke with the same
// function and key. Invokes still pending at the end stay `info` with an open end.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/check/history.h"
#include "sim/check/model.h"

namespace dsim::check {

enum class EventType { invoke, ok, fail, info };

struct Event {
  std::int64_t process = 0;
  EventType type = EventType::invoke;
  std::string f;
  std::optional<std::string> key;
  nlohmann::json value;  // an invoke's argument, or a completion's value
  std::int64_t time = 0;
};

// "invoke", "ok", "fail", "info" (with or without a leading ':').
std::optional<EventType> parse_event_type(std::string_view name);

class HistoryBuilder {
 public:
  // With a model, each operation is validated as its events arrive.
  explicit HistoryBuilder(const Model* model) : model_(model) {}

  // What is wrong with the event (no location: the caller knows it), or nothing.
  // `line` is remembered to point back at an invoke in later messages.
  // The event is consumed (its strings and value move into the history).
  std::optional<std::string> add(Event&& event, std::int64_t line);

  // Room for `ops` operations, so a large history is not moved on every doubling.
  void reserve(std::size_t ops) { history_.ops.reserve(ops); }

  History finish() { return std::move(history_); }

 private:
  struct Pending {
    std::size_t index;
    std::int64_t line;
  };

  std::optional<std::string> invoke(Event&& event, std::int64_t line);
  std::optional<std::string> complete(Event&& event);

  const Model* model_;
  History history_;
  std::map<std::int64_t, Pending> pending_;  // by process
};

}  // namespace dsim::check
