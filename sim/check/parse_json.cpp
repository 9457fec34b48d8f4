// dsim's history JSON: {"format": "dsim-history", "version": 1, "ops": [operation...]}, or the
// bare list of operations, or a list of Jepsen-style events (recognized by an element without
// "invoke_ns"). See docs/history-format.md.
#include <algorithm>

#include <fmt/format.h>

#include "sim/check/history_builder.h"
#include "sim/check/parsers.h"

namespace dsim::check {

namespace {

using nlohmann::json;

// The line on which each element of the history's list starts: the top-level array, or the
// array under the top-level key "ops". Runs on text that has parsed as JSON.
std::vector<std::int64_t> element_lines(std::string_view text) {
  std::vector<std::int64_t> lines;
  std::int64_t line = 1;
  int depth = 0;
  int list_depth = -1;  // depth inside the history's list, once found
  bool expect_element = false;
  std::string_view last_string;  // at depth 1: the key of the value that follows
  for (std::size_t at = 0; at < text.size(); at++) {
    const char c = text[at];
    if (c == '\n') line++;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':') continue;
    if (expect_element && depth == list_depth && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    if (c == '"') {
      const std::size_t start = ++at;
      while (at < text.size() && text[at] != '"') at += text[at] == '\\' ? 2 : 1;
      if (depth == 1) last_string = text.substr(start, at - start);
    } else if (c == '[' || c == '{') {
      depth++;
      if (list_depth < 0 && c == '[' && (depth == 1 || (depth == 2 && last_string == "ops"))) {
        list_depth = depth;
        expect_element = true;
      }
    } else if (c == ']' || c == '}') {
      depth--;
    } else if (c == ',' && depth == list_depth) {
      expect_element = true;
    }
  }
  return lines;
}

// Reads field `name` of an element, or says what is wrong with it.
struct Element {
  const json& value;
  std::string where;  // "ops[3]"

  std::optional<std::string> integer(const char* name, std::int64_t& out, bool required) const {
    if (!value.contains(name) || value[name].is_null()) {
      return required ? std::optional(fmt::format("{}: expected an integer \"{}\"", where, name))
                      : std::nullopt;
    }
    if (!value[name].is_number_integer()) {
      return fmt::format("{}.{}: expected an integer, found {}", where, name,
                         echo(value[name]));
    }
    out = value[name].get<std::int64_t>();
    return std::nullopt;
  }

  std::optional<std::string> string(const char* name, std::string& out) const {
    if (!value.contains(name) || !value[name].is_string()) {
      return fmt::format("{}.{}: expected a string, found {}", where, name,
                         value.contains(name) ? echo(value[name]) : "nothing");
    }
    out = value[name].get<std::string>();
    return std::nullopt;
  }

  std::optional<std::string> key(std::optional<std::string>& out) const {
    if (!value.contains("key") || value["key"].is_null()) return std::nullopt;
    if (!value["key"].is_string()) {
      return fmt::format("{}.key: expected a string or null, found {}", where,
                         echo(value["key"]));
    }
    out = value["key"].get<std::string>();
    return std::nullopt;
  }

