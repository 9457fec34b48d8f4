#include "sim/world/fuzz_driver.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "sim/core/file.h"
#include "sim/core/hash.h"
#include "sim/world/fuzz_gen.h"
#include "sim/world/fuzz_pool.h"
#include "sim/world/run.h"

namespace dsim::fuzz {

namespace {

// A summary lists at most this many seeds per signature; the count is always exact.
constexpr std::size_t kSummarySeedsMax = 1000;

std::string hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

nlohmann::json size_json(const Size& s) {
  return {{"faults", s.faults}, {"ops", s.ops}, {"events", s.events}, {"nodes", s.nodes}, {"clients", s.clients},
          {"duration_ms", ns_to_ms(s.duration_ns)}};
}

void write_or_throw(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string error;
  if (!write_file_atomic(path, text, &error)) throw std::runtime_error(error);
}

nlohmann::json expect_json(const std::string& sig, const Scenario& s, const RunResult& r) {
  return {{"format", "dsim-failure"}, {"version", 1}, {"signature", sig}, {"fingerprint", hex(r.fingerprint)},
          {"seed", s.run.seed}, {"size", size_json(size_of(s, r))}};
}

// The worker: runs one seed, and when it fails writes its files before anything else, then
// shrinks it. Each stage is a line to the parent, so a crash while shrinking loses only that.
void run_seed(const FuzzConfig& config, std::uint64_t seed, const TraceWriter& write_trace, const Emit& emit) {
  const Scenario fuzzed = fuzz_scenario(config.base, seed);
  const RunResult result = run_scenario(fuzzed);
  nlohmann::json record = {{"type", "seed"}, {"seed", seed}, {"fingerprint", hex(result.fingerprint)},
                           {"events", result.stats.events}, {"ops", result.history.ops.size()}};
  const auto sig = signature(result);
  if (!sig) {
    record["verdict"] = "pass";
    emit(record.dump());
    return;
  }
  record["verdict"] = "fail";
  record["signature"] = *sig;
  Scenario failure = fuzzed;
  failure.expect = expect_failure(*sig, is_liveness(result, *sig));
  const std::string rel = fmt::format("{}/seed-{}.json", slug(*sig), seed);
  const std::string path = (std::filesystem::path(config.out_dir) / rel).string();
  RunOptions traced_options;
  traced_options.trace = true;
  const RunResult traced = run_scenario(failure, traced_options);
  // The file must replay the run that failed: neither its expectation nor tracing may change it.
  if (traced.fingerprint != result.fingerprint) {
    throw std::runtime_error(fmt::format("seed {}: the traced re-run differs (fingerprint {} vs {})", seed,
                                         hex(traced.fingerprint), hex(result.fingerprint)));
  }
  write_or_throw(path, scenario_text(failure));
  write_or_throw(expect_path(path), expect_json(*sig, failure, result).dump(2) + "\n");
  std::string error;
  if (!write_trace(trace_path(path), failure, traced, &error)) throw std::runtime_error(error);
  record["file"] = rel;
  emit(record.dump());
  if (!config.shrink) return;

  ShrinkResult shrunk = shrink(failure, result, *sig, config.shrink_options, true);
  shrunk.scenario.name = failure.name + "-shrunk";
  const std::string shrunk_rel = fmt::format("{}/seed-{}-shrunk.json", slug(*sig), seed);
  const std::string shrunk_path = (std::filesystem::path(config.out_dir) / shrunk_rel).string();
  write_or_throw(shrunk_path, scenario_text(shrunk.scenario));
  write_or_throw(expect_path(shrunk_path), expect_json(*sig, shrunk.scenario, shrunk.result).dump(2) + "\n");
  if (!write_trace(trace_path(shrunk_path), shrunk.scenario, shrunk.result, &error)) throw std::runtime_error(error);
  emit(nlohmann::json{{"type", "shrunk"},
                      {"seed", seed},
                      {"file", shrunk_rel},
                      {"fingerprint", hex(shrunk.result.fingerprint)},
                      {"before", size_json(shrunk.before)},
                      {"after", size_json(shrunk.after)},
                      {"runs", shrunk.runs},
                      {"accepted", shrunk.accepted}}
           .dump());
}

// The parent's view of a finished worker: its lines merged into one record; a crash before the
// seed's verdict becomes the failure "crash:SIGNAL", with the scenario written by the parent.
nlohmann::json collect(const FuzzConfig& config, std::uint64_t seed, const JobOutput& out,
                       std::vector<std::string>& errors) {
  nlohmann::json record;
  for (const std::string& line : out.lines) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      errors.push_back(fmt::format("seed {}: the worker said something unreadable: {}", seed, line));
    } else if (j.contains("error")) {
      errors.push_back(fmt::format("seed {}: {}", seed, j["error"].get<std::string>()));
    } else if (j.value("type", "") == "seed") {
      record = j;
    } else if (j.value("type", "") == "shrunk" && record.is_object()) {
      nlohmann::json s = j;
      s.erase("type");
      s.erase("seed");
      record["shrunk"] = s;
    }
  }
  const bool died = out.signal != 0 || out.exit_status != 0;
  if (record.is_object()) {
    if (died && record["verdict"] == "fail" && config.shrink && !record.contains("shrunk")) {
      record["shrink_error"] = out.signal ? "the shrinker crashed: " + signal_name(out.signal) : "the shrinker failed";
    }
    return record;
  }
  // No verdict: the run itself crashed (or threw). It is a failure, found by this seed.
  const std::string sig = out.signal ? "crash:" + signal_name(out.signal) : "crash:exit";
  record = {{"type", "seed"}, {"seed", seed}, {"verdict", "fail"}, {"signature", sig}};
  const std::string rel = fmt::format("{}/seed-{}.json", slug(sig), seed);
  const std::string path = (std::filesystem::path(config.out_dir) / rel).string();
  try {
    write_or_throw(path, scenario_text(fuzz_scenario(config.base, seed)));
    write_or_throw(expect_path(path),
                   nlohmann::json{{"format", "dsim-failure"}, {"version", 1}, {"signature", sig}, {"seed", seed}}.dump(2) +
                       "\n");
    record["file"] = rel;
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("seed {}: {}", seed, e.what()));
  }
  return record;
}

