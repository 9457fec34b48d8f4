// `dsim fuzz` as a library: the seeds of a shard, one forked worker per seed, failure files
// written by the worker the moment its run fails, shrinking, and the results as JSON lines that
// `dsim fuzz-report` merges. The CLI, the tests and the benchmark call it. docs/fuzzing.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.h"
#include "sim/world/fuzz_shrink.h"

namespace dsim::fuzz {

// Seeds in one invocation: the parent keeps a record (a few hundred bytes) per seed. Shard more.
inline constexpr std::uint64_t kSeedsMax = 10'000'000;
inline constexpr std::uint32_t kShardsMax = 1'000'000;

struct SeedRange {
  std::uint64_t from = 0;  // inclusive
  std::uint64_t to = 0;    // inclusive
};

struct Shard {
  std::uint32_t index = 1;  // 1-based, as Slurm and humans count
  std::uint32_t count = 1;
};

// "A..B" (inclusive) or a single seed "A"; nullopt with `error` set when malformed or too long.
std::optional<SeedRange> parse_seed_range(const std::string& text, std::string* error);
// "K/N" with 1 <= K <= N.
std::optional<Shard> parse_shard(const std::string& text, std::string* error);
// The seeds of shard K/N, ascending: every N-th seed from from + K - 1, so failing seeds spread
// evenly over the shards. Together the shards cover the range exactly once.
std::vector<std::uint64_t> shard_seeds(SeedRange range, Shard shard);

// Writes a run's trace file (the CLI's write_trace_file: the engine does not know its layout).
using TraceWriter = std::function<bool(const std::string& path, const Scenario&, const RunResult&, std::string* error)>;

struct FuzzConfig {
  Scenario base;
  SeedRange seeds;
  Shard shard;
  std::uint32_t jobs = 1;
  std::string out_dir = "dsim-failures";
  bool shrink = true;
  ShrinkOptions shrink_options;
  TraceWriter write_trace;
};

// What the parent hears as seeds finish, for a progress display. `record` is the seed's line.
using Progress = std::function<void(const nlohmann::json& record, std::size_t done, std::size_t total)>;

struct FuzzOutcome {
  nlohmann::json header;                // the results file's first line
  std::vector<nlohmann::json> records;  // one per seed, ascending by seed
  std::vector<std::string> errors;      // failure files that could not be written, and the like
};

// Runs every seed of the shard; writes the failure files under out_dir as they happen.
FuzzOutcome fuzz(const FuzzConfig& config, const Progress& progress);

// The results as JSON lines: the header, then a line per seed.
std::string results_text(const FuzzOutcome& outcome);
// The merged summary of one or more results files' seed records (any order, duplicates are an
// error for the caller to catch first): seeds run and failed, failures grouped by signature,
// each with its seeds and its smallest shrunk file. Independent of how the seeds were sharded.
nlohmann::json summarize(const nlohmann::json& header, const std::vector<nlohmann::json>& records);
// The summary as JUnit XML: a test case per signature (failed) and one for the passing seeds.
std::string junit_xml(const nlohmann::json& summary);
// The summary for people, a few lines per signature.
std::string summary_text(const nlohmann::json& summary);

// The file beside a failure file that records how it failed: seed-7.json -> seed-7.expect.json.
std::string expect_path(const std::string& scenario_path);
std::string trace_path(const std::string& scenario_path);

}  // namespace dsim::fuzz
