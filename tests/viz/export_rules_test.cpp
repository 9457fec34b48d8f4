// The exporters against the rules of the formats they write, and the streaming trace reader:
// Perfetto pairs a flow's ends by id, category and name; Knossos reads an :ok write's value,
// a unique :index per line and [key value] tuples; any key order and any broken trace is
// handled the same way by every command.
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "sim/check/edn.h"
#include "sim/core/file.h"
#include "sim/trace/export_perfetto.h"
#include "sim/trace/trace_reader.h"
#include "tests/viz/support.h"

namespace dsim::viz_test {
namespace {

using nlohmann::json;

json perfetto_of(const std::string& scenario) {
  const fs::path out = work_dir() / (fs::path(scenario).stem().string() + ".perfetto.json");
  const Command c = run(shell_quote(DSIM_BINARY) + " export " + shell_quote(trace_of(scenario).string()) +
                        " --format perfetto -o " + shell_quote(out.string()));
  EXPECT_EQ(c.exit_code, 0) << slurp(work_dir() / "last_stderr.txt");
  return load_json(out);
}

TEST(PerfettoRules, FlowEndsAgreeOnIdCategoryAndName) {
  int duplicates = 0;
  for (const std::string scenario : {"demo.json", "primary-backup/unreliable-network.json"}) {
    SCOPED_TRACE(scenario);
    std::map<std::uint64_t, std::vector<json>> ends;
    const json doc = perfetto_of(scenario);
    for (const json& e : doc["traceEvents"]) {
      if (e["ph"] == "s" || e["ph"] == "f") ends[e["id"].get<std::uint64_t>()].push_back(e);
    }
    ASSERT_FALSE(ends.empty());
    for (const auto& [id, pair] : ends) {
      ASSERT_EQ(pair.size(), 2u) << "flow " << id;
      EXPECT_EQ(pair[0]["cat"], pair[1]["cat"]) << "flow " << id;
      EXPECT_EQ(pair[0]["name"], pair[1]["name"]) << "flow " << id;
      duplicates += pair[0]["name"].get<std::string>().ends_with("(duplicate)");
    }
  }
  EXPECT_GT(duplicates, 0) << "these scenarios duplicate messages; their copies' flows must survive";
}

TEST(PerfettoRules, RolesAreSlicesOnAThreadOfTheirOwn) {
  const json doc = perfetto_of("raft/leader-crash.json");
  std::map<std::int64_t, std::int64_t> role_tid;  // pid -> its "role" thread
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == "role") {
      role_tid[e["pid"].get<std::int64_t>()] = e["tid"].get<std::int64_t>();
    }
  }
  ASSERT_EQ(role_tid.size(), 5u) << "each of the 5 nodes publishes its role";
  std::map<std::int64_t, std::vector<std::pair<double, double>>> spans;
  std::set<std::string> roles;
  for (const json& e : doc["traceEvents"]) {
    if (e["ph"] != "X" || e["cat"] != "state") continue;
    const std::int64_t pid = e["pid"].get<std::int64_t>();
    if (!role_tid.count(pid) || e["tid"] != role_tid[pid]) continue;
    roles.insert(e["name"].get<std::string>());
    EXPECT_GT(e["dur"].get<double>(), 0);
    spans[pid].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
  }
  EXPECT_TRUE(roles.count("leader") && roles.count("follower")) << "roles seen: " << json(roles).dump();
  for (auto& [pid, list] : spans) {
    std::sort(list.begin(), list.end());
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LE(list[i - 1].second, list[i].first + 1e-6) << "pid " << pid;
  }
}

// ---- EDN, as Knossos and jepsen.independent read it ----

