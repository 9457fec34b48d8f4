// The dsim binary against hostile input: the committed corpus under tests/hostile (malformed
// scenarios, histories, traces, fuzz results), device files, FIFOs, symlinks and folders made at
// test time, and bad flags. Each case names the exit code and a fragment of the message; every
// command runs under `timeout`, so a hang fails the case instead of the suite.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace dsim::cli_test {
namespace {

namespace fs = std::filesystem;

struct Output {
  int exit_code = -1;  // -1: killed by a signal
  std::string text;    // stdout and stderr together
};

Output sh(const std::string& line) {
  Output o;
  FILE* pipe = ::popen(("timeout -k 5 60 " + line + " 2>&1").c_str(), "r");
  if (!pipe) return o;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) o.text.append(buf, std::min<std::size_t>(n, sizeof buf));
  const int status = ::pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The folder of test-time files: a FIFO, a symlink to /dev/zero, an empty folder, outputs.
const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / fmt::format("dsim-hostile-{}", ::getpid());
    fs::remove_all(d);
    fs::create_directories(d / "empty-dir");
    fs::create_symlink("/dev/zero", d / "zero-link");
    ::mkfifo((d / "fifo").c_str(), 0644);
    return d;
  }();
  return dir;
}

std::string expand(std::string text) {
  const std::pair<std::string, std::string> vars[] = {
      {"{dsim}", DSIM_BINARY}, {"{h}", DSIM_SOURCE_DIR "/tests/hostile"}, {"{t}", scratch().string()}};
  for (const auto& [from, to] : vars) {
    for (std::size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
      text.replace(p, from.size(), to);
    }
  }
  return text;
}

struct Case {
  std::string args;      // after the binary; {h} is the corpus, {t} the scratch folder
  int exit_code;
  std::string fragment;  // must appear in the output
  std::string also = {};  // and this too, when not empty
};

void expect_case(const Case& c) {
  const std::string command = expand("{dsim} " + c.args);
  const Output o = sh(command);
  EXPECT_EQ(o.exit_code, c.exit_code) << command << "\n" << o.text;
  EXPECT_NE(o.text.find(expand(c.fragment)), std::string::npos) << command << "\nexpected: " << c.fragment << "\n" << o.text;
  EXPECT_NE(o.text.find(expand(c.also)), std::string::npos) << command << "\nexpected: " << c.also << "\n" << o.text;
  EXPECT_EQ(o.text.find('\x1b'), std::string::npos) << command << ": a raw escape reached the terminal";
  EXPECT_LT(o.text.size(), 64u << 10) << command << ": the message is too long";
}

// Special files, each with what the refusal says.
struct Special {
  std::string path;
  std::string says;
};
const std::vector<Special>& specials() {
  static const std::vector<Special> list = {
      {"/dev/zero", "expected a regular file, found a character device"},
      {"/dev/urandom", "expected a regular file, found a character device"},
      {"{t}/zero-link", "expected a regular file, found a character device"},
      {"{t}/fifo", "expected a regular file, found a FIFO"},
      {"/proc/self/mem", "read failed: Input/output error"},
      {"{t}/empty-dir", "expected a regular file, found a directory"},
  };
  return list;
}

// Every command that reads a file, with the file as {f}.
const std::vector<std::string>& readers() {
  static const std::vector<std::string> list = {
      "validate {f}",
      "run {f}",
      "replay {f}",
      "fuzz {f} --seeds 1..2 --out {t}/fuzz-out",
      "viz {f} -o {t}/out.html",
      "export {f} --format edn",
      "fuzz-report {f}",
      "check {f} --model cas-register",
  };
  return list;
}

TEST(Hostile, SpecialFilesAreRefusedByEveryCommandWithoutBlocking) {
  int cases = 0;
  for (const Special& s : specials()) {
    for (std::string reader : readers()) {
      reader.replace(reader.find("{f}"), 3, s.path);
      std::string says = s.says;
      // `validate DIR` validates the scenarios in the folder; this one has none.
      if (reader.rfind("validate", 0) == 0 && s.path.find("dir") != std::string::npos) says = "no scenario files";
      expect_case({reader, 2, s.path, says});  // the file named, and why it is refused
      ++cases;
    }
  }
  EXPECT_EQ(cases, 48);
}

