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

}  // namespace

std::string json_to_edn(const json& v) {
  std::string out;
  append_edn(out, v);
  return out;
}

std::string export_edn(const json& trace) {
  const json history = trace.value("history", json());
  const json ops = history.is_object() ? history.value("ops", json::array()) : history.is_array() ? history : json::array();
  // Lines in time order. At one instant, invokes come before completions so that operations whose
  // times touch still overlap (dsim: A precedes B only when A completes strictly before B starts),
  // except a completion whose own process invokes again at that instant, which must come first.
  struct Line { std::int64_t t; int rank; std::size_t op; bool invoke; };
  std::vector<Line> lines;
  std::map<std::pair<std::int64_t, std::int64_t>, bool> reinvoke;  // (process, t) -> an invoke at t
  for (const json& op : ops) reinvoke[{op.value("process", std::int64_t{0}), op.value("invoke_ns", std::int64_t{0})}] = true;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const json& op = ops[i];
    const std::int64_t inv = op.value("invoke_ns", std::int64_t{0});
    lines.push_back({inv, 1, i, true});
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
  // Jepsen retires a process after an :info operation (it may still be running): later
  // operations of that client get a fresh process number.
  std::int64_t max_process = 0;
  for (const json& op : ops) max_process = std::max(max_process, op.value("process", std::int64_t{0}));
  std::map<std::int64_t, std::int64_t> generation;
  std::vector<std::int64_t> process_of(ops.size());
  {
    std::vector<std::size_t> by_invoke;
    for (const Line& l : lines) if (l.invoke) by_invoke.push_back(l.op);
    for (const std::size_t i : by_invoke) {
      const std::int64_t p = ops[i].value("process", std::int64_t{0});
      process_of[i] = p + generation[p] * (max_process + 1);
      if (ops[i].value("type", std::string("info")) == "info") generation[p] += 1;
    }
  }
  std::string out;
  for (const Line& l : lines) {
    const json& op = ops[l.op];
    const std::string type = l.invoke ? std::string("invoke") : op.value("type", std::string("info"));
    out += fmt::format("{{:process {}, :type :{}, :f ", process_of[l.op], type);
    append_keyword_or_string(out, op.value("f", std::string()));
    const auto key = op.find("key");
    if (key != op.end() && !key->is_null()) {
      out += ", :key ";
      append_edn(out, *key);
    }
    // An invocation carries its input; an ok completion its output; fail and info repeat the input.
    const bool ok = !l.invoke && op.value("type", std::string()) == "ok";
    out += ", :value ";
    append_edn(out, ok ? op.value("output", json()) : op.value("value", json()));
    out += fmt::format(", :time {}, :index {}}}\n", l.t, l.op);
  }
  return out;
}

}  // namespace dsim
