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

const std::array<DistName, 7> kDists = {{
    {LatencySpec::Dist::constant, "constant"},
    {LatencySpec::Dist::uniform, "uniform"},
    {LatencySpec::Dist::normal, "normal"},
    {LatencySpec::Dist::exponential, "exponential"},
    {LatencySpec::Dist::lognormal, "lognormal"},
    {LatencySpec::Dist::pareto, "pareto"},
    {LatencySpec::Dist::mixture, "mixture"},
}};

// A Pareto tail index above this is a constant in all but name; below the minimum, draws are
// almost all clamped to the largest latency.
constexpr double kParetoShapeMin = 0.01;
constexpr double kParetoShapeMax = 1000.0;
constexpr double kMixtureWeightMax = 1e9;

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
                                               Diagnostics& diag, bool nested);

void read_pareto(ObjectReader& r, LatencySpec& spec) {
  spec.dist = LatencySpec::Dist::pareto;
  spec.scale_ns = required_ms(r, "scale_ms", true);
  if (!r.has("shape")) {
    r.required("shape", fmt::format("a tail index from {} to {}", kParetoShapeMin, kParetoShapeMax));
  } else {
    spec.shape = r.number("shape", 1.0, kParetoShapeMin, kParetoShapeMax);
  }
}

// "components": [{"weight": 0.9, "latency": ...}, ...], each latency any non-mixture form.
void read_mixture(ObjectReader& r, LatencySpec& spec, Diagnostics& diag) {
  spec.dist = LatencySpec::Dist::mixture;
  const std::string what = fmt::format("an array of 1 to {} {{\"weight\": number, \"latency\": latency}}",
                                       kScenarioMixtureMax);
  const nlohmann::json* list = r.required("components", what);
  if (!list) return;
  if (!list->is_array() || list->empty() || list->size() > kScenarioMixtureMax) {
    diag.expected(r.path("components"), what, *list);
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader c((*list)[i], json_path(r.path("components"), i), diag);
    if (!c.is_object()) {
      diag.expected(c.path(), "an object {\"weight\": number, \"latency\": latency}", (*list)[i]);
      continue;
    }
    double weight = 0.0;
    if (!c.has("weight")) {
      c.required("weight", "a positive number");
    } else {
      weight = c.number("weight", 0.0, 0.0, kMixtureWeightMax);
      if (weight <= 0.0 && c.raw("weight")->is_number() && c.raw("weight")->get<double>() == 0.0) diag.expected(c.path("weight"), "a positive number", *c.raw("weight"));
    }
    std::optional<LatencySpec> component;
    if (const nlohmann::json* latency = c.required("latency", "a latency preset or object")) {
      if (latency->is_object()) {
        component = read_latency_object(*latency, c.path("latency"), diag, true);
      } else {
        component = read_latency(*latency, c.path("latency"), diag);
      }
    }
    c.finish();
    if (component) {
      spec.components.push_back(std::move(*component));
      spec.weights.push_back(weight);
    }
  }
}

std::optional<LatencySpec> read_latency_object(const nlohmann::json& value, const std::string& path,
                                               Diagnostics& diag, bool nested) {
  const std::size_t errors = diag.list().size();
  ObjectReader r(value, path, diag);
  std::vector<std::string> names;
  for (const auto& d : kDists) {
    if (!(nested && d.dist == LatencySpec::Dist::mixture)) names.emplace_back(d.name);
  }
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
  } else if (dist == "pareto") {
    read_pareto(r, spec);
  } else if (dist == "mixture") {
    read_mixture(r, spec, diag);
  } else {
    // Without a valid dist, which keys belong is unknown: one error about dist is enough.
    for (const char* key : {"value_ms", "min_ms", "max_ms", "mean_ms", "stddev_ms", "scale_ms", "shape", "components"}) {
      r.raw(key);
    }
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
  if (value.is_object()) return read_latency_object(value, path, diag, false);
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
    case LatencySpec::Dist::pareto:
      out["scale_ms"] = ms_json(spec.scale_ns);
      out["shape"] = spec.shape;
      break;
    case LatencySpec::Dist::mixture: {
      nlohmann::json components = nlohmann::json::array();
      for (std::size_t i = 0; i < spec.components.size(); ++i) {
        components.push_back({{"weight", spec.weights[i]}, {"latency", latency_to_json(spec.components[i])}});
      }
      out["components"] = std::move(components);
      break;
    }
  }
  return out;
}

std::optional<TypeLatencies> read_type_latencies(const nlohmann::json& value, const std::string& path,
                                                 Diagnostics& diag) {
  const std::string what = fmt::format("an object of at most {} message type names, each with a latency",
                                       kScenarioTypeLatenciesMax);
  if (!value.is_object() || value.size() > kScenarioTypeLatenciesMax) {
    diag.expected(path, what, value);
    return std::nullopt;
  }
  const std::size_t errors = diag.list().size();
  TypeLatencies out;
  for (const auto& [type, latency] : value.items()) {
    if (type == "$schema" || type == "comment") continue;  // allowed in every object
    const std::string type_path = json_path(path, type);
    if (type.empty() || type.size() > kMessageTypeMax) {
      diag.error(type_path, fmt::format("expected a message type name of 1 to {} characters", kMessageTypeMax));
      continue;
    }
    if (auto spec = read_latency(latency, type_path, diag)) out.emplace(type, std::move(*spec));
  }
  if (diag.list().size() != errors) return std::nullopt;
  return out;
}

nlohmann::json type_latencies_to_json(const TypeLatencies& latencies) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [type, spec] : latencies) out[type] = latency_to_json(spec);
  return out;
}

nlohmann::json ms_json(TimeNs ns) {
  if (ns % kNsPerMs == 0) return ns / kNsPerMs;
  return static_cast<double>(ns) / static_cast<double>(kNsPerMs);
}

}  // namespace dsim
