#include "sim/scenario/fuzz_json.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/node/protocol.h"

#include "sim/scenario/fault_json.h"
#include "sim/scenario/latency_json.h"

namespace dsim {

namespace {

using json = nlohmann::json;
using Kind = NemesisProfile::Kind;

// Bounds on every figure a profile draws from: a profile asks for a handful of faults per seed,
// each inside the run.
constexpr std::uint32_t kChainsMax = 16;
constexpr std::uint32_t kChainLengthMax = 100;
constexpr std::uint32_t kRestartsMax = 32;
constexpr std::size_t kMixPartsMax = 4;
constexpr Kind kKinds[] = {Kind::swarm, Kind::isolations, Kind::partition_restarts, Kind::crash_restarts, Kind::mix};
constexpr TimeNs kProfileTimeMax = 3600 * kNsPerSec;
constexpr std::size_t kParamsMax = 16;       // parameters one profile sets
constexpr std::size_t kParamValuesMax = 16;  // values each is drawn from

// "params": {"name": [v1, v2, ...]}: each a non-empty list of JSON scalars. Whether the protocol
// accepts each value is for the scenario reader to say, once it knows the cluster.
std::map<std::string, std::vector<json>> read_params(const json& value, const std::string& path, Diagnostics& diag) {
  std::map<std::string, std::vector<json>> out;
  const std::string what = fmt::format("an object of at most {} parameters, each a list of 1 to {} values", kParamsMax,
                                       kParamValuesMax);
  if (!value.is_object() || value.size() > kParamsMax) {
    diag.expected(path, what, value);
    return out;
  }
  for (const auto& [name, values] : value.items()) {
    const std::string at = json_path(path, name);
    if (!values.is_array() || values.empty() || values.size() > kParamValuesMax) {
      diag.expected(at, fmt::format("a list of 1 to {} values", kParamValuesMax), values);
      continue;
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (values[i].is_structured()) diag.expected(json_path(at, i), "a number, string, boolean or null", values[i]);
    }
    out[name] = values.get<std::vector<json>>();
  }
  return out;
}

// [min, max] or one number; each within [lo, hi] and min <= max.
template <class T, class Read>
NemesisProfile::Range<T> read_range(ObjectReader& r, std::string_view key, NemesisProfile::Range<T> fallback,
                                    T lo, T hi, Read read_one, const std::string& what) {
  const json* value = r.raw(key);
  if (!value) return fallback;
  const json pair = value->is_array() ? *value : json::array({*value, *value});
  if (pair.size() != 2) {
    r.diag().expected(r.path(key), what, *value);
    return fallback;
  }
  const std::optional<T> min = read_one(pair[0]), max = read_one(pair[1]);
  if (!min || !max || *min < lo || *max > hi || *min > *max) {
    r.diag().expected(r.path(key), what, *value);
    return fallback;
  }
  return {*min, *max};
}

NemesisProfile::Range<std::uint32_t> count_range(ObjectReader& r, std::string_view key,
                                                 NemesisProfile::Range<std::uint32_t> fallback, std::uint32_t hi) {
  const auto one = [](const json& v) -> std::optional<std::uint32_t> {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 1'000'000) return std::nullopt;
    return static_cast<std::uint32_t>(v.get<std::int64_t>());
  };
  return read_range<std::uint32_t>(r, key, fallback, 0, hi, one,
                                   fmt::format("an integer or a [min, max] pair of integers 0 to {}, min <= max", hi));
}

NemesisProfile::Range<TimeNs> time_range(ObjectReader& r, std::string_view key, NemesisProfile::Range<TimeNs> fallback) {
  return read_range<TimeNs>(r, key, fallback, 1, kProfileTimeMax, ms_value_to_ns,
                           fmt::format("a time in ms or a [min, max] pair, each above 0 and at most {}, min <= max",
                                       kProfileTimeMax / kNsPerMs));
}

std::optional<NemesisProfile> read_profile(const json& value, const std::string& path, Diagnostics& diag);

// A mix's "of": 1 to kMixPartsMax profiles, none a mix, none with its own weight or params (the
// mix is drawn by its weight and sets its params).
std::vector<NemesisProfile> read_mix_parts(ObjectReader& r, Diagnostics& diag) {
  std::vector<NemesisProfile> parts;
  const std::string what = fmt::format("an array of 1 to {} profiles, none a mix", kMixPartsMax);
  const json* of = r.required("of", what);
  if (!of) return parts;
  if (!of->is_array() || of->empty() || of->size() > kMixPartsMax) {
    diag.expected(r.path("of"), what, *of);
    return parts;
  }
  for (std::size_t i = 0; i < of->size(); ++i) {
    const json& part = (*of)[i];
    const std::string at = json_path(r.path("of"), i);
    // Compared as JSON, not read as a string: a "kind" of another type is read_profile's to report.
    if (part.is_object() && (part.contains("weight") || part.contains("params") || (part.contains("kind") && part["kind"] == "mix"))) {
      diag.error(at, "expected a profile without \"weight\" or \"params\" and not a mix (the mix has them)");
      continue;
    }
    if (auto p = read_profile(part, at, diag)) parts.push_back(std::move(*p));
  }
  return parts;
}

std::optional<NemesisProfile> read_profile(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  if (!r.is_object()) {
    diag.expected(path, "a profile object with \"kind\"", value);
    return std::nullopt;
  }
  const std::size_t errors = diag.list().size();
  NemesisProfile p;
  std::vector<std::string> names;
  for (Kind k : kKinds) names.push_back(nemesis_kind_name(k));
  const std::string kind = r.choice("kind", "swarm", names);
  p.kind = *std::find_if(std::begin(kKinds), std::end(kKinds), [&](Kind k) { return nemesis_kind_name(k) == kind; });
  p.weight = r.number("weight", 1, 0.001, 1000);
  if (const json* params = r.raw("params")) p.params = read_params(*params, r.path("params"), diag);
  if (p.kind == Kind::isolations) {
    if (const json* select = r.raw("select")) p.select = read_selector(*select, r.path("select"), diag);
    p.chains = count_range(r, "chains", p.chains, kChainsMax);
    p.length = count_range(r, "length", p.length, kChainLengthMax);
    p.gap_ns = time_range(r, "gap_ms", p.gap_ns);
    p.duration_ns = time_range(r, "duration_ms", p.duration_ns);
    if (p.chains.min < 1 || p.length.min < 1) {
      diag.error(r.path(p.chains.min < 1 ? "chains" : "length"), "expected at least 1, found 0");
    }
  } else if (p.kind == Kind::partition_restarts) {
    p.duration_ns = time_range(r, "duration_ms", {600 * kNsPerMs, 1000 * kNsPerMs});
    p.minority = count_range(r, "minority", p.minority, kScenarioNodesMax);
    if (p.minority.min < 1) diag.error(r.path("minority"), "expected at least 1, found 0");
    p.down_before = count_range(r, "down_before", p.down_before, kRestartsMax);
    p.restarts = count_range(r, "restarts", p.restarts, kRestartsMax);
    p.restart_ns = time_range(r, "restart_ms", p.restart_ns);
  } else if (p.kind == Kind::crash_restarts) {
    if (const json* select = r.raw("select")) p.select = read_selector(*select, r.path("select"), diag);
    p.restarts = count_range(r, "restarts", {1, 12}, kRestartsMax);
    if (p.restarts.min < 1) diag.error(r.path("restarts"), "expected at least 1, found 0");
    p.restart_ns = time_range(r, "restart_ms", {1 * kNsPerMs, 60 * kNsPerMs});
    p.lose_unsynced_chance = r.number("lose_unsynced", 0.5, 0, 1);
  } else if (p.kind == Kind::mix) {
    p.of = read_mix_parts(r, diag);
  }
  r.finish();
  if (diag.list().size() != errors) return std::nullopt;
  return p;
}

json range_json(NemesisProfile::Range<std::uint32_t> r) { return json::array({r.min, r.max}); }
json range_ms_json(NemesisProfile::Range<TimeNs> r) { return json::array({ms_json(r.min), ms_json(r.max)}); }

}  // namespace

