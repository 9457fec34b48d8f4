// Swarm testing as a RapidCheck property, with the fuzzer's own generator and shrinker. Use it
// inside a property of any test suite (which links RapidCheck; the engine library does not):
//
//   RC_GTEST_PROP(MyProtocol, SafeUnderSwarmFaults, ()) {
//     dsim::fuzz::swarm_property(base_scenario, "/tmp/my-protocol-failures");
//   }
//
// RapidCheck draws the seed and does not shrink it (a neighbouring seed is a different fault mix,
// not a smaller one); a failing seed is shrunk by fuzz::shrink instead, written as a standalone
// scenario file (with its .expect.json, so `dsim replay` checks it) and the property fails with
// the file's path and its JSON.
#pragma once

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <rapidcheck.h>

#include "sim/core/file.h"
#include "sim/fuzz/driver.h"
#include "sim/fuzz/generator.h"
#include "sim/fuzz/shrink.h"

namespace dsim::fuzz {

inline void swarm_property(const Scenario& base, const std::string& out_dir, const ShrinkOptions& options = {}) {
  const auto seed = *rc::gen::noShrink(rc::gen::arbitrary<std::uint64_t>());
  const Scenario fuzzed = fuzz_scenario(base, seed);
  const RunResult result = run_scenario(fuzzed);
  const auto sig = signature(result);
  if (!sig) return;
  Scenario failure = fuzzed;
  failure.expect = expect_failure(*sig, is_liveness(result, *sig));
  ShrinkResult shrunk = shrink(failure, result, *sig, options, false);
  shrunk.scenario.name = failure.name + "-shrunk";
  const std::string path = (std::filesystem::path(out_dir) / slug(*sig) / fmt::format("rc-seed-{}-shrunk.json", seed)).string();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string text = scenario_text(shrunk.scenario);
  const nlohmann::json expect = {{"format", "dsim-failure"}, {"version", 1}, {"signature", *sig},
                                 {"fingerprint", fmt::format("{:016x}", shrunk.result.fingerprint)}, {"seed", seed}};
  std::string error;
  const bool written = write_file_atomic(path, text, &error) && write_file_atomic(expect_path(path), expect.dump(2) + "\n", &error);
  RC_FAIL(fmt::format("seed {} fails with {}; shrunk in {} runs (faults {} -> {}, ops {} -> {}, events {} -> {}) to {}{}:\n{}",
                      seed, *sig, shrunk.runs, shrunk.before.faults, shrunk.after.faults, shrunk.before.ops,
                      shrunk.after.ops, shrunk.before.events, shrunk.after.events, path,
                      written ? "" : " (NOT written: " + error + ")", text));
}

}  // namespace dsim::fuzz
