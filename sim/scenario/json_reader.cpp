#include "sim/scenario/json_reader.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sim/core/text.h"

namespace dsim {

void Diagnostics::expected(const std::string& path, std::string_view what, const nlohmann::json& found) {
  error(path, fmt::format("expected {}, found {}", what, describe_json(found)));
}

std::string Diagnostics::format(std::string_view file_name) const {
  std::string out;
  // Messages quote the file's own text (keys, values): escaped, so they cannot drive a terminal.
  const std::string file = terminal_safe(file_name);
  const std::size_t shown = std::min(list_.size(), kDiagnosticsShownMax);
  for (std::size_t i = 0; i < shown; ++i) {
    const Diagnostic& d = list_[i];
    const std::string message = terminal_safe(d.message);
    if (d.whole_file) {
      out += fmt::format("{}: {}\n", file, message);
    } else if (d.line > 0) {
      out += fmt::format("{}:{}:{}: {}\n", file, d.line, d.column, message);
    } else {
      out += fmt::format("{}: {}: {}\n", file, d.path.empty() ? "/" : terminal_safe(d.path), message);
    }
  }
  if (list_.size() > shown) {
    out += fmt::format("{}: ... and {} more problem(s) not shown (the first {} are above)\n", file, list_.size() - shown,
                       shown);
  }
  return out;
}

std::string describe_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: {
      std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (s.size() > 40) s = s.substr(0, 37) + "...\"";
      return "the string " + s;
    }
    default: return value.dump();
  }
}

std::string json_path(std::string_view parent, std::string_view key) {
  std::string out(parent);
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string json_path(std::string_view parent, std::size_t index) {
  return fmt::format("{}/{}", parent, index);
}

std::optional<TimeNs> ms_value_to_ns(const nlohmann::json& value) {
  // Unsigned first: reading a value above INT64_MAX as int64 would wrap it negative.
  if (value.is_number_unsigned()) {
    const auto ms = value.get<std::uint64_t>();
    if (ms > static_cast<std::uint64_t>(kTimeNever / kNsPerMs)) return std::nullopt;
    return static_cast<TimeNs>(ms) * kNsPerMs;
  }
  if (value.is_number_integer()) {
    const auto ms = value.get<std::int64_t>();
    if (ms > kTimeNever / kNsPerMs || ms < -(kTimeNever / kNsPerMs)) return std::nullopt;
    return ms * kNsPerMs;
  }
  if (value.is_number_float()) {
    const double ns = value.get<double>() * static_cast<double>(kNsPerMs);
    if (!std::isfinite(ns) || std::fabs(ns) > 9.0e18) return std::nullopt;
    return static_cast<TimeNs>(std::llround(ns));
  }
  return std::nullopt;
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path, Diagnostics& diag)
    : path_(std::move(path)), diag_(diag) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    diag_.expected(path_, "an object", value);
  }
}

bool ObjectReader::has(std::string_view key) const {
  return object_ && object_->find(key) != object_->end();
}

const nlohmann::json* ObjectReader::raw(std::string_view key) {
  known_.emplace(key);
  if (!object_) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const nlohmann::json* ObjectReader::required(std::string_view key, std::string_view what) {
  const nlohmann::json* value = raw(key);
  if (!value && object_) diag_.error(path(key), fmt::format("missing; expected {}", what));
  return value;
}

std::int64_t ObjectReader::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  const std::string what = fmt::format("an integer from {} to {}", min, max);
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(max) && static_cast<std::int64_t>(u) >= min) return static_cast<std::int64_t>(u);
  } else if (v->is_number_integer()) {
    const auto i = v->get<std::int64_t>();
    if (i >= min && i <= max) return i;
  }
  diag_.expected(path(key), what, *v);
  return fallback;
}

std::uint64_t ObjectReader::unsigned_integer(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                             std::uint64_t max) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u >= min && u <= max) return u;
  }
  diag_.expected(path(key), fmt::format("an integer from {} to {}", min, max), *v);
  return fallback;
}

double ObjectReader::number(std::string_view key, double fallback, double min, double max) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  if (v->is_number()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d >= min && d <= max) return d;
  }
  diag_.expected(path(key), fmt::format("a number from {} to {}", min, max), *v);
  return fallback;
}

bool ObjectReader::boolean(std::string_view key, bool fallback) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  diag_.expected(path(key), "true or false", *v);
  return fallback;
}

std::string ObjectReader::string(std::string_view key, std::string fallback) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  if (v->is_string()) return v->get<std::string>();
  diag_.expected(path(key), "a string", *v);
  return fallback;
}

std::string ObjectReader::choice(std::string_view key, std::string fallback,
                                 const std::vector<std::string>& options) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback;
  if (v->is_string()) {
    for (const auto& option : options) {
      if (v->get<std::string>() == option) return option;
    }
  }
  diag_.expected(path(key), fmt::format("one of \"{}\"", fmt::join(options, "\", \"")), *v);
  return fallback;
}

TimeNs ObjectReader::duration_ms(std::string_view key, TimeNs fallback_ns, TimeNs min_ns, TimeNs max_ns) {
  const nlohmann::json* v = raw(key);
  if (!v) return fallback_ns;
  const auto ns = ms_value_to_ns(*v);
  if (ns && *ns >= min_ns && *ns <= max_ns) return *ns;
  // "more than 0" reads better than "from 1e-06" for the common positive-duration bound.
  const std::string range = min_ns == 1 ? fmt::format("more than 0 and at most {}", ns_to_ms(max_ns))
                                         : fmt::format("from {} to {}", ns_to_ms(min_ns), ns_to_ms(max_ns));
  diag_.expected(path(key), fmt::format("a duration in milliseconds {}", range), *v);
  return fallback_ns;
}

std::vector<std::string> ObjectReader::strings(std::string_view key) {
  std::vector<std::string> out;
  const nlohmann::json* v = raw(key);
  if (!v) return out;
  if (!v->is_array()) {
    diag_.expected(path(key), "an array of strings", *v);
    return out;
  }
  for (std::size_t i = 0; i < v->size(); ++i) {
    if ((*v)[i].is_string()) {
      out.push_back((*v)[i].get<std::string>());
    } else {
      diag_.expected(json_path(path(key), i), "a string", (*v)[i]);
    }
  }
  return out;
}

void ObjectReader::finish() {
  if (!object_ || finished_) return;
  finished_ = true;
  for (const auto& [key, value] : object_->items()) {
    if (known_.count(key) || key == "$schema" || key == "comment") continue;
    diag_.error(path(key), fmt::format("unknown key; expected one of: {}", fmt::join(known_, ", ")));
  }
}

}  // namespace dsim
