// `dsim export` and `dsim viz` on traces of real scenarios: ShiViz clocks obey the vector-clock
// rules, Perfetto slices and flows match, the EDN history gives `dsim check` the trace's verdict.
#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "sim/trace/export_edn.h"
#include "sim/trace/export_perfetto.h"
#include "sim/trace/export_shiviz.h"
#include "tests/viz/support.h"

namespace dsim::viz_test {
namespace {

using nlohmann::json;

const std::vector<std::string> kScenarios = {
    "demo.json", "primary-backup/bug-skip-sync.json", "primary-backup/partitions.json",
    "primary-backup/unreliable-network.json", "primary-backup/crashes-and-pauses.json",
    "raft/leader-crash.json", "commit/twopc-happy-path.json"};

std::vector<std::string> available() {
  std::vector<std::string> out;
  for (const auto& s : kScenarios) if (scenario_exists(s)) out.push_back(s);
  return out;
}

// ---- ShiViz ----

struct Entry { std::string host; std::map<std::string, std::int64_t> clock; std::string text; };

// No std::regex here: GCC 12 reports false -Wmaybe-uninitialized inside libstdc++'s regex
// under the sanitizer build, and these two line shapes are simple to split by hand.

// "<host> {<clock json>}", the first line of a ShiViz entry (kShivizRegex).
std::optional<std::pair<std::string, std::string>> split_host_line(const std::string& line) {
  const std::size_t space = line.find(' ');
  if (space == std::string::npos || line.find_first_of(" \t", 0) != space) return std::nullopt;
  std::string clock = line.substr(space + 1);
  if (clock.size() < 2 || clock.front() != '{' || clock.back() != '}') return std::nullopt;
  return std::make_pair(line.substr(0, space), std::move(clock));
}

// The message part of an event line: "<verb> <type> [to|from <peer> ](msg|op)=<id>[ copy=<id>]".
struct MessageLine {
  std::string verb, type, direction, peer, id_kind, id, copy;
};

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<MessageLine> parse_message_line(const std::string& text) {
  std::istringstream in(text);
  MessageLine m;
  std::string token;
  if (!(in >> m.verb >> m.type >> token)) return std::nullopt;
  if (m.verb != "send" && m.verb != "deliver" && m.verb != "duplicate" && m.verb != "drop") return std::nullopt;
  if (token == "to" || token == "from") {
    m.direction = token;
    if (!(in >> m.peer >> token)) return std::nullopt;
  }
  const std::size_t eq = token.find('=');
  if (eq == std::string::npos) return std::nullopt;
  m.id_kind = token.substr(0, eq);
  m.id = token.substr(eq + 1);
  if ((m.id_kind != "msg" && m.id_kind != "op") || !all_digits(m.id)) return std::nullopt;
  if (in >> token && token.rfind("copy=", 0) == 0 && all_digits(token.substr(5))) m.copy = token.substr(5);
  return m;
}

std::vector<Entry> parse_shiviz(const std::string& text) {
  std::istringstream in(text);
  std::string regex_line, delimiter, host_line, event_line;
  std::getline(in, regex_line);
  std::getline(in, delimiter);
  EXPECT_EQ(regex_line, kShivizRegex);
  EXPECT_EQ(delimiter, "");
  std::vector<Entry> out;
  while (std::getline(in, host_line)) {
    EXPECT_TRUE(std::getline(in, event_line)) << "an entry without its event line";
    const auto host = split_host_line(host_line);
    EXPECT_TRUE(host) << host_line;
    if (!host) break;
    Entry e{host->first, {}, event_line};
    const json clock = json::parse(host->second);
    for (const auto& [k, v] : clock.items()) e.clock[k] = v.get<std::int64_t>();
    out.push_back(std::move(e));
  }
  return out;
}

TEST(ShivizExport, ClocksObeyTheRules) {
  for (const std::string& scenario : available()) {
    SCOPED_TRACE(scenario);
    const json trace = load_json(trace_of(scenario));
    const std::vector<Entry> entries = parse_shiviz(export_to_string(trace, shiviz_sink));
    std::size_t actor_events = 0;
    for (const json& ev : trace["events"]) actor_events += ev.contains("a") ? 1 : 0;
    EXPECT_EQ(entries.size(), actor_events) << "one entry per event at a node or client";
    std::map<std::string, std::map<std::string, std::int64_t>> local;
    std::map<std::string, std::deque<std::map<std::string, std::int64_t>>> sent;  // message key -> clocks
    std::size_t receives = 0;
    for (const Entry& e : entries) {
      auto expected = local[e.host];
      const std::optional<MessageLine> m = parse_message_line(e.text);
      if (m && m->verb == "deliver") {
        const std::string key = m->id_kind == "msg" ? "msg" + m->id : "op" + m->id + "|" + m->peer + "|" + e.host;
        auto& q = sent[key];
        ASSERT_FALSE(q.empty()) << "a delivery of a message never sent: " << e.text;
        for (const auto& [h, v] : q.front()) expected[h] = std::max(expected[h], v);
        q.pop_front();
        ++receives;
      }
      expected[e.host] += 1;
      std::erase_if(expected, [](const auto& kv) { return kv.second == 0; });
      ASSERT_EQ(e.clock, expected) << e.host << ": " << e.text;
      local[e.host] = e.clock;
      if (m && m->verb == "send") {
        const std::string key = m->id_kind == "msg" ? "msg" + m->id : "op" + m->id + "|" + e.host + "|" + m->peer;
        sent[key].push_back(e.clock);
      } else if (m && m->verb == "duplicate" && !m->copy.empty()) {
        const auto& orig = sent["msg" + m->id];
        sent["msg" + m->copy].push_back(orig.empty() ? e.clock : orig.front());
      } else if (m && m->verb == "drop") {
        const bool at_receiver = m->direction == "from";
        const std::string& sender = at_receiver ? m->peer : e.host;
        const std::string& receiver = at_receiver ? e.host : m->peer;
        const std::string key = m->id_kind == "msg" ? "msg" + m->id : "op" + m->id + "|" + sender + "|" + receiver;
        auto& q = sent[key];
        if (!q.empty()) q.pop_front();
      }
    }
    EXPECT_GT(receives, 0u);
  }
}

// ---- Perfetto ----

TEST(PerfettoExport, SlicesAndFlowsMatch) {
  for (const std::string& scenario : available()) {
    SCOPED_TRACE(scenario);
    const json trace = load_json(trace_of(scenario));
    const json doc = json::parse(export_to_string(trace, perfetto_sink));
    ASSERT_TRUE(doc["traceEvents"].is_array());
    std::map<std::int64_t, std::vector<std::pair<double, double>>> slices;  // pid -> [ts, ts+dur]
    std::map<std::uint64_t, std::vector<json>> flows;
    std::map<std::string, int> async_open;
    std::map<std::int64_t, int> be_depth;
    std::set<std::int64_t> named;
    int x = 0;
    for (const json& e : doc["traceEvents"]) {
      const std::string ph = e["ph"];
      if (ph == "M" && e["name"] == "process_name") named.insert(e["pid"].get<std::int64_t>());
      if (ph == "X") {
        ASSERT_GE(e["dur"].get<double>(), 0.0);
        slices[e["pid"].get<std::int64_t>()].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
        ++x;
      } else if (ph == "B") {
        be_depth[e["pid"].get<std::int64_t>()] += 1;
      } else if (ph == "E") {
        ASSERT_GT(be_depth[e["pid"].get<std::int64_t>()]--, 0);
      } else if (ph == "s" || ph == "f") {
        flows[e["id"].get<std::uint64_t>()].push_back(e);
      } else if (ph == "b") {
        async_open[e["id2"].dump()] += 1;
      } else if (ph == "e") {
        async_open[e["id2"].dump()] -= 1;
      }
    }
    EXPECT_GT(x, 0);
    for (const auto& [pid, depth] : be_depth) EXPECT_EQ(depth, 0) << "pid " << pid;
    for (const auto& [id, n] : async_open) EXPECT_EQ(n, 0) << "async slice " << id;
    EXPECT_GE(named.size(), trace["actors"].size());
    EXPECT_FALSE(flows.empty());
    auto inside = [&](const json& e) {
      const double ts = e["ts"].get<double>();
      for (const auto& [a, b] : slices[e["pid"].get<std::int64_t>()]) if (a <= ts && ts <= b) return true;
      return false;
    };
    for (const auto& [id, ends] : flows) {
      ASSERT_EQ(ends.size(), 2u) << "flow " << id;
      EXPECT_EQ(ends[0]["ph"], "s");
      EXPECT_EQ(ends[1]["ph"], "f");
      EXPECT_LE(ends[0]["ts"].get<double>(), ends[1]["ts"].get<double>());
      EXPECT_TRUE(inside(ends[0])) << "flow start inside a slice: " << ends[0].dump();
      EXPECT_TRUE(inside(ends[1])) << "flow end inside a slice: " << ends[1].dump();
    }
  }
}

// ---- EDN ----

TEST(EdnExport, DsimCheckGivesTheTracesVerdict) {
  int checked = 0;
  for (const std::string& scenario : available()) {
    SCOPED_TRACE(scenario);
    const fs::path path = trace_of(scenario);
    const json trace = load_json(path);
    if (!trace["linearizability"].is_object()) continue;
    const json checks = trace["scenario"].value("checks", json::object());
    ASSERT_TRUE(checks.contains("linearizability"));
    const json& lin = checks["linearizability"];
    const std::string model = lin.is_string() ? lin.get<std::string>() : lin.value("model", std::string());
    const fs::path edn = work_dir() / (path.stem().string() + ".edn");
    const Command exported = run(shell_quote(DSIM_BINARY) + " export " + shell_quote(path.string()) + " --format edn -o " + shell_quote(edn.string()));
    ASSERT_EQ(exported.exit_code, 0);
    // Operations on keys are written as jepsen.independent's [key value] tuples.
    bool keyed = false;
    for (const json& op : trace["history"]["ops"]) keyed = keyed || (op.contains("key") && !op["key"].is_null());
    const Command checked_run = run(shell_quote(DSIM_BINARY) + " check " + shell_quote(edn.string()) + " --format edn" +
                                    (keyed ? " --independent" : "") + " --json --model " + shell_quote(model));
    const json verdict = json::parse(checked_run.out, nullptr, false);
    ASSERT_FALSE(verdict.is_discarded()) << checked_run.out << slurp(work_dir() / "last_stderr.txt");
    EXPECT_EQ(verdict["verdict"], trace["linearizability"]["verdict"]);
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

TEST(EdnExport, ValuesAreEdn) {
  EXPECT_EQ(json_to_edn(json::parse(R"({"a": [1, "x\"y", null, true], "b c": 2.5})")), R"({:a [1 "x\"y" nil true], "b c" 2.5})");
}

// ---- the commands ----

TEST(ExportCommand, RejectsWhatIsNotATrace) {
  const fs::path bad = work_dir() / "not-a-trace.json";
  std::ofstream(bad) << R"({"format": "something"})";
  EXPECT_EQ(run(shell_quote(DSIM_BINARY) + " export " + shell_quote(bad.string()) + " --format perfetto").exit_code, 2);
  const fs::path cut = work_dir() / "cut.json";
  const std::string text = slurp(trace_of("demo.json"));
  std::ofstream(cut) << text.substr(0, text.size() / 2);
  EXPECT_EQ(run(shell_quote(DSIM_BINARY) + " export " + shell_quote(cut.string()) + " --format shiviz").exit_code, 2);
  EXPECT_NE(slurp(work_dir() / "last_stderr.txt").find("truncated"), std::string::npos);
  EXPECT_EQ(run(shell_quote(DSIM_BINARY) + " viz " + shell_quote(bad.string()) + " -o " + shell_quote((work_dir() / "x.html").string())).exit_code, 2);
}

TEST(VizCommand, WritesOneSelfContainedPage) {
  const fs::path trace = trace_of("demo.json");
  const fs::path html = work_dir() / "demo.html";
  ASSERT_EQ(run(shell_quote(DSIM_BINARY) + " viz " + shell_quote(trace.string()) + " -o " + shell_quote(html.string())).exit_code, 0);
  const std::string page = slurp(html);
  EXPECT_NE(page.find("id=\"dsim-trace\""), std::string::npos);
  EXPECT_EQ(page.find("<script src="), std::string::npos) << "every script inlined";
  EXPECT_EQ(page.find("<link rel=\"stylesheet\""), std::string::npos) << "styles inlined";
  // The trace cannot end its script element early.
  const std::size_t data = page.find("id=\"dsim-trace\"");
  const std::size_t data_end = page.find("</script>", data);
  EXPECT_EQ(page.find('<', page.find('>', data) + 1), data_end);
}

TEST(VizCommand, EscapesMarkupInTheTrace) {
  std::string text = slurp(trace_of("demo.json"));
  const std::string needle = "\"name\": \"n0\"";
  const std::size_t pos = text.find("\"name\":\"n0\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, std::string("\"name\":\"n0\"").size(), "\"name\":\"</script><script>alert(1)</script>\"");
  const fs::path evil = work_dir() / "evil.json";
  std::ofstream(evil, std::ios::binary) << text;
  const fs::path html = work_dir() / "evil.html";
  ASSERT_EQ(run(shell_quote(DSIM_BINARY) + " viz " + shell_quote(evil.string()) + " -o " + shell_quote(html.string())).exit_code, 0);
  const std::string page = slurp(html);
  EXPECT_EQ(page.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script>\\u003cscript>alert(1)"), std::string::npos);
  (void)needle;
}

}  // namespace
}  // namespace dsim::viz_test
