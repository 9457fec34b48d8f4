#include "sim/scenario/latency_json.h"

#include <array>

#include <fmt/format.h>

namespace dsim {

namespace {

struct Preset {
  std::string_view name;
  LatencySpec spec;
};

LatencySpec normal(TimeNs mean, TimeNs stddev, TimeNs floor) {
  LatencySpec spec;
  spec.dist = LatencySpec::Dist::normal;
  spec.mean_ns = mean;
  spec.stddev_ns = stddev;
  spec.floor_ns = floor;
  return spec;
}

// One-way figures; the round trip is about twice the mean. Same datacenter: ~0.5 ms round trip;
// same region (nearby datacenters): ~2 ms; cross-region (cross-continent): ~150 ms.
const std::array<Preset, 3> kPresets = {{
    {"same-dc", normal(250 * kNsPerUs, 50 * kNsPerUs, 100 * kNsPerUs)},
    {"same-region", normal(1 * kNsPerMs, 200 * kNsPerUs, 500 * kNsPerUs)},
    {"cross-region", normal(75 * kNsPerMs, 5 * kNsPerMs, 60 * kNsPerMs)},
}};

struct DistName {
  LatencySpec::Dist dist;
  std::string_view name;
};

const std::array<DistName, 5> kDists = {{
    {LatencySpec::Dist::constant, "constant"},
    {LatencySpec::Dist::uniform, "uniform"},
    {LatencySpec::Dist::normal, "normal"},
    {LatencySpec::Dist::exponential, "exponential"},
    {LatencySpec::Dist::lognormal, "lognormal"},
}};

std::string_view dist_name(LatencySpec::Dist dist) {
  for (const auto& d : kDists) {
    if (d.dist == dist) return d.name;
  }
  return "normal";
}

// Reads a required duration; `positive` excludes 0.
TimeNs required_ms(ObjectReader& r, std::string_view key, bool positive) {
  if (!r.has(key)) {
    r.required(key, "a duration in milliseconds");
    return 0;
  }
  return r.duration_ms(key, 0, positive ? 1 : 0, kScenarioLatencyMax);
}

std::optional<LatencySpec> read_latency_object(const nlohmann::json& value, const std::string& path,
                                               Diagnostics& diag) {
  const std::size_t errors = diag.list().size();
  ObjectReader r(value, path, diag);
  std::vector<std::string> names;
  for (const auto& d : kDists) names.emplace_back(d.name);
  if (!r.has("dist")) r.required("dist", fmt::format("one of \"{}\"", fmt::join(names, "\", \"")));
  const std::string dist = r.choice("dist", "", names);

  LatencySpec spec;
  spec.mean_ns = spec.stddev_ns = spec.min_ns = spec.max_ns = 0;
  if (dist == "constant") {
    spec.dist = LatencySpec::Dist::constant;
    spec.mean_ns = required_ms(r, "value_ms", false);
  } else if (dist == "uniform") {
    spec.dist = LatencySpec::Dist::uniform;
    const std::size_t before = diag.list().size();
    spec.min_ns = required_ms(r, "min_ms", false);
    spec.max_ns = required_ms(r, "max_ms", false);
    if (diag.list().size() == before && spec.min_ns > spec.max_ns) {
      diag.error(r.path("max_ms"), fmt::format("expected max_ms >= min_ms ({}), found {}", ns_to_ms(spec.min_ns),
                                               ns_to_ms(spec.max_ns)));
    }
  } else if (dist == "normal" || dist == "lognormal") {
    spec.dist = dist == "normal" ? LatencySpec::Dist::normal : LatencySpec::Dist::lognormal;
    spec.mean_ns = required_ms(r, "mean_ms", true);
    spec.stddev_ns = required_ms(r, "stddev_ms", false);
  } else if (dist == "exponential") {
    spec.dist = LatencySpec::Dist::exponential;
    spec.mean_ns = required_ms(r, "mean_ms", true);
  } else {
    // Without a valid dist, which keys belong is unknown: one error about dist is enough.
    for (const char* key : {"value_ms", "min_ms", "max_ms", "mean_ms", "stddev_ms"}) r.raw(key);
  }
  spec.floor_ns = r.duration_ms("floor_ms", 0, 0, kScenarioLatencyMax);
  r.finish();
  if (diag.list().size() != errors) return std::nullopt;
  return spec;
}

}  // namespace

std::optional<LatencySpec> latency_preset(std::string_view name) {
  for (const auto& preset : kPresets) {
    if (preset.name == name) return preset.spec;
  }
  return std::nullopt;
}

std::vector<std::string> latency_preset_names() {
  std::vector<std::string> names;
  for (const auto& preset : kPresets) names.emplace_back(preset.name);
  return names;
}

std::optional<LatencySpec> read_latency(const nlohmann::json& value, const std::string& path, Diagnostics& diag) {
  if (value.is_object()) return read_latency_object(value, path, diag);
  if (value.is_string()) {
    if (auto spec = latency_preset(value.get<std::string>())) return spec;
  }
  diag.expected(path,
                fmt::format("a latency preset (\"{}\") or an object with \"dist\"",
                            fmt::join(latency_preset_names(), "\", \"")),
                value);
  return std::nullopt;
}

nlohmann::json latency_to_json(const LatencySpec& spec) {
  for (const auto& preset : kPresets) {
    if (preset.spec == spec) return std::string(preset.name);
  }
  nlohmann::json out = {{"dist", dist_name(spec.dist)}, {"floor_ms", ms_json(spec.floor_ns)}};
  switch (spec.dist) {
    case LatencySpec::Dist::constant: out["value_ms"] = ms_json(spec.mean_ns); break;
    case LatencySpec::Dist::uniform:
      out["min_ms"] = ms_json(spec.min_ns);
      out["max_ms"] = ms_json(spec.max_ns);
      break;
    case LatencySpec::Dist::normal:
    case LatencySpec::Dist::lognormal:
      out["mean_ms"] = ms_json(spec.mean_ns);
      out["stddev_ms"] = ms_json(spec.stddev_ns);
      break;
    case LatencySpec::Dist::exponential: out["mean_ms"] = ms_json(spec.mean_ns); break;
  }
  return out;
}

nlohmann::json ms_json(TimeNs ns) {
  if (ns % kNsPerMs == 0) return ns / kNsPerMs;
  return static_cast<double>(ns) / static_cast<double>(kNsPerMs);
}

}  // namespace dsim