std::string nemesis_kind_name(Kind kind) {
  switch (kind) {
    case Kind::swarm: return "swarm";
    case Kind::isolations: return "isolations";
    case Kind::partition_restarts: return "partition-restarts";
    case Kind::crash_restarts: return "crash-restarts";
    case Kind::mix: return "mix";
  }
  return "swarm";
}

std::optional<FuzzSpec> read_fuzz(const json& value, const std::string& path, Diagnostics& diag) {
  ObjectReader r(value, path, diag);
  if (!r.is_object()) {
    diag.expected(path, "an object with \"profiles\"", value);
    return std::nullopt;
  }
  const std::size_t errors = diag.list().size();
  FuzzSpec out;
  const std::string what = fmt::format("an array of 1 to {} nemesis profiles", kScenarioProfilesMax);
  if (const json* profiles = r.required("profiles", what)) {
    if (!profiles->is_array() || profiles->empty() || profiles->size() > kScenarioProfilesMax) {
      diag.expected(r.path("profiles"), what, *profiles);
    } else {
      for (std::size_t i = 0; i < profiles->size(); ++i) {
        if (auto p = read_profile((*profiles)[i], json_path(r.path("profiles"), i), diag)) out.profiles.push_back(*p);
      }
    }
  }
  r.finish();
  if (diag.list().size() != errors) return std::nullopt;
  return out;
}