const std::vector<Case>& corpus_cases() {
  static const std::vector<Case> list = {
      // Scenarios.
      {"validate {h}/scenario-empty.json", 2, "{h}/scenario-empty.json:"},
      {"validate {h}/scenario-not-json.json", 2, "scenario-not-json.json:1:1:"},
      {"validate {h}/scenario-truncated.json", 2, "scenario-truncated.json:2:"},
      {"validate {h}/scenario-top-array.json", 2, "expected an object"},
      {"validate {h}/scenario-deep.json", 2, "levels of nested arrays and objects"},
      {"validate {h}/scenario-duplicate-key.json", 2, "/name"},
      {"validate {h}/scenario-nul.json", 2, "scenario-nul.json:1:"},
      {"validate {h}/scenario-bad-utf8.json", 2, "scenario-bad-utf8.json:1:"},
      {"validate {h}/scenario-control-chars.json", 2, "na\\x1b]0;pwned\\x07me"},
      {"validate {h}/scenario-many-errors.json", 2, "... and 11 more problem(s) not shown"},
      {"validate {h}/scenario-negative-seed.json", 2, "/run/seed: expected"},
      {"validate {h}/scenario-huge-duration.json", 2, "/run/duration_ms: expected a duration"},
      {"validate {h}/scenario-huge-nodes.json", 2, "/cluster/nodes: expected"},
      {"validate {h}/scenario-slow-bad-delay.json", 2, "/faults/0/delay: expected a delay of at most 60000 ms per event"},
      {"run {h}/scenario-not-json.json", 2, "scenario-not-json.json:1:1:"},
      {"fuzz {h}/scenario-deep.json --seeds 1..2 --out {t}/fuzz-out", 2, "levels of nested"},
      {"validate {h}/missing.json", 2, "missing.json: cannot open: No such file or directory"},
      // Histories.
      {"check {h}/history-empty.edn --model cas-register", 2, "history-empty.edn:1: expected JSON"},
      {"check {h}/history-garbage.log --model cas-register", 2, "history-garbage.log"},
      {"check {h}/history-unknown-f.edn --model cas-register", 2, "history-unknown-f.edn:1:"},
      {"check {h}/history-truncated.json --model cas-register", 2, "history-truncated.json"},
      {"check {h}/history-bad-type.edn --model cas-register", 2, "history-bad-type.edn:1:"},
      // Traces.
      {"export {h}/trace-not-json.json --format edn", 2, "trace-not-json.json:1: not valid JSON"},
      {"export {h}/trace-wrong-format.json --format perfetto", 2, "trace-wrong-format.json: "},
      {"export {h}/trace-truncated.json --format shiviz", 2, "the trace is truncated"},
      {"export {h}/trace-future-version.json --format edn", 2, "trace-future-version.json: "},
      {"viz {h}/trace-not-json.json -o -", 2, "trace-not-json.json:1: not valid JSON"},
      {"viz {h}/trace-truncated.json -o {t}/t.html", 2, "trace-truncated.json"},
      // Fuzz results.
      {"fuzz-report {h}/results-empty.jsonl", 2, "results-empty.jsonl: empty results file"},
      {"fuzz-report {h}/results-no-header.jsonl", 2, "results-no-header.jsonl:1: expected a dsim fuzz results file"},
      {"fuzz-report {h}/results-bad-verdict.jsonl", 2, "results-bad-verdict.jsonl:3: expected the verdict \"pass\" or \"fail\", found \"maybe\""},
      {"fuzz-report {h}/results-missing-seeds.jsonl", 2, "2 seed(s) of shard 1/1 of 1..4 have no record: 2, 3"},
      {"fuzz-report {h}/results-malformed-line.jsonl", 2, "results-malformed-line.jsonl:3: expected a JSON object per line"},
      {"fuzz-report {h}/results-bad-shard.jsonl", 2, "results-bad-shard.jsonl:1: expected \"shard\""},
      {"fuzz-report {h}/results-duplicate-seed.jsonl", 2, "results-duplicate-seed.jsonl:4: seed 2 appears twice"},
      {"fuzz-report {h}/results-fail-without-signature.jsonl", 2, "results-fail-without-signature.jsonl:3: expected a \"signature\""},
      {"fuzz-report {h}/results-negative-range.jsonl", 2, "results-negative-range.jsonl:1: expected \"seeds\""},
      {"fuzz-report {h}/results-string-seed.jsonl", 2, "results-string-seed.jsonl:2: expected an unsigned \"seed\""},
      // Replay.
      {"replay {h}/replay-bad-sidecar.json", 2, "replay-bad-sidecar.expect.json: expected a JSON object with a \"signature\" string"},
  };
  return list;
}

TEST(Hostile, CorpusFilesGetPreciseMessages) {
  for (const Case& c : corpus_cases()) expect_case(c);
}

