#include "sim/fuzz/generator.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "sim/fault/nemesis.h"

namespace dsim::fuzz {

FuzzLimits derive_limits(const Scenario& base) {
  const TimeNs duration_ns = base.run.duration_ns;
  assert(duration_ns > 0);
  TimeNs calm_ns = duration_ns * kCalmPercent / 100;
  // Liveness is judged `within` after calm and needs the run to go on past that.
  if (base.checks.liveness) calm_ns = std::max(calm_ns, base.checks.liveness_within_ns + duration_ns / 10);
  FuzzLimits limits;
  limits.faults_from_ns = std::min(base.workload.start_ns, duration_ns);
  limits.faults_until_ns = std::max(limits.faults_from_ns, duration_ns - calm_ns);
  return limits;
}

namespace {

// The seed's profile, then its faults. Each draw has its own stream (the run's network and
// workload draw from theirs), and a scenario with one profile draws no profile at all: the swarm
// alone gives the schedules it gave before profiles existed.
const NemesisProfile& draw_profile(const Scenario& s, std::uint64_t seed) {
  static const NemesisProfile kSwarm;  // a scenario built in code, never parsed, has no profiles
  if (s.fuzz.profiles.empty()) return kSwarm;
  Rng profile_rng = Rng::derive(seed, "fuzz-profile");
  return pick_profile(s.fuzz.profiles, profile_rng);
}

// The profile's cluster parameters, one value each from its own stream (in name order), so a
// profile without parameters draws nothing and leaves every other draw as it was.
void draw_params(const NemesisProfile& profile, std::uint64_t seed, Scenario& s) {
  if (profile.params.empty()) return;
  Rng rng = Rng::derive(seed, "fuzz-params");
  if (!s.cluster.params.is_object()) s.cluster.params = nlohmann::json::object();
  for (const auto& [name, values] : profile.params) {
    assert(!values.empty());
    s.cluster.params[name] = values[rng.below(values.size())];
  }
}

std::vector<FaultAction> draw_swarm(const Scenario& s, std::uint64_t seed, const FuzzLimits& limits) {
  SwarmOptions options;
  options.start_ns = limits.faults_from_ns;
  options.end_ns = limits.faults_until_ns;
  options.faults_max = limits.faults_max;
  Rng rng = Rng::derive(seed, "fuzz-faults");
  Rng slow_rng = Rng::derive(seed, "fuzz-slow");  // so slow nodes left every other draw as it was
  return swarm_faults(options, s.cluster.size(), rng, &slow_rng);
}

// A mix draws its parts in order: the swarm from its own streams, the targeted profiles one after
// another from the nemesis stream, so a mix's first part draws what it would draw alone.
std::vector<FaultAction> draw_faults(const Scenario& s, const NemesisProfile& profile, std::uint64_t seed,
                                     const FuzzLimits& limits) {
  using Kind = NemesisProfile::Kind;
  if (profile.kind == Kind::swarm) return draw_swarm(s, seed, limits);
  Rng rng = Rng::derive(seed, "fuzz-nemesis");
  if (profile.kind != Kind::mix) return nemesis_faults(profile, limits.faults_from_ns, limits.faults_until_ns, s.cluster.size(), rng);
  std::vector<FaultAction> out;
  for (const NemesisProfile& part : profile.of) {
    assert(part.kind != Kind::mix);  // the reader refuses nesting
    std::vector<FaultAction> faults = part.kind == Kind::swarm
                                          ? draw_swarm(s, seed, limits)
                                          : nemesis_faults(part, limits.faults_from_ns, limits.faults_until_ns, s.cluster.size(), rng);
    out.insert(out.end(), std::make_move_iterator(faults.begin()), std::make_move_iterator(faults.end()));
  }
  // In time order, as each part's own schedule is, so a replayed or shrunk scenario reads in order.
  std::stable_sort(out.begin(), out.end(), [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
  return out;
}

}  // namespace

Scenario fuzz_scenario(const Scenario& base, std::uint64_t seed) {
  Scenario s = base;
  s.run.seed = seed;
  s.name = fmt::format("{}-seed-{}", base.name, seed);
  const FuzzLimits limits = derive_limits(base);
  const NemesisProfile& profile = draw_profile(s, seed);
  draw_params(profile, seed, s);
  if (limits.faults_until_ns > limits.faults_from_ns && s.cluster.size() > 0) {
    std::vector<FaultAction> drawn = draw_faults(s, profile, seed, limits);
    // The scenario's own faults come first at equal times (the stable order of the file).
    s.faults.insert(s.faults.end(), std::make_move_iterator(drawn.begin()), std::make_move_iterator(drawn.end()));
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const FaultAction& a, const FaultAction& b) { return a.at_ns < b.at_ns; });
    // An explicit calm point must not fall inside the swarm's fault window.
    if (s.checks.calm_ns) s.checks.calm_ns = std::max(*s.checks.calm_ns, limits.faults_until_ns);
  }
  s.expect = ExpectSpec{};
  s.expect.safety = ExpectSpec::Outcome::holds;
  // Liveness is judged when the scenario makes a liveness claim (it checks liveness, or says
  // whether it holds): 2PC blocking when its coordinator dies is not a failure of a scenario
  // that claims only safety.
  const bool liveness_claimed = s.checks.liveness || base.expect.liveness != ExpectSpec::Outcome::any;
  s.expect.liveness = liveness_claimed ? ExpectSpec::Outcome::holds : ExpectSpec::Outcome::any;
  // What runs is what its file will say: the canonical text parsed back. A fault time the writer
  // rounds is then rounded in the run too, and a failure file replays exactly.
  auto parsed = parse_scenario(to_json(s).dump(), s.name);
  if (auto* diag = std::get_if<Diagnostics>(&parsed)) {
    throw std::logic_error("the fuzzed scenario does not validate (a generator bug):\n" + diag->format(s.name));
  }
  return std::get<Scenario>(std::move(parsed));
}

std::optional<std::string> signature(const RunResult& result) {
  for (const Finding& f : result.findings) {
    if (f.kind == Finding::Kind::safety) return f.id();
  }
  if (!result.liveness_claimed) return std::nullopt;
  for (const Finding& f : result.findings) {
    if (f.kind == Finding::Kind::liveness) return f.id();
  }
  return std::nullopt;
}

bool is_liveness(const RunResult& result, const std::string& signature) {
  return std::none_of(result.findings.begin(), result.findings.end(), [&](const Finding& f) {
    return f.kind == Finding::Kind::safety && f.id() == signature;
  });
}

std::string slug(const std::string& signature) {
  std::string out = signature;
  for (char& c : out) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!keep) c = '-';
  }
  return out.empty() ? "unnamed" : out;
}

ExpectSpec expect_failure(const std::string& signature, bool liveness_signature) {
  ExpectSpec e;
  if (liveness_signature) {
    e.safety = ExpectSpec::Outcome::holds;
    e.liveness = ExpectSpec::Outcome::violated;
  } else {
    e.safety = ExpectSpec::Outcome::violated;
    e.violations = {signature};
    e.liveness = ExpectSpec::Outcome::any;
  }
  return e;
}

std::string scenario_text(const Scenario& scenario) { return to_json(scenario).dump(2) + "\n"; }

}  // namespace dsim::fuzz
