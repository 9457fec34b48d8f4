// `dsim fuzz-report RESULTS...`: merge the JSON-lines results of `dsim fuzz` shards into one
// summary (and JUnit XML for CI). The merge of all the shards equals the summary of one run.
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/core/file.h"
#include "sim/core/text.h"
#include "sim/fuzz/driver.h"

namespace dsim::cli {

namespace {

constexpr std::size_t kResultsFilesMax = 1'000'000;
constexpr std::size_t kResultsBytesMax = std::size_t{4} << 30;  // 10M seeds of a few hundred bytes

struct ReportArgs {
  std::vector<std::string> files;
  std::string json_path;
  std::string junit_path;
  bool quiet = false;
};

// Seeds listed in a message about missing ones; the count is always exact.
constexpr std::size_t kMissingListedMax = 10;

// What is wrong with a results file's header line; empty when nothing is.
std::string header_problem(const nlohmann::json& j) {
  if (!j.is_object() || j.value("type", "") != "header" || j.value("format", "") != "dsim-fuzz-results") {
    return "expected a dsim fuzz results file (its first line a \"dsim-fuzz-results\" header)";
  }
  const auto unsigned_at = [&](const char* a, const char* b) {
    return j.contains(a) && j[a].is_object() && j[a].contains(b) && j[a][b].is_number_unsigned();
  };
  if (!unsigned_at("seeds", "from") || !unsigned_at("seeds", "to") || j["seeds"]["from"] > j["seeds"]["to"] ||
      j["seeds"]["to"].get<std::uint64_t>() - j["seeds"]["from"].get<std::uint64_t>() >= fuzz::kSeedsMax) {
    return fmt::format("expected \"seeds\": {{\"from\": A, \"to\": B}} with A <= B, at most {} seeds", fuzz::kSeedsMax);
  }
  if (!unsigned_at("shard", "index") || !unsigned_at("shard", "count") || j["shard"]["index"] < 1 ||
      j["shard"]["index"] > j["shard"]["count"] || j["shard"]["count"] > fuzz::kShardsMax) {
    return fmt::format("expected \"shard\": {{\"index\": K, \"count\": N}} with 1 <= K <= N <= {}", fuzz::kShardsMax);
  }
  return "";
}

// The seeds of the header's shard that `file` does not record.
std::string missing_problem(const nlohmann::json& header, const std::set<std::uint64_t>& in_file) {
  const fuzz::SeedRange range{header["seeds"]["from"].get<std::uint64_t>(), header["seeds"]["to"].get<std::uint64_t>()};
  const fuzz::Shard shard{header["shard"]["index"].get<std::uint32_t>(), header["shard"]["count"].get<std::uint32_t>()};
  std::vector<std::uint64_t> missing;
  std::size_t count = 0;
  for (const std::uint64_t s : fuzz::shard_seeds(range, shard)) {
    if (in_file.count(s)) continue;
    ++count;
    if (missing.size() < kMissingListedMax) missing.push_back(s);
  }
  if (count == 0) return "";
  return fmt::format("{} seed(s) of shard {}/{} of {}..{} have no record: {}{} (an interrupted run? finish it with "
                     "dsim fuzz --resume)",
                     count, shard.index, shard.count, range.from, range.to, fmt::join(missing, ", "),
                     count > missing.size() ? ", ..." : "");
}

struct Merged {
  nlohmann::json header;
  std::vector<nlohmann::json> records;
  std::set<std::uint64_t> seen;
  std::map<std::uint32_t, std::set<std::uint32_t>> shards;  // count -> indices seen
};

// Reads one results file into `merged`; false (the problem printed) when it is not a complete,
// well-formed results file consistent with the files before it.
bool read_results(const std::string& file, Merged& merged) {
  const std::string name = terminal_safe(file);
  std::string error;
  const auto text = read_file(file, kResultsBytesMax, &error);
  if (!text) {
    std::cerr << fmt::format("dsim fuzz-report: {}: {}\n", name, error);
    return false;
  }
  std::size_t line_no = 0, from = 0;
  nlohmann::json header;
  std::set<std::uint64_t> in_file;
  const auto bad = [&](const std::string& why) {
    std::cerr << fmt::format("dsim fuzz-report: {}:{}: {}\n", name, line_no, terminal_safe(why));
    return false;
  };
  while (from < text->size()) {
    std::size_t nl = text->find('\n', from);
    if (nl == std::string::npos) nl = text->size();
    const std::string line = text->substr(from, nl - from);
    from = nl + 1;
    ++line_no;
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return bad("expected a JSON object per line");
    if (line_no == 1) {
      if (const std::string problem = header_problem(j); !problem.empty()) return bad(problem);
      if (merged.header.is_null()) {
        merged.header = j;
      } else if (j["scenario_digest"] != merged.header["scenario_digest"] || j["seeds"] != merged.header["seeds"]) {
        return bad("these results are of another scenario or seed range than the first file's");
      }
      header = j;
      merged.shards[j["shard"]["count"].get<std::uint32_t>()].insert(j["shard"]["index"].get<std::uint32_t>());
      continue;
    }
    if (const std::string problem = fuzz::seed_record_problem(j); !problem.empty()) return bad(problem);
    const auto seed = j["seed"].get<std::uint64_t>();
    if (!merged.seen.insert(seed).second) return bad(fmt::format("seed {} appears twice (the same shard given twice?)", seed));
    in_file.insert(seed);
    merged.records.push_back(j);
  }
  if (line_no == 0) {
    std::cerr << fmt::format("dsim fuzz-report: {}: empty results file\n", name);
    return false;
  }
  if (const std::string problem = missing_problem(header, in_file); !problem.empty()) {
    std::cerr << fmt::format("dsim fuzz-report: {}: {}\n", name, problem);
    return false;
  }
  return true;
}

int run(const ReportArgs& args) {
  Merged merged;
  for (const std::string& file : args.files) {
    if (!read_results(file, merged)) return kExitBadInput;
  }
  // Coverage: the shards given must be all of one split, or the summary is of part of the range.
  const auto& shards = merged.shards;
  const bool complete = shards.size() == 1 && shards.begin()->second.size() == shards.begin()->first;
  if (!complete) {
    std::cerr << "dsim fuzz-report: warning: the files do not cover every shard of one split; the summary is partial\n";
  }
  const nlohmann::json summary = fuzz::summarize(merged.header, merged.records);
  std::string error;
  if (!args.json_path.empty() && !write_file_atomic(args.json_path, summary.dump(2) + "\n", &error)) {
    std::cerr << "dsim fuzz-report: " << error << "\n";
    return kExitBadInput;
  }
  if (!args.junit_path.empty() && !write_file_atomic(args.junit_path, fuzz::junit_xml(summary), &error)) {
    std::cerr << "dsim fuzz-report: " << error << "\n";
    return kExitBadInput;
  }
  if (!args.quiet) std::cout << terminal_safe(fuzz::summary_text(summary));
  return summary["seeds_failed"].get<std::uint64_t>() > 0 ? kExitViolated : kExitHeld;
}

}  // namespace

void add_fuzz_report_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz-report", "Merge the results of dsim fuzz shards into one summary");
  cmd->add_option("results", args->files, "Results files (JSON lines) written by dsim fuzz")
      ->required()
      ->expected(1, static_cast<int>(kResultsFilesMax));
  cmd->add_option("--json", args->json_path, "Write the merged summary (JSON) here");
  cmd->add_option("--junit", args->junit_path, "Write the merged summary as JUnit XML here");
  cmd->add_flag("-q,--quiet", args->quiet, "Print nothing; the exit code says the verdict");
  cmd->footer("Exit: 0 no seed failed, 1 some seed failed, 2 bad input.");
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace dsim::cli
