#include "sim/sweep/grid.h"

#include <fmt/format.h>

#include "sim/scenario/sweep_json.h"

namespace dsim::sweep {

namespace {

// Splits at the commas outside double quotes.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '"' && (i == 0 || text[i - 1] != '\\')) quoted = !quoted;
    if (ch == ',' && !quoted) {
      out.emplace_back();
      continue;
    }
    out.back() += ch;
  }
  return out;
}

std::optional<nlohmann::json> parse_value(const std::string& text, std::string* error) {
  if (text.empty()) {
    *error = "an empty value (two commas in a row, or one at an end)";
    return std::nullopt;
  }
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_structured() || text.front() == '[' || text.front() == '{') {
    *error = fmt::format("'{}' is not a scalar: a swept value is a number, a string or a boolean", text);
    return std::nullopt;
  }
  if (parsed.is_discarded()) return nlohmann::json(text);  // bare text: a string
  if (parsed.is_null()) {
    *error = "null is not a value to sweep";
    return std::nullopt;
  }
  return parsed;
}

}  // namespace

std::optional<Param> parse_set(const std::string& text, std::string* error) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos) {
    *error = fmt::format("'{}' is not POINTER=VALUES (e.g. /cluster/nodes=3,5,7)", text);
    return std::nullopt;
  }
  Param param;
  param.pointer = text.substr(0, eq);
  if (param.pointer.empty() || param.pointer[0] != '/') {
    *error = fmt::format("'{}' is not a JSON Pointer: it starts with '/' (e.g. /cluster/nodes)", param.pointer);
    return std::nullopt;
  }
  try {
    (void)nlohmann::json::json_pointer(param.pointer);
  } catch (const nlohmann::json::exception&) {
    *error = fmt::format("'{}' is not a JSON Pointer ('~' must be followed by 0 or 1)", param.pointer);
    return std::nullopt;
  }
  const std::string rhs = text.substr(eq + 1);
  if (rhs.find("..") != std::string::npos && rhs.front() != '"') {
    auto values = parse_sweep_range(rhs, error);
    if (!values) return std::nullopt;
    param.values = std::move(*values);
    return param;
  }
  for (const std::string& item : split_values(rhs)) {
    auto value = parse_value(item, error);
    if (!value) return std::nullopt;
    param.values.push_back(std::move(*value));
  }
  if (param.values.size() > kSweepValuesMax) {
    *error = fmt::format("{} values, more than {}", param.values.size(), kSweepValuesMax);
    return std::nullopt;
  }
  return param;
}

std::vector<Point> grid_points(const std::vector<Param>& params) {
  std::vector<Point> points{Point(params.size(), 0)};
  for (std::size_t k = params.size(); k-- > 0;) {
    std::vector<Point> next;
    for (std::size_t v = 0; v < params[k].values.size(); ++v) {
      for (Point p : points) {
        p[k] = v;
        next.push_back(std::move(p));
      }
    }
    points = std::move(next);
  }
  return points;
}

nlohmann::json point_values(const std::vector<Param>& params, const Point& point) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t k = 0; k < params.size(); ++k) out[params[k].name] = params[k].values[point[k]];
  return out;
}

std::optional<nlohmann::json> apply_point(nlohmann::json doc, const std::vector<Param>& params, const Point& point,
                                          std::string* error) {
  for (std::size_t k = 0; k < params.size(); ++k) {
    // Missing objects on the way are created: a misspelt key then reaches the scenario parser,
    // which names it as unknown at its path.
    try {
      doc[nlohmann::json::json_pointer(params[k].pointer)] = params[k].values[point[k]];
    } catch (const nlohmann::json::exception& e) {
      *error = fmt::format("{}: cannot be set in this scenario (a value on the way is not an object): {}",
                           params[k].pointer, e.what());
      return std::nullopt;
    }
  }
  return doc;
}

}  // namespace dsim::sweep