json default_fuzz_json(std::string_view protocol) {
  const ProtocolInfo* info = ProtocolRegistry::instance().find(std::string(protocol));
  if (!info || info->fuzz_profiles.empty()) return {{"profiles", json::array({{{"kind", "swarm"}}})}};
  return {{"profiles", info->fuzz_profiles}};
}

FuzzSpec default_fuzz(std::string_view protocol) {
  Diagnostics diag;
  auto fuzz = read_fuzz(default_fuzz_json(protocol), "/fuzz", diag);
  // A registration's own profiles are code, not input: a mistake there is a bug, caught by tests.
  if (!fuzz) throw std::logic_error(fmt::format("{}'s fuzz profiles do not read:\n{}", protocol, diag.format("registry")));
  return *fuzz;
}

namespace {

// A profile as the reader takes it; a mix's parts without the weight and params they may not have.
json profile_to_json(const NemesisProfile& p, bool part_of_mix) {
  json out = {{"kind", nemesis_kind_name(p.kind)}};
  if (!part_of_mix) out["weight"] = p.weight;
  if (!part_of_mix && !p.params.empty()) out["params"] = p.params;
  if (p.kind == Kind::isolations) {
    if (p.select) out["select"] = selector_to_json(*p.select);
    out["chains"] = range_json(p.chains);
    out["length"] = range_json(p.length);
    out["gap_ms"] = range_ms_json(p.gap_ns);
    out["duration_ms"] = range_ms_json(p.duration_ns);
  } else if (p.kind == Kind::partition_restarts) {
    out["duration_ms"] = range_ms_json(p.duration_ns);
    out["minority"] = range_json(p.minority);
    out["down_before"] = range_json(p.down_before);
    out["restarts"] = range_json(p.restarts);
    out["restart_ms"] = range_ms_json(p.restart_ns);
  } else if (p.kind == Kind::crash_restarts) {
    if (p.select) out["select"] = selector_to_json(*p.select);
    out["restarts"] = range_json(p.restarts);
    out["restart_ms"] = range_ms_json(p.restart_ns);
    out["lose_unsynced"] = p.lose_unsynced_chance;
  } else if (p.kind == Kind::mix) {
    out["of"] = json::array();
    for (const NemesisProfile& part : p.of) out["of"].push_back(profile_to_json(part, true));
  }
  return out;
}

}  // namespace

json fuzz_to_json(const FuzzSpec& fuzz) {
  json profiles = json::array();
  for (const NemesisProfile& p : fuzz.profiles) profiles.push_back(profile_to_json(p, false));
  return {{"profiles", std::move(profiles)}};
}

}  // namespace dsim
