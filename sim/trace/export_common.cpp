#include "sim/trace/export_common.h"

namespace dsim {

std::string event_text(const nlohmann::json& event, const char* key, const std::string& fallback) {
  if (!event.is_object()) return fallback;
  const auto it = event.find(key);
  if (it == event.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t event_int(const nlohmann::json& event, const char* key, std::int64_t fallback) {
  if (!event.is_object()) return fallback;
  const auto it = event.find(key);
  if (it == event.end() || !it->is_number()) return fallback;
  return it->get<std::int64_t>();
}

}  // namespace dsim