std::vector<json> edn_lines(const std::string& scenario) {
  const fs::path out = work_dir() / (fs::path(scenario).stem().string() + ".rules.edn");
  const Command c = run(shell_quote(DSIM_BINARY) + " export " + shell_quote(trace_of(scenario).string()) +
                        " --format edn -o " + shell_quote(out.string()));
  EXPECT_EQ(c.exit_code, 0);
  std::vector<json> lines;
  std::istringstream in(slurp(out));
  for (std::string line; std::getline(in, line);) {
    check::EdnReader reader(line);
    json map;
    EXPECT_TRUE(reader.read(map)) << line;
    lines.push_back(map);
  }
  return lines;
}

void expect_knossos_conventions(const std::vector<json>& lines, bool keyed) {
  ASSERT_FALSE(lines.empty());
  std::map<std::int64_t, json> invoked;  // process -> its open invoke
  int ok_writes = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const json& op = lines[i];
    EXPECT_EQ(op["index"], i) << "each line's own position";
    EXPECT_FALSE(op.contains("key")) << "the key is in the value's tuple";
    if (keyed) {
      EXPECT_TRUE(op["value"].is_array() && op["value"].size() == 2) << op.dump();
    }
    const std::int64_t process = op["process"].get<std::int64_t>();
    if (op["type"] == ":invoke") {
      invoked[process] = op;
      continue;
    }
    ASSERT_TRUE(invoked.count(process)) << op.dump();
    const json invoke = invoked[process];
    invoked.erase(process);
    const std::string f = op["f"];
    if (op["type"] == ":ok" && f != ":read" && f != ":get") {
      EXPECT_EQ(op["value"], invoke["value"]) << "an :ok " << f << " carries its value: " << op.dump();
      EXPECT_FALSE(op["value"].is_null());
      ++ok_writes;
    }
    if (keyed) {
      EXPECT_EQ(op["value"][0], invoke["value"][0]) << "same key on both lines";
    }
  }
  EXPECT_GT(ok_writes, 0);
}

TEST(EdnRules, RegisterHistoryFollowsKnossos) { expect_knossos_conventions(edn_lines("raft/leader-crash.json"), false); }

TEST(EdnRules, KvHistoryUsesIndependentTuples) {
  if (!scenario_exists("raft/minority-partition.json")) GTEST_SKIP() << "no kv scenario in this build";
  expect_knossos_conventions(edn_lines("raft/minority-partition.json"), true);
}

TEST(EdnRules, CheckReadsIndependentTuplesAndNamesTheLineOfOneThatIsNot) {
  const fs::path good = work_dir() / "independent.edn";
  std::ofstream(good) << "{:process 0, :type :invoke, :f :put, :value [\"a\" \"1\"], :index 0}\n"
                         "{:process 0, :type :ok, :f :put, :value [\"a\" \"1\"], :index 1}\n"
                         "{:process 1, :type :invoke, :f :get, :value [\"a\" nil], :index 2}\n"
                         "{:process 1, :type :ok, :f :get, :value [\"a\" \"2\"], :index 3}\n";
  const std::string check = shell_quote(DSIM_BINARY) + " check --model kv --format edn --independent ";
  EXPECT_EQ(run(check + shell_quote(good.string())).exit_code, 1) << "the get saw a value never put";
  const fs::path bad = work_dir() / "not-independent.edn";
  std::ofstream(bad) << "{:process 0, :type :invoke, :f :put, :value [\"a\" \"1\"]}\n"
                        "{:process 0, :type :ok, :f :put, :key \"a\", :value \"1\"}\n";
  EXPECT_EQ(run(check + shell_quote(bad.string())).exit_code, 2);
  EXPECT_NE(slurp(work_dir() / "last_stderr.txt").find(":2: expected no :key"), std::string::npos)
      << slurp(work_dir() / "last_stderr.txt");
}

// ---- reading traces ----

class Recorder final : public TraceSink {
 public:
  void begin(const json& header) override { log.push_back({{"begin", header.at("actors")}}); }
  void event(const json& event) override { log.push_back(event); }
  void end(const json& fields) override { log.push_back({{"end", fields.contains("history")}}); }
  std::vector<json> log;
};

