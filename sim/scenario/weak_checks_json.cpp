#include "sim/scenario/weak_checks_json.h"

#include <fmt/format.h>

#include "sim/scenario/latency_json.h"
#include "sim/workload/visibility.h"

namespace dsim {

namespace {

using json = nlohmann::json;

constexpr std::size_t kBucketsMax = 64;
constexpr std::int64_t kWarsNodesMax = 64;
constexpr std::int64_t kWarsTrialsMax = 10'000'000;
constexpr TimeNs kBucketMaxNs = 3600 * kNsPerSec;

// true / false, or an object (which turns the check on). Returns the object's reader state via
// `object`: nullptr for the boolean forms.
bool enabled(const json& value, const std::string& path, std::string_view what, Diagnostics& diag) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_object()) return true;
  diag.expected(path, fmt::format("true, false or an object with {}", what), value);
  return false;
}

void read_lost_writes(const json& value, const std::string& path, Scenario& s, Diagnostics& diag) {
  if (!enabled(value, path, "\"mode\"", diag)) return;
  LostWritesCheck check;
  if (value.is_object()) {
    ObjectReader r(value, path, diag);
    check.any = r.choice("mode", "all", {"all", "any"}) == "any";
    r.finish();
  }
  s.checks.lost_writes = check;
}

void read_staleness(const json& value, const std::string& path, Scenario& s, Diagnostics& diag) {
  if (!enabled(value, path, "\"k_max\"", diag)) return;
  StalenessCheck check;
  if (value.is_object()) {
    ObjectReader r(value, path, diag);
    if (r.has("k_max")) check.k_max = r.integer("k_max", 0, 0, INT64_MAX);
    r.finish();
  }
  s.checks.staleness = check;
}

std::vector<TimeNs> read_buckets(const json& t, const std::string& path, Diagnostics& diag) {
  const std::string what = fmt::format("an array of 1 to {} increasing times in ms (>= 0)", kBucketsMax);
  if (!t.is_array() || t.empty() || t.size() > kBucketsMax) {
    diag.expected(path, what, t);
    return {};
  }
  std::vector<TimeNs> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const auto ns = ms_value_to_ns(t[i]);
    if (!ns || *ns < 0 || *ns > kBucketMaxNs || (!out.empty() && *ns <= out.back())) {
      diag.expected(json_path(path, i), what, t[i]);
      return {};
    }
    out.push_back(*ns);
  }
  return out;
}

std::optional<WarsSpec> read_model(const json& value, const std::string& path, const Scenario& s, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  if (!r.is_object()) {
    diag.expected(path, "an object with \"n\", \"r\", \"w\" and the delays", value);
    return std::nullopt;
  }
  WarsSpec m;
  m.n = static_cast<std::uint32_t>(r.integer("n", 3, 1, kWarsNodesMax));
  m.r = static_cast<std::uint32_t>(r.integer("r", 1, 1, kWarsNodesMax));
  m.w = static_cast<std::uint32_t>(r.integer("w", 1, 1, kWarsNodesMax));
  if (m.r > m.n) diag.error(r.path("r"), fmt::format("expected r <= n ({}), found {}", m.n, m.r));
  if (m.w > m.n) diag.error(r.path("w"), fmt::format("expected w <= n ({}), found {}", m.n, m.w));
  m.trials = static_cast<std::uint64_t>(r.integer("trials", 100'000, 1, kWarsTrialsMax));
  const auto delay = [&](std::string_view key) {
    const json* v = r.raw(key);
    if (!v) return s.network.latency;
    return read_latency(*v, r.path(key), diag).value_or(s.network.latency);
  };
  m.w_latency = delay("w_latency");
  m.a_latency = delay("a_latency");
  m.r_latency = delay("r_latency");
  m.s_latency = delay("s_latency");
  r.finish();
  return m;
}

void read_t_visibility(const json& value, const std::string& path, Scenario& s, Diagnostics& diag) {
  if (!enabled(value, path, "\"t_ms\"", diag)) return;
  TVisibilityCheck check;
  const json empty = json::object();
  ObjectReader r(value.is_object() ? value : empty, path, diag);
  if (const json* t = r.raw("t_ms")) {
    check.t_ns = read_buckets(*t, r.path("t_ms"), diag);
  } else if (s.workload.kind == "visibility") {
    check.t_ns = visibility_delays_ns(s.workload.params);
  } else {
    diag.error(r.path("t_ms"), fmt::format("expected t_ms (only a \"visibility\" workload supplies a default), "
                                           "found none with workload \"{}\"", s.workload.kind));
  }
  if (const json* model = r.raw("model")) check.model = read_model(*model, r.path("model"), s, diag);
  if (r.has("tolerance_pp")) {
    check.tolerance_pp = r.number("tolerance_pp", 1.0, 0.0, 100.0);
    if (!r.has("model")) diag.error(r.path("tolerance_pp"), "expected a \"model\" to compare with, found none");
  }
  if (r.has("min_probability")) check.min_probability = r.number("min_probability", 0.0, 0.0, 1.0);
  r.finish();
  s.checks.t_visibility = std::move(check);
}

}  // namespace

void read_weak_checks(ObjectReader& checks, Scenario& scenario) {
  Diagnostics& diag = checks.diag();
  if (const json* v = checks.raw("lost_writes")) read_lost_writes(*v, checks.path("lost_writes"), scenario, diag);
  if (const json* v = checks.raw("staleness")) read_staleness(*v, checks.path("staleness"), scenario, diag);
  if (const json* v = checks.raw("t_visibility")) read_t_visibility(*v, checks.path("t_visibility"), scenario, diag);
}

void write_weak_checks(const ChecksSpec& checks, json& out) {
  if (checks.lost_writes) out["lost_writes"] = {{"mode", checks.lost_writes->any ? "any" : "all"}};
  if (checks.staleness) {
    json staleness = json::object();
    if (checks.staleness->k_max) staleness["k_max"] = *checks.staleness->k_max;
    out["staleness"] = std::move(staleness);
  }
  if (!checks.t_visibility) return;
  const TVisibilityCheck& t = *checks.t_visibility;
  json buckets = json::array();
  for (TimeNs ns : t.t_ns) buckets.push_back(ms_json(ns));
  json tv = {{"t_ms", buckets}};
  if (t.model) {
    tv["model"] = {{"n", t.model->n},
                   {"r", t.model->r},
                   {"w", t.model->w},
                   {"trials", t.model->trials},
                   {"w_latency", latency_to_json(t.model->w_latency)},
                   {"a_latency", latency_to_json(t.model->a_latency)},
                   {"r_latency", latency_to_json(t.model->r_latency)},
                   {"s_latency", latency_to_json(t.model->s_latency)}};
  }
  if (t.tolerance_pp) tv["tolerance_pp"] = *t.tolerance_pp;
  if (t.min_probability) tv["min_probability"] = *t.min_probability;
  out["t_visibility"] = std::move(tv);
}

}  // namespace dsim
