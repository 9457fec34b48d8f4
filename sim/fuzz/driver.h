// `dsim fuzz` as a library: the seeds of a shard run by long-lived worker processes, failure files
// written by the worker the moment its run fails, shrinking, and the results as JSON lines that
// `dsim fuzz-report` merges. The CLI, the tests and the benchmark call it. docs/fuzzing.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/seed_range.h"
#include "sim/scenario/scenario.h"
#include "sim/fuzz/shrink.h"

namespace dsim::fuzz {

using dsim::kSeedsMax;
using dsim::parse_seed_range;
using dsim::SeedRange;
inline constexpr std::uint32_t kShardsMax = 1'000'000;

struct Shard {
  std::uint32_t index = 1;  // 1-based, as Slurm and humans count
  std::uint32_t count = 1;
};

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
  // Seed records already done (read back from an interrupted run's results by --resume): their
  // seeds are not run again, and the outcome holds them as if they had been.
  std::vector<nlohmann::json> recorded;
};

// Why `base` cannot be fuzzed at all (its own faults plus a seed's swarm faults would pass the
// scenario format's limit, or a fuzzed seed does not validate); empty when it can. Checked before
// the first seed runs: an infrastructure problem, not a failure of the protocol.
std::string fuzz_problem(const FuzzConfig& config);

// The results file's first line for this configuration.
nlohmann::json results_header(const FuzzConfig& config);

// What the parent hears as seeds finish, for a progress display. `record` is the seed's line.
using Progress = std::function<void(const nlohmann::json& record, std::size_t done, std::size_t total)>;

struct FuzzOutcome {
  nlohmann::json header;                // the results file's first line
  std::vector<nlohmann::json> records;  // one per seed recorded, ascending by seed
  std::vector<std::string> errors;      // infrastructure errors: a seed with one has no record
};

// Runs every seed of the shard not yet recorded; writes the failure files under out_dir as they
// happen, and then calls `progress` with the seed's record. A seed whose files could not be
// written (an infrastructure error, in `errors`) gets no record and no progress call: it is not
// a failure of the protocol, and a resumed run does it again.
FuzzOutcome fuzz(const FuzzConfig& config, const Progress& progress);

// The results as JSON lines: the header, then a line per seed.
std::string results_text(const FuzzOutcome& outcome);
// What is wrong with one seed line of a results file (type "seed", an unsigned seed, a verdict
// "pass" or "fail", a failure's signature string); empty when nothing is.
std::string seed_record_problem(const nlohmann::json& record);

// An interrupted run's results, read back for --resume: the seed records of `text` after a header
// equal to `header`. A last line cut short (no newline: the writer was killed mid-line) is
// dropped; any other bad line is an error. nullopt with `error` set when the file does not fit.
std::optional<std::vector<nlohmann::json>> resume_records(const std::string& text, const nlohmann::json& header,
                                                          std::string* error);
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
