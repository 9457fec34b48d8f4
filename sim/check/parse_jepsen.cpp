// Jepsen's two line-oriented formats. Both carry only the order of events, so an operation's
// times are the line numbers of its invoke and completion.
#include <algorithm>

#include <fmt/format.h>

#include "sim/check/edn.h"
#include "sim/check/history_builder.h"
#include "sim/check/parsers.h"

namespace dsim::check {

namespace {

// Jepsen's nemesis logs its faults as a "process" too; they are not client operations.
bool is_nemesis(const nlohmann::json& process) { return process == ":nemesis"; }

std::string shown(const nlohmann::json& value) { return echo(value); }

// Fills `event` from the process, type, f and value fields; returns what is wrong.
std::optional<std::string> make_event(const nlohmann::json& process, const nlohmann::json& type,
                                      const nlohmann::json& f, Event& event) {
  if (!process.is_number_integer()) {
    return fmt::format("expected an integer process, found {}", shown(process));
  }
  event.process = process.get<std::int64_t>();
  std::optional<EventType> event_type;
  if (type.is_string()) event_type = parse_event_type(type.get<std::string>());
  if (!event_type || !type.get<std::string>().starts_with(':')) {
    return fmt::format("expected :type :invoke, :ok, :fail or :info, found {}", shown(type));
  }
  event.type = *event_type;
  if (!f.is_string() || f.get<std::string>().empty()) {
    return fmt::format("expected a keyword :f, found {}", shown(f));
  }
  event.f = f.get<std::string>();
  if (event.f[0] == ':') event.f.erase(0, 1);
  return std::nullopt;
}

// jepsen.independent's form: the value `[key value]` carries the key.
std::optional<std::string> split_independent(Event& event) {
  if (event.key) return "expected no :key in an independent history (the value is [key value])";
  const nlohmann::json& tuple = event.value;
  if (!tuple.is_array() || tuple.size() != 2 || !(tuple[0].is_string() || tuple[0].is_number_integer())) {
    return fmt::format("expected an independent [key value] tuple, found {}", shown(tuple));
  }
  event.key = tuple[0].is_string() ? tuple[0].get<std::string>() : tuple[0].dump();
  nlohmann::json value = tuple[1];
  event.value = std::move(value);
  return std::nullopt;
}

// Calls `on_line(line_text, line_number)` for each line that is not blank; stops at the first
// error it returns.
template <typename OnLine>
ParseResult for_each_line(std::string_view text, const Model* model, ParseDeadline deadline, Keys keys, OnLine on_line) {
  ParseResult result;
  HistoryBuilder builder(model);
  // An operation takes two lines (invoke and completion), at most one when it never completes.
  builder.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) / 2 + 1);
  std::int64_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    // The clock is read once per 4096 lines: cheap next to the parse, and prompt enough.
    if (deadline && number % 4096 == 0 && std::chrono::steady_clock::now() > *deadline) {
      result.timed_out = true;
      return result;
    }
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    number++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::optional<Event> event;
    std::optional<std::string> error = on_line(line, number, event);
    if (!error && event && keys == Keys::independent) error = split_independent(*event);
    if (!error && event) error = builder.add(std::move(*event), number);
    if (error) {
      result.error = ParseError{.file = "", .line = number, .message = std::move(*error)};
      return result;
    }
  }
  result.history = builder.finish();
  return result;
}

// `LEVEL LOGGER - PROCESS TYPE F VALUE`, the last four separated by tabs (any EDN whitespace).
std::optional<std::string> read_log_line(std::string_view line, std::int64_t number,
                                         std::optional<Event>& event) {
  const std::size_t dash = line.find(" - ");
  if (dash == std::string_view::npos) {
    return fmt::format("expected 'LEVEL jepsen.util - PROCESS\\t:TYPE\\t:F\\tVALUE', found '{}'",
                       line.substr(0, 60));
  }
  EdnReader reader(line.substr(dash + 3));
  nlohmann::json fields[4];
  const char* names[4] = {"a process", "a :type", "an :f", "a value"};
  for (int i = 0; i < 4; i++) {
    if (!reader.read(fields[i])) {
      return fmt::format("expected {} (the line has 4 fields after ' - '): {}", names[i],
                         reader.error());
    }
  }
  if (!reader.at_end()) return "expected the end of the line after the value, found more";
  if (is_nemesis(fields[0])) return std::nullopt;
  Event& made = event.emplace();
  made.value = std::move(fields[3]);
  made.time = number;
  return make_event(fields[0], fields[1], fields[2], made);
}

// `{:process 0, :type :invoke, :f :get, :key "0", :value nil}`; :key and :value may be absent.
// The map's entries are taken as they are read; the others (:time, :index ...) are dropped.
std::optional<std::string> read_edn_line(std::string_view line, std::int64_t number,
                                         std::optional<Event>& event) {
  EdnReader reader(line);
  nlohmann::json process, type, f, key, value;
  bool has[5] = {false, false, false, false, false};
  const auto take = [&](const std::string& name, nlohmann::json&& item) {
    static constexpr const char* kNames[5] = {"process", "type", "f", "key", "value"};
    nlohmann::json* slots[5] = {&process, &type, &f, &key, &value};
    for (int i = 0; i < 5; ++i) {
      if (name != kNames[i]) continue;
      *slots[i] = std::move(item);
      has[i] = true;
      return;
    }
  };
  if (!reader.read_map_entries(take)) return "expected an operation map: " + reader.error();
  if (!reader.at_end()) return "expected the end of the line after the map, found more";
  for (int i = 0; i < 3; ++i) {
    if (!has[i]) return fmt::format("expected a :{} in the operation map", i == 0 ? "process" : i == 1 ? "type" : "f");
  }
  if (is_nemesis(process)) return std::nullopt;
  Event& made = event.emplace();
  if (key.is_string()) made.key = key.get<std::string>();
  else if (key.is_number_integer()) made.key = key.dump();
  else if (!key.is_null()) return fmt::format("expected a string :key, found {}", shown(key));
  if (has[4]) made.value = std::move(value);
  made.time = number;
  return make_event(process, type, f, made);
}

}  // namespace

ParseResult parse_jepsen_log(std::string_view text, const Model* model, ParseDeadline deadline, Keys keys) {
  return for_each_line(text, model, deadline, keys, read_log_line);
}

ParseResult parse_edn_lines(std::string_view text, const Model* model, ParseDeadline deadline, Keys keys) {
  return for_each_line(text, model, deadline, keys, read_edn_line);
}

}  // namespace dsim::check