  json field(const char* name) const { return value.contains(name) ? value[name] : json(); }
};

std::optional<std::string> read_operation(const Element& element, const Model* model,
                                          Operation& op) {
  std::string type;
  if (auto error = element.integer("process", op.process, true)) return error;
  if (auto error = element.string("f", op.f)) return error;
  if (auto error = element.key(op.key)) return error;
  if (auto error = element.string("type", type)) return error;
  if (type == "ok") op.type = OpType::ok;
  else if (type == "fail") op.type = OpType::fail;
  else if (type == "info") op.type = OpType::info;
  else return fmt::format("{}.type: expected \"ok\", \"fail\" or \"info\", found \"{}\"", element.where, echo_text(type));
  op.value = element.field("value");
  op.output = element.field("output");
  if (auto error = element.integer("invoke_ns", op.invoke_ns, true)) return error;
  if (auto error = element.integer("complete_ns", op.complete_ns, op.type != OpType::info)) return error;
  if (op.type == OpType::info) op.complete_ns = Operation::kNever;
  if (op.complete_ns < op.invoke_ns) {
    return fmt::format("{}: expected complete_ns >= invoke_ns, found {} < {}", element.where,
                       op.complete_ns, op.invoke_ns);
  }
  if (model) {
    if (auto error = model->validate(op)) return fmt::format("{}: {}", element.where, *error);
  }
  return std::nullopt;
}

std::optional<std::string> read_event(const Element& element, std::int64_t index, Event& event) {
  std::string type;
  if (auto error = element.integer("process", event.process, true)) return error;
  if (auto error = element.string("type", type)) return error;
  const std::optional<EventType> event_type = parse_event_type(type);
  if (!event_type) {
    return fmt::format("{}.type: expected \"invoke\", \"ok\", \"fail\" or \"info\", found \"{}\"",
                       element.where, echo_text(type));
  }
  event.type = *event_type;
  if (auto error = element.string("f", event.f)) return error;
  if (!event.f.empty() && event.f[0] == ':') event.f.erase(0, 1);
  if (auto error = element.key(event.key)) return error;
  event.value = element.field("value");
  event.time = index;
  return element.integer("time", event.time, false);
}

// The line of the first bracket nested deeper than kHistoryDepthMax, or 0. Parsing, showing and
// freeing a JSON value recurse once per level, so a deep enough document would overflow the
// stack: it is refused before it is parsed.
std::int64_t too_deep_at(std::string_view text) {
  std::int64_t line = 1;
  std::size_t depth = 0;
  for (std::size_t at = 0; at < text.size(); at++) {
    const char c = text[at];
    if (c == '\n') {
      line++;
    } else if (c == '"') {
      for (at++; at < text.size() && text[at] != '"'; at += text[at] == '\\' ? 2 : 1) {
        if (text[at] == '\n') line++;
      }
    } else if (c == '[' || c == '{') {
      if (++depth > kHistoryDepthMax) return line;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return 0;
}

}  // namespace

ParseResult parse_json_history(std::string_view text, const Model* model) {
  ParseResult result;
  if (const std::int64_t line = too_deep_at(text)) {
    result.error = ParseError{.file = "", .line = line,
                              .message = fmt::format("expected at most {} levels of nested arrays and objects, "
                                                     "found more",
                                                     kHistoryDepthMax)};
    return result;
  }
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    const auto offset = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const std::int64_t line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    std::string what = e.what();
    what = what.substr(std::min(what.size(), what.find(": ") + 2));  // drop nlohmann's prefix
    result.error = ParseError{.file = "", .line = line, .message = "expected JSON: " + what};
    return result;
  }
  const json* list = &document;
  if (document.is_object() && document.contains("ops")) list = &document["ops"];
  if (!list->is_array()) {
    result.error = ParseError{.file = "", .line = 1, .message = "expected a list of operations, or an object "
                                                    "with an \"ops\" list"};
    return result;
  }
  const std::vector<std::int64_t> lines = element_lines(text);
  const bool events = !list->empty() && (*list)[0].is_object() && !(*list)[0].contains("invoke_ns");
  HistoryBuilder builder(model);
  for (std::size_t i = 0; i < list->size(); i++) {
    const std::int64_t line = i < lines.size() ? lines[i] : 0;
    const Element element{(*list)[i], fmt::format("ops[{}]", i)};
    std::optional<std::string> error;
    if (!element.value.is_object()) {
      error = fmt::format("{}: expected an object, found {}", element.where, echo(element.value));
    } else if (events) {
      Event event;
      error = read_event(element, static_cast<std::int64_t>(i) + 1, event);
      if (!error) error = builder.add(std::move(event), line);
    } else {
      Operation& op = result.history.ops.emplace_back();
      error = read_operation(element, model, op);
    }
    if (error) {
      result.error = ParseError{.file = "", .line = line, .message = std::move(*error)};
      return result;
    }
  }
  if (events) result.history = builder.finish();
  return result;
}

}  // namespace dsim::check
