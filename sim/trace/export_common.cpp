#include "sim/trace/export_common.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/file.h"

namespace dsim {

namespace {

std::size_t line_of(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

std::string trace_json_problem(const nlohmann::json& trace) {
  if (!trace.is_object()) return "not a dsim trace: the document is not a JSON object";
  const auto format = trace.find("format");
  if (format == trace.end() || *format != "dsim-trace") {
    return fmt::format("not a dsim trace: \"format\" is {}, expected \"dsim-trace\"",
                       format == trace.end() ? "missing" : format->dump());
  }
  const auto version = trace.find("version");
  if (version == trace.end() || *version != 1) {
    return fmt::format("unsupported trace version {} (expected 1)", version == trace.end() ? "(missing)" : version->dump());
  }
  if (!trace.contains("actors") || !trace["actors"].is_array()) return "the trace has no \"actors\" list";
  if (trace.contains("events") && !trace["events"].is_array()) return "\"events\" is not a list";
  return "";
}

std::string trace_header_problem(const std::string& text) {
  const std::string marker = "\n\"events\": [";
  const std::size_t pos = text.find(marker);
  nlohmann::json header;
  if (pos != std::string::npos) {
    std::string head = text.substr(0, pos);
    while (!head.empty() && (head.back() == ',' || head.back() == '\n' || head.back() == ' ')) head.pop_back();
    header = nlohmann::json::parse(head + "\n}", nullptr, false);
  } else {
    header = nlohmann::json::parse(text, nullptr, false);
  }
  if (header.is_discarded()) return "not a dsim trace: its header is not valid JSON";
  return trace_json_problem(header);
}

std::optional<nlohmann::json> load_trace_json(const std::string& path, std::string* error) {
  std::string read_error;
  const auto text = read_file(path, kTraceBytesMax, &read_error);
  if (!text) {
    if (error) *error = fmt::format("{}: cannot read: {}", path, read_error);
    return std::nullopt;
  }
  nlohmann::json trace;
  try {
    trace = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& e) {
    if (error) {
      const bool at_end = e.byte >= text->size();
      *error = fmt::format("{}:{}: {}{}", path, line_of(*text, e.byte > 0 ? e.byte - 1 : 0),
                           at_end ? "the trace is truncated: " : "not valid JSON: ", e.what());
    }
    return std::nullopt;
  }
  if (std::string problem = trace_json_problem(trace); !problem.empty()) {
    if (error) *error = fmt::format("{}: {}", path, problem);
    return std::nullopt;
  }
  if (!trace.contains("events")) {
    if (error) *error = fmt::format("{}: the trace has no \"events\" list", path);
    return std::nullopt;
  }
  return trace;
}

std::string event_text(const nlohmann::json& event, const char* key, const std::string& fallback) {
  const auto it = event.find(key);
  if (it == event.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t event_int(const nlohmann::json& event, const char* key, std::int64_t fallback) {
  const auto it = event.find(key);
  if (it == event.end() || !it->is_number()) return fallback;
  return it->get<std::int64_t>();
}

}  // namespace dsim