std::string replace_suffix(const std::string& path, std::string_view suffix) {
  const std::string_view json = ".json";
  const bool has = path.size() >= json.size() && path.compare(path.size() - json.size(), json.size(), json) == 0;
  return (has ? path.substr(0, path.size() - json.size()) : path) + std::string(suffix);
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::optional<SeedRange> parse_seed_range(const std::string& text, std::string* error) {
  const auto dots = text.find("..");
  const auto from = parse_u64(std::string_view(text).substr(0, dots));
  const auto to = dots == std::string::npos ? from : parse_u64(std::string_view(text).substr(dots + 2));
  if (!from || !to) {
    if (error) *error = fmt::format("expected seeds as A..B or A (unsigned integers), found \"{}\"", text);
    return std::nullopt;
  }
  if (*to < *from || *to - *from >= kSeedsMax) {
    if (error) *error = fmt::format("expected A <= B and at most {} seeds, found \"{}\"", kSeedsMax, text);
    return std::nullopt;
  }
  return SeedRange{*from, *to};
}

std::optional<Shard> parse_shard(const std::string& text, std::string* error) {
  const auto slash = text.find('/');
  const auto k = parse_u64(std::string_view(text).substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : parse_u64(std::string_view(text).substr(slash + 1));
  if (!k || !n || *k < 1 || *k > *n || *n > kShardsMax) {
    if (error) *error = fmt::format("expected a shard K/N with 1 <= K <= N <= {}, found \"{}\"", kShardsMax, text);
    return std::nullopt;
  }
  return Shard{static_cast<std::uint32_t>(*k), static_cast<std::uint32_t>(*n)};
}

std::vector<std::uint64_t> shard_seeds(SeedRange range, Shard shard) {
  assert(shard.index >= 1 && shard.index <= shard.count && range.from <= range.to);
  std::vector<std::uint64_t> seeds;
  if (shard.index - 1 > range.to - range.from) return seeds;  // more shards than seeds
  const std::uint64_t first = range.from + (shard.index - 1);
  for (std::uint64_t s = first; s <= range.to && s >= first; s += shard.count) {
    seeds.push_back(s);
    if (range.to - s < shard.count) break;  // the next step would pass `to` (or wrap)
  }
  return seeds;
}

std::string expect_path(const std::string& scenario_path) { return replace_suffix(scenario_path, ".expect.json"); }
std::string trace_path(const std::string& scenario_path) { return replace_suffix(scenario_path, ".trace.json"); }

FuzzOutcome fuzz(const FuzzConfig& config, const Progress& progress) {
  assert(config.jobs >= 1 && config.jobs <= kParallelMax);
  const std::vector<std::uint64_t> seeds = shard_seeds(config.seeds, config.shard);
  FuzzOutcome outcome;
  outcome.header = {{"type", "header"},
                    {"format", "dsim-fuzz-results"},
                    {"version", 1},
                    {"scenario", config.base.name},
                    {"scenario_digest", hex(hash_bytes(scenario_text(config.base)))},
                    {"seeds", {{"from", config.seeds.from}, {"to", config.seeds.to}}},
                    {"shard", {{"index", config.shard.index}, {"count", config.shard.count}}}};
  std::vector<nlohmann::json> records(seeds.size());
  std::size_t done = 0;
  assert(config.write_trace);
  const TraceWriter& write_trace = config.write_trace;
  run_forked(
      seeds.size(), config.jobs,
      [&](std::size_t i, const Emit& emit) { run_seed(config, seeds[i], write_trace, emit); },
      [&](std::size_t i, JobOutput out) {
        records[i] = collect(config, seeds[i], out, outcome.errors);
        ++done;
        if (progress) progress(records[i], done, seeds.size());
      });
  outcome.records = std::move(records);
  return outcome;
}

std::string results_text(const FuzzOutcome& outcome) {
  std::string out = outcome.header.dump() + "\n";
  for (const auto& r : outcome.records) out += r.dump() + "\n";
  return out;
}

nlohmann::json summarize(const nlohmann::json& header, const std::vector<nlohmann::json>& records) {
  std::vector<const nlohmann::json*> sorted;
  for (const auto& r : records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const nlohmann::json* a, const nlohmann::json* b) {
              return (*a)["seed"].get<std::uint64_t>() < (*b)["seed"].get<std::uint64_t>();
            });
  struct Group {
    std::uint64_t count = 0;
    std::vector<std::uint64_t> seeds;
    const nlohmann::json* best = nullptr;  // the smallest shrunk failure, else the lowest seed
  };
  // The smaller of two failures: fewer faults, then operations, then events; ties to the lower seed.
  const auto rank = [](const nlohmann::json& r) {
    const nlohmann::json& s = r.contains("shrunk") ? r["shrunk"]["after"] : nlohmann::json::object();
    return std::make_tuple(!r.contains("shrunk"), s.value("faults", std::uint64_t{0}), s.value("ops", std::uint64_t{0}),
                           s.value("events", std::uint64_t{0}), r["seed"].get<std::uint64_t>());
  };
  std::map<std::string, Group> groups;
  std::uint64_t digest = 0, failed = 0;
  for (const auto* r : sorted) {
    digest = hash_combine(hash_combine(digest, (*r)["seed"].get<std::uint64_t>()),
                          hash_bytes((*r).value("fingerprint", (*r).value("signature", ""))));
    if ((*r)["verdict"] != "fail") continue;
    ++failed;
    Group& g = groups[(*r)["signature"].get<std::string>()];
    ++g.count;
    if (g.seeds.size() < kSummarySeedsMax) g.seeds.push_back((*r)["seed"].get<std::uint64_t>());
    if (!g.best || rank(*r) < rank(*g.best)) g.best = r;
  }
  std::vector<std::pair<std::string, const Group*>> order;
  for (const auto& [sig, g] : groups) order.emplace_back(sig, &g);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& [sig, g] : order) {
    nlohmann::json entry = {{"signature", sig}, {"count", g->count}, {"seeds", g->seeds}, {"seed", (*g->best)["seed"]}};
    if (g->best->contains("file")) entry["file"] = (*g->best)["file"];
    if (g->best->contains("shrunk")) entry["shrunk"] = (*g->best)["shrunk"];
    signatures.push_back(entry);
  }
  return {{"format", "dsim-fuzz-summary"},
          {"version", 1},
          {"scenario", header.value("scenario", "")},
          {"scenario_digest", header.value("scenario_digest", "")},
          {"seeds", header.value("seeds", nlohmann::json::object())},
          {"seeds_run", sorted.size()},
          {"seeds_failed", failed},
          {"results_digest", hex(digest)},
          {"signatures", signatures}};
}

