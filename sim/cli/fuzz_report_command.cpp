// `dsim fuzz-report RESULTS...`: merge the JSON-lines results of `dsim fuzz` shards into one
// summary (and JUnit XML for CI). The merge of all the shards equals the summary of one run.
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "sim/cli/commands.h"
#include "sim/core/file.h"
#include "sim/world/fuzz_driver.h"

namespace dsim::cli {

namespace {

constexpr std::size_t kResultsFilesMax = 1'000'000;

struct ReportArgs {
  std::vector<std::string> files;
  std::string json_path;
  std::string junit_path;
  bool quiet = false;
};

int run(const ReportArgs& args) {
  nlohmann::json header;
  std::vector<nlohmann::json> records;
  std::set<std::uint64_t> seen;
  std::map<std::uint32_t, std::set<std::uint32_t>> shards;  // count -> indices seen
  for (const std::string& file : args.files) {
    std::string error;
    const auto text = read_file(file, &error);
    if (!text) {
      std::cerr << fmt::format("dsim fuzz-report: {}: {}\n", file, error);
      return kExitBadInput;
    }
    std::size_t line_no = 0, from = 0;
    while (from < text->size()) {
      std::size_t nl = text->find('\n', from);
      if (nl == std::string::npos) nl = text->size();
      const std::string line = text->substr(from, nl - from);
      from = nl + 1;
      ++line_no;
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line, nullptr, false);
      const auto bad = [&](const std::string& why) {
        std::cerr << fmt::format("dsim fuzz-report: {}:{}: {}\n", file, line_no, why);
        return kExitBadInput;
      };
      if (!j.is_object()) return bad("expected a JSON object per line");
      const std::string type = j.value("type", "");
      if (line_no == 1) {
        if (type != "header" || j.value("format", "") != "dsim-fuzz-results") {
          return bad("expected a dsim fuzz results file (its first line a \"dsim-fuzz-results\" header)");
        }
        if (header.is_null()) {
          header = j;
        } else if (j["scenario_digest"] != header["scenario_digest"] || j["seeds"] != header["seeds"]) {
          return bad("these results are of another scenario or seed range than the first file's");
        }
        shards[j["shard"]["count"].get<std::uint32_t>()].insert(j["shard"]["index"].get<std::uint32_t>());
        continue;
      }
      if (type != "seed" || !j.contains("seed") || !j["seed"].is_number_unsigned() || !j.contains("verdict")) {
        return bad("expected a seed record");
      }
      if (!seen.insert(j["seed"].get<std::uint64_t>()).second) {
        return bad(fmt::format("seed {} appears twice (the same shard given twice?)", j["seed"].get<std::uint64_t>()));
      }
      if (j["verdict"] == "fail" && !j.contains("signature")) return bad("expected a signature in a failing seed");
      records.push_back(j);
    }
    if (line_no == 0) {
      std::cerr << fmt::format("dsim fuzz-report: {}: empty results file\n", file);
      return kExitBadInput;
    }
  }
  // Coverage: the shards given must be all of one split, or the summary is of part of the range.
  const bool complete = shards.size() == 1 && shards.begin()->second.size() == shards.begin()->first;
  if (!complete) {
    std::cerr << "dsim fuzz-report: warning: the files do not cover every shard of one split; the summary is partial\n";
  }
  const nlohmann::json summary = fuzz::summarize(header, records);
  std::string error;
  if (!args.json_path.empty() && !write_file_atomic(args.json_path, summary.dump(2) + "\n", &error)) {
    std::cerr << "dsim fuzz-report: " << error << "\n";
    return kExitBadInput;
  }
  if (!args.junit_path.empty() && !write_file_atomic(args.junit_path, fuzz::junit_xml(summary), &error)) {
    std::cerr << "dsim fuzz-report: " << error << "\n";
    return kExitBadInput;
  }
  if (!args.quiet) std::cout << fuzz::summary_text(summary);
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