TEST(TraceReader, StreamsWhatTheParsedTraceHolds) {
  const fs::path path = trace_of("demo.json");
  Recorder streamed, parsed;
  std::string error;
  ASSERT_TRUE(read_trace(path.string(), streamed, &error)) << error;
  read_trace(load_json(path), parsed);
  EXPECT_EQ(streamed.log, parsed.log);
  EXPECT_GT(streamed.log.size(), 100u);
}

TEST(TraceReader, AnyKeyOrderExportsTheSame) {
  // nlohmann::json writes keys sorted: "events" before "format" and "version".
  const fs::path sorted = work_dir() / "sorted-keys.json";
  std::ofstream(sorted) << load_json(trace_of("demo.json")).dump(1);
  for (const std::string format : {"perfetto", "shiviz", "edn"}) {
    SCOPED_TRACE(format);
    const std::string cmd = shell_quote(DSIM_BINARY) + " export --format " + format + " ";
    const Command a = run(cmd + shell_quote(trace_of("demo.json").string()));
    const Command b = run(cmd + shell_quote(sorted.string()));
    ASSERT_EQ(a.exit_code, 0);
    ASSERT_EQ(b.exit_code, 0);
    EXPECT_EQ(a.out, b.out);
  }
}

TEST(TraceReader, BrokenTracesNameTheLineAndLeaveNoOutput) {
  const std::string text = slurp(trace_of("demo.json"));
  const fs::path cut = work_dir() / "cut-at-half.json";
  std::ofstream(cut) << text.substr(0, text.size() / 2);
  std::size_t line20 = 0;
  for (int i = 0; i < 19; ++i) line20 = text.find('\n', line20) + 1;
  std::string broken(text, 0, line20);
  broken.push_back('@');
  broken.append(text, line20);
  const fs::path garbled = work_dir() / "garbled.json";
  std::ofstream(garbled) << broken;
  const fs::path out = work_dir() / "must-not-exist.out";
  // Appended, not concatenated: GCC 12 reports a false -Wrestrict on `literal + string` here.
  std::vector<std::string> commands = {"export --format perfetto -o ", "export --format edn -o ", "viz -o "};
  for (std::string& c : commands) c.append(shell_quote(out.string()));
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    EXPECT_EQ(run(shell_quote(DSIM_BINARY) + " " + command + " " + shell_quote(cut.string())).exit_code, 2);
    EXPECT_NE(slurp(work_dir() / "last_stderr.txt").find("truncated"), std::string::npos) << slurp(work_dir() / "last_stderr.txt");
    EXPECT_EQ(run(shell_quote(DSIM_BINARY) + " " + command + " " + shell_quote(garbled.string())).exit_code, 2);
    EXPECT_NE(slurp(work_dir() / "last_stderr.txt").find(":20: not valid JSON"), std::string::npos)
        << slurp(work_dir() / "last_stderr.txt");
    EXPECT_FALSE(fs::exists(out));
  }
}

TEST(AtomicFileWriter, NamesTheFileOnlyOnCommit) {
  const fs::path target = work_dir() / "atomic.txt";
  fs::remove(target);
  {
    AtomicFileWriter w;
    ASSERT_TRUE(w.open(target.string()));
    w.stream() << std::string(1 << 20, 'x');  // more than its buffer
    EXPECT_FALSE(fs::exists(target));
  }
  EXPECT_FALSE(fs::exists(target)) << "abandoned without commit";
  for (const auto& entry : fs::directory_iterator(work_dir())) {
    EXPECT_EQ(entry.path().filename().string().find("atomic.txt.tmp"), std::string::npos);
  }
  AtomicFileWriter w;
  ASSERT_TRUE(w.open(target.string()));
  w.stream() << "hello " << 42;
  ASSERT_TRUE(w.commit());
  EXPECT_EQ(slurp(target), "hello 42");
  AtomicFileWriter in_a_folder;
  std::string error;
  EXPECT_FALSE(in_a_folder.open(work_dir().string(), &error));
  EXPECT_NE(error.find("directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace dsim::viz_test