std::string junit_xml(const nlohmann::json& summary) {
  const auto& sigs = summary["signatures"];
  const std::string suite = xml_escape("dsim fuzz " + summary.value("scenario", std::string()));
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", sigs.size() + 1, sigs.size());
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", suite, sigs.size() + 1, sigs.size());
  const std::uint64_t passed = summary["seeds_run"].get<std::uint64_t>() - summary["seeds_failed"].get<std::uint64_t>();
  out += fmt::format("    <testcase classname=\"{}\" name=\"{} passing seeds\"/>\n", suite, passed);
  for (const auto& s : sigs) {
    const std::string file = s.contains("shrunk") ? s["shrunk"]["file"].get<std::string>() : s.value("file", "");
    const std::string message =
        fmt::format("{} seeds fail with {}; smallest: seed {} ({})", s["count"].get<std::uint64_t>(),
                    s["signature"].get<std::string>(), s["seed"].get<std::uint64_t>(), file);
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", suite, xml_escape(s["signature"].get<std::string>()));
    out += fmt::format("      <failure message=\"{}\">replay: dsim replay {}\nseeds: {}</failure>\n", xml_escape(message),
                       xml_escape(file), xml_escape(s["seeds"].dump()));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string summary_text(const nlohmann::json& summary) {
  std::string out = fmt::format("{}: {} seeds run, {} failed, {} distinct signature(s)\n",
                                summary.value("scenario", std::string()), summary["seeds_run"].get<std::uint64_t>(),
                                summary["seeds_failed"].get<std::uint64_t>(), summary["signatures"].size());
  for (const auto& s : summary["signatures"]) {
    const auto& seeds = s["seeds"];
    std::string listed;
    for (std::size_t i = 0; i < seeds.size() && i < 10; ++i) {
      if (i) listed += ' ';
      listed += seeds[i].dump();
    }
    if (s["count"].get<std::uint64_t>() > 10) listed += " ...";
    out += fmt::format("  {:<40} {:>6} seed(s): {}\n", s["signature"].get<std::string>(), s["count"].get<std::uint64_t>(),
                       listed);
    if (s.contains("file")) out += fmt::format("    failure: {}\n", s["file"].get<std::string>());
    if (s.contains("shrunk")) {
      const auto& sh = s["shrunk"];
      const auto& b = sh["before"];
      const auto& a = sh["after"];
      out += fmt::format("    shrunk:  {} (faults {} -> {}, ops {} -> {}, events {} -> {}, nodes {} -> {}, {} ms -> {} ms)\n",
                         sh["file"].get<std::string>(), b["faults"].dump(), a["faults"].dump(), b["ops"].dump(),
                         a["ops"].dump(), b["events"].dump(), a["events"].dump(), b["nodes"].dump(), a["nodes"].dump(),
                         b["duration_ms"].dump(), a["duration_ms"].dump());
    }
  }
  return out;
}

}  // namespace dsim::fuzz
