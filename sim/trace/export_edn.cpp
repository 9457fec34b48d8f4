#include "sim/trace/export_edn.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include <fmt/format.h>

namespace dsim {

namespace {

using nlohmann::json;

// Appends rather than returns: building EDN by string concatenation trips GCC 12's false
// -Wrestrict on inlined temporaries, and appending into one buffer is cheaper anyway.
void append_edn_string(std::string& out, const std::string& s) {
  out += '"';
  for (const unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) out += fmt::format("\\u{:04x}", ch);
        else out += static_cast<char>(ch);
    }
  }
  out += '"';
}

bool keyword_safe(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '-' || ch == '_' || ch == '?' || ch == '!' || ch == '*' || ch == '.';
  });
}

// Map keys and :f values: a keyword when EDN allows one, else a string.
void append_keyword_or_string(std::string& out, const std::string& s) {
  if (keyword_safe(s)) {
    out += ':';
    out += s;
  } else {
    append_edn_string(out, s);
  }
}

void append_edn(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::null: out += "nil"; return;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
    case json::value_t::number_integer: out += std::to_string(v.get<std::int64_t>()); return;
    case json::value_t::number_unsigned: out += std::to_string(v.get<std::uint64_t>()); return;
    case json::value_t::number_float: out += v.dump(); return;
    case json::value_t::string: append_edn_string(out, v.get<std::string>()); return;
    case json::value_t::array: {
      out += '[';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out += ' ';
        append_edn(out, v[i]);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.items()) {
        if (!first) out += ", ";
        append_keyword_or_string(out, k);
        out += ' ';
        append_edn(out, item);
        first = false;
      }
      out += '}';
      return;
    }
    default: out += "nil"; return;
  }
}

// The history's lines in time order. At one instant, invokes come before completions so that
// operations whose times touch still overlap (dsim: A precedes B only when A completes strictly
// before B starts), except a completion whose own process invokes again at that instant, which
// must come first.
struct Line {
  std::int64_t t;
  int rank;
  std::size_t op;
  bool invoke;
};

std::vector<Line> history_lines(const json& ops) {
  std::vector<Line> lines;
  std::map<std::pair<std::int64_t, std::int64_t>, bool> reinvoke;  // (process, t) -> an invoke at t
  for (const json& op : ops) reinvoke[{op.value("process", std::int64_t{0}), op.value("invoke_ns", std::int64_t{0})}] = true;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const json& op = ops[i];
    lines.push_back({op.value("invoke_ns", std::int64_t{0}), 1, i, true});
    const std::string type = op.value("type", std::string("info"));
    const auto c = op.find("complete_ns");
    if (type != "info" && c != op.end() && c->is_number()) {
      const std::int64_t t = c->get<std::int64_t>();
      const bool first = reinvoke.count({op.value("process", std::int64_t{0}), t}) > 0;
      lines.push_back({t, first ? 0 : 2, i, false});
    }
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& x, const Line& y) {
    return std::tie(x.t, x.rank, x.op) < std::tie(y.t, y.rank, y.op);
  });
  return lines;
}

// Jepsen retires a process after an :info operation (it may still be running): later operations
// of that client get a fresh process number.
std::vector<std::int64_t> jepsen_processes(const json& ops, const std::vector<Line>& lines) {
  std::int64_t max_process = 0;
  for (const json& op : ops) max_process = std::max(max_process, op.value("process", std::int64_t{0}));
  std::map<std::int64_t, std::int64_t> generation;
  std::vector<std::int64_t> process_of(ops.size());
  for (const Line& l : lines) {
    if (!l.invoke) continue;
    const std::int64_t p = ops[l.op].value("process", std::int64_t{0});
    process_of[l.op] = p + generation[p] * (max_process + 1);
    if (ops[l.op].value("type", std::string("info")) == "info") generation[p] += 1;
  }
  return process_of;
}

// Jepsen's :value: an invocation carries its input; an ok completion its output, or its input
// when it has none (a write's, as Knossos expects); fail and info repeat the input. An operation
// on a key carries `[key value]`, as jepsen.independent's tuples do.
json jepsen_value(const json& op, bool invoke) {
  const bool ok = !invoke && op.value("type", std::string()) == "ok";
  const json input = op.value("value", json());
  const json output = op.value("output", json());
  json value = ok && !output.is_null() ? output : input;
  const auto key = op.find("key");
  if (key != op.end() && !key->is_null()) return json::array({*key, std::move(value)});
  return value;
}

void write_edn_history(std::ostream& out, const json& history) {
  const json ops = history.is_object() ? history.value("ops", json::array()) : history.is_array() ? history : json::array();
  const std::vector<Line> lines = history_lines(ops);
  const std::vector<std::int64_t> process_of = jepsen_processes(ops, lines);
  std::string text;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const Line& l = lines[index];
    const json& op = ops[l.op];
    const std::string type = l.invoke ? std::string("invoke") : op.value("type", std::string("info"));
    text = fmt::format("{{:process {}, :type :{}, :f ", process_of[l.op], type);
    append_keyword_or_string(text, op.value("f", std::string()));
    text += ", :value ";
    append_edn(text, jepsen_value(op, l.invoke));
    text += fmt::format(", :time {}, :index {}}}\n", l.t, index);
    out << text;
  }
}

// The history is in the trace's footer: the events are read past, not kept.
class EdnSink final : public TraceSink {
 public:
  explicit EdnSink(std::ostream& out) : out_(out) {}
  void begin(const json&) override {}
  void event(const json&) override {}
  void end(const json& fields) override { write_edn_history(out_, fields.value("history", json())); }

 private:
  std::ostream& out_;
};

}  // namespace

std::string json_to_edn(const json& v) {
  std::string out;
  append_edn(out, v);
  return out;
}

std::unique_ptr<TraceSink> edn_sink(std::ostream& out) { return std::make_unique<EdnSink>(out); }

}  // namespace dsim