const std::vector<Case>& flag_cases() {
  static const std::vector<Case> list = {
      {"run {h}/tiny.json --seed -1", 2, "dsim run: --seed: expected an integer from 0 to 18446744073709551615, found \"-1\""},
      {"run {h}/tiny.json --seed 18446744073709551616", 2, "found \"18446744073709551616\""},
      {"run {h}/tiny.json --seed 1x", 2, "found \"1x\""},
      {"run {h}/tiny.json --until 1e300", 2, "--until: expected a duration in milliseconds more than 0 and at most 604800000 (7 days)"},
      {"run {h}/tiny.json --until nan", 2, "found \"nan\""},
      {"run {h}/tiny.json --until inf", 2, "found \"inf\""},
      {"run {h}/tiny.json --until 0", 2, "found \"0\""},
      {"run {h}/tiny.json --until 604800001", 2, "found \"604800001\""},
      {"run {h}/tiny.json --trace ''", 2, "--trace: expected a file path, found an empty one"},
      {"run {h}/tiny.json --trace /dev/null/t.json", 2, "dsim run: cannot write /dev/null/t.json: Not a directory"},
      {"run {h}/tiny.json --trace {t}/empty-dir", 2, "it is a directory"},
      {"replay {h}/tiny.json --trace /dev/null/t.json", 2, "dsim replay: cannot write /dev/null/t.json: Not a directory"},
      {"check {h}/history-empty.edn --model cas-register --timeout -1", 2, "--timeout: expected a number from 0 to 2592000"},
      {"check {h}/history-empty.edn --model cas-register --timeout 1e400", 2, "found \"1e400\""},
      {"check {h}/history-empty.edn --model cas-register --steps-max 0", 2, "--steps-max: expected an integer from 1 to"},
      {"check {h}/history-empty.edn --model cas-register --memo-bytes-max -5", 2, "found \"-5\""},
      {"fuzz {h}/tiny.json --seeds 1..2 -j 0 --out {t}/f", 2, "-j"},
      {"fuzz {h}/tiny.json --seeds 1..2 --out /dev/null/x", 2, "dsim fuzz: cannot create /dev/null/x"},
      {"fuzz {h}/tiny.json --seeds 1..2 --out {t}/f --results /dev/null/r.jsonl", 2, "cannot write /dev/null/r.jsonl"},
      {"fuzz {h}/tiny.json --seeds 1..2 --out {t}/f --results {t}/empty-dir", 2, "cannot write {t}/empty-dir: it is a directory"},
      {"fuzz {h}/tiny.json --seeds -1..2 --out {t}/f", 2, "expected seeds as A..B"},
      {"fuzz {h}/tiny.json --seeds 1..18446744073709551616 --out {t}/f", 2, "expected seeds as A..B"},
      {"export {h}/trace-not-json.json --format edn -o ''", 2, "expected a file path, found an empty one"},
      {"viz {h}/trace-not-json.json -o ''", 2, "expected a file path, found an empty one"},
      {"--version", 0, "dsim 0.1.0"},
      {"run", 2, "file is required"},
      {"frobnicate", 2, "dsim: unknown command \"frobnicate\"; expected one of: run, validate"},
  };
  return list;
}

TEST(Hostile, BadFlagsAreRejectedWithTheRange) {
  for (const Case& c : flag_cases()) expect_case(c);
}

TEST(Hostile, ShowsAtMostTwentyProblemsPerFile) {
  const Output o = sh(expand("{dsim} validate {h}/scenario-many-errors.json"));
  EXPECT_EQ(o.exit_code, 2);
  std::size_t lines = 0;
  for (char ch : o.text) lines += ch == '\n';
  EXPECT_EQ(lines, 21u) << o.text;  // twenty problems and the count of the rest
}

TEST(Hostile, ExportAndVizRefuseToOverwriteTheirInput) {
  const fs::path trace = scratch() / "own.json";
  ASSERT_EQ(sh(expand(fmt::format("{{dsim}} run -q {{h}}/tiny.json --trace {}", trace.string()))).exit_code, 0);
  const std::string before = slurp(trace);
  ASSERT_FALSE(before.empty());
  expect_case({fmt::format("export {} --format edn -o {}", trace.string(), trace.string()), 2,
               "refusing to overwrite the input trace"});
  expect_case({fmt::format("viz {} -o {}", trace.string(), trace.string()), 2, "refusing to overwrite the input trace"});
  EXPECT_EQ(slurp(trace), before);
  // `viz -o -` writes the page to standard output, like export.
  const Output page = sh(expand(fmt::format("{{dsim}} viz {} -o - --assets " DSIM_SOURCE_DIR "/viz", trace.string())));
  EXPECT_EQ(page.exit_code, 0) << page.text;
  EXPECT_NE(page.text.find("<script id=\"dsim-trace\""), std::string::npos);
  // No temporary file is left beside the outputs.
  for (const auto& e : fs::directory_iterator(scratch())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST(Hostile, RunJsonIsOneObjectWithTheVerdictAndCounts) {
  const Output o = sh(expand("{dsim} run --json {h}/tiny.json 2>/dev/null"));
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const auto j = nlohmann::json::parse(o.text, nullptr, false);
  ASSERT_TRUE(j.is_object()) << o.text;
  EXPECT_EQ(j["verdict"], "held");
  EXPECT_TRUE(j["findings"].is_array());
  EXPECT_EQ(j["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_GT(j["counts"]["events_processed"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(j.contains("metrics"));
  const Output list = sh(expand("{dsim} list --json 2>/dev/null"));
  const auto l = nlohmann::json::parse(list.text, nullptr, false);
  ASSERT_TRUE(l.is_object()) << list.text;
  EXPECT_FALSE(l["protocols"].empty());
  EXPECT_FALSE(l["models"].empty());
}

TEST(Hostile, ValidateAFolderValidatesTheScenariosInItButNotTheSchema) {
  const Output o = sh(expand("{dsim} validate " DSIM_SOURCE_DIR "/scenarios"));
  EXPECT_EQ(o.exit_code, 0) << o.text;
  EXPECT_NE(o.text.find("demo.json: ok"), std::string::npos) << o.text;
  EXPECT_EQ(o.text.find("schema.json"), std::string::npos) << o.text;
}

}  // namespace
}  // namespace dsim::cli_test
