#include "sim/fuzz/driver.h"

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "sim/core/file.h"
#include "sim/core/hash.h"
#include "sim/core/text.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/pool.h"
#include "sim/world/run.h"

namespace dsim::fuzz {

namespace {

// A summary lists at most this many seeds per signature; the count is always exact.
constexpr std::size_t kSummarySeedsMax = 1000;

std::string hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

nlohmann::json size_json(const Size& s) {
  return {{"faults", s.faults}, {"ops", s.ops}, {"events", s.events}, {"nodes", s.nodes}, {"clients", s.clients},
          {"duration_ms", ns_to_ms(s.duration_ns)}};
}

// A file the fuzzer could not write: the disk, not the protocol, failed. The worker reports it
// as {"infra_error": ...}, which the parent keeps apart from the seed's verdict.
struct InfraError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void write_or_throw(const std::string& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string error;
  if (!write_file_atomic(path, text, &error)) throw InfraError(error);
}

nlohmann::json expect_json(const std::string& sig, const Scenario& s, const RunResult& r) {
  return {{"format", "dsim-failure"}, {"version", 1}, {"signature", sig}, {"fingerprint", hex(r.fingerprint)},
          {"seed", s.run.seed}, {"size", size_json(size_of(s, r))}};
}

// Writes seed-N-shrunk.json and its sidecar (and its trace, when the run could be traced), and
// returns the seed record's "shrunk" entry. A crash's sidecar has no fingerprint: its run ends
// in the crash, before one exists.
nlohmann::json write_shrunk(const FuzzConfig& config, const std::string& sig, std::uint64_t seed,
                            ShrinkResult& shrunk, const std::string& name, const TraceWriter* write_trace) {
  shrunk.scenario.name = name + "-shrunk";
  const std::string rel = fmt::format("{}/seed-{}-shrunk.json", slug(sig), seed);
  const std::string path = (std::filesystem::path(config.out_dir) / rel).string();
  nlohmann::json before = size_json(shrunk.before), after = size_json(shrunk.after);
  if (!write_trace) {
    for (const char* unknown : {"ops", "events"}) {  // a crash ends its run before they are counted
      before.erase(unknown);
      after.erase(unknown);
    }
  }
  nlohmann::json sidecar = {{"format", "dsim-failure"}, {"version", 1}, {"signature", sig}, {"seed", seed},
                            {"size", after}, {"cause_control", control_name(shrunk.control)}};
  if (write_trace) sidecar["fingerprint"] = hex(shrunk.trial.fingerprint);
  write_or_throw(path, scenario_text(shrunk.scenario));
  write_or_throw(expect_path(path), sidecar.dump(2) + "\n");
  std::string error;
  if (write_trace && !(*write_trace)(trace_path(path), shrunk.scenario, shrunk.result, &error)) throw InfraError(error);
  nlohmann::json entry = {{"file", rel},
                          {"before", before},
                          {"after", after},
                          {"runs", shrunk.runs},
                          {"accepted", shrunk.accepted},
                          {"cause_control", control_name(shrunk.control)}};
  if (write_trace) entry["fingerprint"] = hex(shrunk.trial.fingerprint);
  return entry;
}

// A candidate run in a process of its own, for failures that kill the process: the worker
// reports the run's trial as one line, and a worker killed by a signal is a crash:SIG... trial.
// One worker per candidate (a pool of one job): the candidate is made in the parent from the
// previous one's verdict, after any longer-lived worker was forked, and most candidates of a
// crashing seed crash anyway, ending their worker.
Trial run_isolated(const Scenario& scenario) {
  Trial trial;
  run_pooled(
      1, 1,
      [&](std::size_t, const Emit& emit) {
        const Trial t = run_in_process(scenario);
        nlohmann::json line = {{"events", t.events}, {"ops", t.ops}, {"fingerprint", t.fingerprint},
                               {"first_finding_ns", t.first_finding_ns}, {"liveness", t.liveness}};
        if (t.signature) line["signature"] = *t.signature;
        emit(line.dump());
      },
      [&](std::size_t, JobOutput out) {
        const auto j = out.lines.empty() ? nlohmann::json() : nlohmann::json::parse(out.lines.back(), nullptr, false);
        if (out.signal != 0 || out.exit_status != 0 || !j.is_object() || !j.contains("events")) {
          trial.signature = out.signal ? "crash:" + signal_name(out.signal) : "crash:exit";
          return;
        }
        if (j.contains("signature")) trial.signature = j["signature"].get<std::string>();
        trial.liveness = j["liveness"].get<bool>();
        trial.events = j["events"].get<std::uint64_t>();
        trial.ops = j["ops"].get<std::uint64_t>();
        trial.fingerprint = j["fingerprint"].get<std::uint64_t>();
        trial.first_finding_ns = j["first_finding_ns"].get<TimeNs>();
      });
  return trial;
}

// The worker: runs one seed, and when it fails writes its files before anything else, then
// shrinks it. Each stage is a line to the parent, so a crash while shrinking loses only that.
void run_seed_stages(const FuzzConfig& config, std::uint64_t seed, const TraceWriter& write_trace, const Emit& emit) {
  Scenario fuzzed;
  try {
    fuzzed = fuzz_scenario(config.base, seed);
  } catch (const std::logic_error& e) {
    throw InfraError(fmt::format("the fuzzed scenario of seed {} is invalid: {}", seed, e.what()));
  }
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
  if (!write_trace(trace_path(path), failure, traced, &error)) throw InfraError(error);
  record["file"] = rel;
  emit(record.dump());
  if (!config.shrink) return;

  ShrinkResult shrunk = shrink(failure, result, *sig, config.shrink_options, true);
  nlohmann::json line = write_shrunk(config, *sig, seed, shrunk, failure.name, &write_trace);
  line["type"] = "shrunk";
  line["seed"] = seed;
  emit(line.dump());
}

void run_seed(const FuzzConfig& config, std::uint64_t seed, const TraceWriter& write_trace, const Emit& emit) {
  try {
    run_seed_stages(config, seed, write_trace, emit);
  } catch (const InfraError& e) {
    emit(nlohmann::json{{"infra_error", e.what()}}.dump());
  }
}

// A seed whose run killed its worker: the parent writes its scenario, then shrinks it with every
// candidate in a worker process of its own (run_isolated), so the shrink survives the crashes it
// provokes. The parent waits for that shrink; crashing seeds are rare, and each candidate is one run.
nlohmann::json crash_record(const FuzzConfig& config, std::uint64_t seed, const std::string& sig,
                            std::vector<std::string>& errors) {
  nlohmann::json record = {{"type", "seed"}, {"seed", seed}, {"verdict", "fail"}, {"signature", sig}};
  const std::string rel = fmt::format("{}/seed-{}.json", slug(sig), seed);
  const std::string path = (std::filesystem::path(config.out_dir) / rel).string();
  try {
    const Scenario failing = fuzz_scenario(config.base, seed);
    write_or_throw(path, scenario_text(failing));
    write_or_throw(expect_path(path),
                   nlohmann::json{{"format", "dsim-failure"}, {"version", 1}, {"signature", sig}, {"seed", seed}}.dump(2) +
                       "\n");
    record["file"] = rel;
    if (!config.shrink) return record;
    Trial crashed;
    crashed.signature = sig;
    ShrinkResult shrunk = shrink_with(failing, crashed, sig, config.shrink_options, run_isolated);
    record["shrunk"] = write_shrunk(config, sig, seed, shrunk, failing.name, nullptr);
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("seed {}: {}", seed, e.what()));
    return nlohmann::json();  // the crash is not recorded without its files: a resumed run retries it
  }
  return record;
}

// The parent's view of a finished worker: its lines merged into one record; a crash before the
// seed's verdict becomes the failure "crash:SIGNAL", with the scenario written by the parent.
nlohmann::json collect(const FuzzConfig& config, std::uint64_t seed, const JobOutput& out,
                       std::vector<std::string>& errors) {
  nlohmann::json record;
  bool infra = false;
  for (const std::string& line : out.lines) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("infra_error") && j["infra_error"].is_string()) {
      errors.push_back(fmt::format("seed {}: {}", seed, j["infra_error"].get<std::string>()));
      infra = true;
    } else if (j.is_discarded() || !j.is_object()) {
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
  // Files the worker could not write: no record, so the seed is neither a failure nor done.
  if (infra && out.signal == 0) return nlohmann::json();
  const bool died = out.signal != 0 || out.exit_status != 0;
  if (record.is_object()) {
    if (died && record["verdict"] == "fail" && config.shrink && !record.contains("shrunk")) {
      record["shrink_error"] = out.signal ? "the shrinker crashed: " + signal_name(out.signal) : "the shrinker failed";
    }
    return record;
  }
  // No verdict: the run itself crashed (or threw). It is a failure, found by this seed.
  return crash_record(config, seed, out.signal ? "crash:" + signal_name(out.signal) : "crash:exit", errors);
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

std::string fuzz_problem(const FuzzConfig& config) {
  // Each swarm action may bring its undo: at most twice faults_max actions per seed.
  const std::size_t added_max = 2 * std::size_t{derive_limits(config.base).faults_max};
  if (config.base.faults.size() + added_max > kScenarioFaultsMax) {
    return fmt::format("the scenario has {} faults; with up to {} swarm faults per seed that passes the limit of {}",
                       config.base.faults.size(), added_max, kScenarioFaultsMax);
  }
  try {
    (void)fuzz_scenario(config.base, config.seeds.from);
  } catch (const std::exception& e) {
    return fmt::format("the fuzzed scenario of seed {} is invalid: {}", config.seeds.from, e.what());
  }
  return "";
}

nlohmann::json results_header(const FuzzConfig& config) {
  return {{"type", "header"},
          {"format", "dsim-fuzz-results"},
          {"version", 1},
          {"scenario", config.base.name},
          {"scenario_digest", hex(hash_bytes(scenario_text(config.base)))},
          {"seeds", {{"from", config.seeds.from}, {"to", config.seeds.to}}},
          {"shard", {{"index", config.shard.index}, {"count", config.shard.count}}}};
}

FuzzOutcome fuzz(const FuzzConfig& config, const Progress& progress) {
  assert(config.jobs >= 1 && config.jobs <= kParallelMax);
  std::map<std::uint64_t, nlohmann::json> by_seed;
  for (const auto& r : config.recorded) by_seed.emplace(r["seed"].get<std::uint64_t>(), r);
  std::vector<std::uint64_t> seeds;
  for (const std::uint64_t s : shard_seeds(config.seeds, config.shard)) {
    if (!by_seed.count(s)) seeds.push_back(s);
  }
  FuzzOutcome outcome;
  outcome.header = results_header(config);
  std::size_t done = 0;
  assert(config.write_trace);
  const TraceWriter& write_trace = config.write_trace;
  // Long-lived workers: a fork per seed cost about half the seed's own run. A seed's record
  // cannot depend on which seeds its worker ran before (docs/architecture.md, "Worker processes").
  run_pooled(
      seeds.size(), config.jobs,
      [&](std::size_t i, const Emit& emit) { run_seed(config, seeds[i], write_trace, emit); },
      [&](std::size_t i, JobOutput out) {
        nlohmann::json record = collect(config, seeds[i], out, outcome.errors);
        ++done;
        if (record.is_null()) return;
        if (progress) progress(record, done, seeds.size());
        by_seed.emplace(seeds[i], std::move(record));
      });
  for (auto& [seed, record] : by_seed) outcome.records.push_back(std::move(record));
  return outcome;
}

std::string results_text(const FuzzOutcome& outcome) {
  std::string out = outcome.header.dump() + "\n";
  for (const auto& r : outcome.records) out += r.dump() + "\n";
  return out;
}

std::string seed_record_problem(const nlohmann::json& r) {
  if (!r.is_object() || r.value("type", "") != "seed") return "expected a seed record ({\"type\": \"seed\", ...})";
  if (!r.contains("seed") || !r["seed"].is_number_unsigned()) return "expected an unsigned \"seed\" in a seed record";
  if (!r.contains("verdict") || !r["verdict"].is_string()) return "expected a \"verdict\" string in a seed record";
  const std::string verdict = r["verdict"].get<std::string>();
  if (verdict != "pass" && verdict != "fail") {
    return fmt::format("expected the verdict \"pass\" or \"fail\", found \"{}\"", verdict.substr(0, 40));
  }
  if (verdict == "fail" && (!r.contains("signature") || !r["signature"].is_string())) {
    return "expected a \"signature\" string in a failing seed's record";
  }
  if (r.contains("fingerprint") && !r["fingerprint"].is_string()) return "expected \"fingerprint\" to be a string";
  return "";
}

std::optional<std::vector<nlohmann::json>> resume_records(const std::string& text, const nlohmann::json& header,
                                                          std::string* error) {
  const auto fail = [&](std::size_t line_no, const std::string& why) {
    if (error) *error = line_no ? fmt::format("line {}: {}", line_no, why) : why;
    return std::nullopt;
  };
  std::vector<nlohmann::json> records;
  std::map<std::uint64_t, bool> seen;
  std::size_t from = 0, line_no = 0;
  while (from < text.size()) {
    const std::size_t nl = text.find('\n', from);
    if (nl == std::string::npos) break;  // cut short by a kill: that seed runs again
    const auto j = nlohmann::json::parse(text.substr(from, nl - from), nullptr, false);
    from = nl + 1;
    ++line_no;
    if (line_no == 1) {
      if (j != header) {
        return fail(1, "these results are of another scenario, seed range or shard: resume needs the same ones "
                       "(or remove the file to start over)");
      }
      continue;
    }
    if (const std::string problem = seed_record_problem(j); !problem.empty()) return fail(line_no, problem);
    const auto seed = j["seed"].get<std::uint64_t>();
    if (!seen.emplace(seed, true).second) return fail(line_no, fmt::format("seed {} appears twice", seed));
    records.push_back(j);
  }
  if (line_no == 0) return records;  // nothing was written yet (killed before the header)
  const auto in_shard = shard_seeds({header["seeds"]["from"].get<std::uint64_t>(), header["seeds"]["to"].get<std::uint64_t>()},
                                    {header["shard"]["index"].get<std::uint32_t>(), header["shard"]["count"].get<std::uint32_t>()});
  for (const auto& r : records) {
    if (!std::binary_search(in_shard.begin(), in_shard.end(), r["seed"].get<std::uint64_t>())) {
      return fail(0, fmt::format("seed {} is not in this shard's seeds", r["seed"].get<std::uint64_t>()));
    }
  }
  return records;
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
      const auto ms = [](const nlohmann::json& d) { return d.is_number() ? format_ms(d.get<double>()) : d.dump(); };
      // A crash's run ends before its operations and events are counted: "?".
      const auto n = [](const nlohmann::json& d, const char* key) { return d.contains(key) ? d[key].dump() : "?"; };
      out += fmt::format("    shrunk:  {} (faults {} -> {}, ops {} -> {}, events processed {} -> {}, nodes {} -> {}, {} -> {})\n",
                         sh["file"].get<std::string>(), n(b, "faults"), n(a, "faults"), n(b, "ops"), n(a, "ops"),
                         n(b, "events"), n(a, "events"), n(b, "nodes"), n(a, "nodes"), ms(b["duration_ms"]),
                         ms(a["duration_ms"]));
      // What the shrunk file promises about its faults (docs/fuzzing.md, "Shrinking").
      const std::string control = sh.value("cause_control", "");
      if (control == "faults") out += "             its faults are the cause: without them it passes\n";
      if (control == "none") out += "             it fails without any fault too\n";
    }
  }
  return out;
}

}  // namespace dsim::fuzz
