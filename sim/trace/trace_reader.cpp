#include "sim/trace/trace_reader.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sim/core/file.h"

namespace dsim {

namespace {

using nlohmann::json;

// Builds the top-level fields as a DOM, and each element of the top-level "events" array as a
// DOM of its own that goes to the sink and is then dropped. Without a sink, events are only
// checked for syntax and never built: that is the syntax check of `dsim viz`.
class StreamHandler final : public nlohmann::json_sax<json> {
 public:
  explicit StreamHandler(TraceSink* sink) : sink_(sink) {}

  bool null() override { return add(json()); }
  bool boolean(bool v) override { return add(json(v)); }
  bool number_integer(number_integer_t v) override { return add(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(json(v)); }
  bool string(string_t& v) override { return add(json(std::move(v))); }
  bool binary(binary_t&) override { return fail("a trace holds no binary values"); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& k) override {
    if (!skipping()) stack_.back().key = std::move(k);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override {
    // The top-level "events" array: its elements are streamed, not stored.
    if (stack_.size() == 1 && stack_[0].key == "events" && !stack_[0].value.contains("events")) {
      stack_.push_back(Frame{json(), "", true});
      return true;
    }
    return open(json::array());
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error_position_ = position;
    error_ = e.what();
    return false;
  }

  // After a successful parse (root_ is the document without its events): the header checks,
  // then begin() if the events did not already call it, and end().
  bool finish() {
    if (!root_.is_object()) return fail("not a dsim trace: the document is not a JSON object");
    if (!saw_events_) return fail("the trace has no \"events\" list");
    if (!begun_ && !begin()) return false;
    if (sink_) sink_->end(root_);
    return true;
  }

  const std::string& error() const { return error_; }
  std::optional<std::size_t> error_position() const { return error_position_; }

 private:
  struct Frame {
    json value;
    std::string key;      // the pending key, in an object
    bool events = false;  // the top-level "events" array
  };

  bool skipping() const { return skip_depth_ > 0; }

  bool open(json value) {
    if (skipping() || (in_events() && !sink_)) {
      ++skip_depth_;
      return true;
    }
    stack_.push_back(Frame{std::move(value), "", false});
    return true;
  }

  bool close() {
    if (skipping()) {
      --skip_depth_;
      return true;
    }
    Frame done = std::move(stack_.back());
    stack_.pop_back();
    if (done.events) {
      saw_events_ = true;
      return true;
    }
    return add(std::move(done.value));
  }

  bool in_events() const { return !stack_.empty() && stack_.back().events; }

  bool add(json value) {
    if (skipping() || (in_events() && !sink_)) return true;
    if (stack_.empty()) {
      root_ = std::move(value);
      return true;
    }
    Frame& top = stack_.back();
    if (top.events) return deliver(std::move(value));
    if (top.value.is_object()) top.value[top.key] = std::move(value);
    else top.value.push_back(std::move(value));
    return true;
  }

  // The header is complete once format, version and actors are in: then begin(), and events flow.
  bool deliver(json event) {
    if (!begun_) {
      const json& header = stack_[0].value;
      if (header.contains("format") && header.contains("version") && header.contains("actors")) {
        root_ = header;  // a copy of the few fields before the events; the whole document replaces it
        if (!begin()) return false;
      } else {
        early_.push_back(std::move(event));
        return true;
      }
    }
    sink_->event(event);
    return true;
  }

  bool begin() {
    if (std::string problem = trace_json_problem(root_); !problem.empty()) return fail(problem);
    begun_ = true;
    if (!sink_) return true;
    sink_->begin(root_);
    for (const json& held : early_) sink_->event(held);
    early_.clear();
    return true;
  }

  bool fail(std::string why) {
    error_ = std::move(why);
    return false;
  }

  TraceSink* sink_;
  std::vector<Frame> stack_;
  json root_;
  std::vector<json> early_;  // events read before the header was complete
  std::size_t skip_depth_ = 0;
  bool saw_events_ = false;
  bool begun_ = false;
  std::string error_;
  std::optional<std::size_t> error_position_;
};

// Why a document that failed to parse at byte `position` (of `size`, on line `line`) is no trace.
std::string syntax_problem(const std::string& path, const StreamHandler& h, std::size_t line, std::size_t position,
                           std::size_t size) {
  return fmt::format("{}:{}: {}{}", path, line, position >= size ? "the trace is truncated: " : "not valid JSON: ", h.error());
}

// The 1-based line of byte `offset`, read again from the file (only when reporting an error).
std::size_t line_at(const std::string& path, std::size_t offset) {
  FileReader reader;
  if (!reader.open(path, kTraceBytesMax)) return 0;
  std::size_t line = 1;
  char chunk[1 << 16];
  std::istream& in = reader.stream();
  while (offset > 0 && in.read(chunk, static_cast<std::streamsize>(std::min(sizeof chunk, offset))).gcount() > 0) {
    const auto n = static_cast<std::size_t>(in.gcount());
    line += static_cast<std::size_t>(std::count(chunk, chunk + n, '\n'));
    offset -= n;
  }
  return line;
}

}  // namespace

std::string trace_json_problem(const json& trace) {
  if (!trace.is_object()) return "not a dsim trace: the document is not a JSON object";
  const auto format = trace.find("format");
  if (format == trace.end() || *format != "dsim-trace") {
    return fmt::format("not a dsim trace: \"format\" is {}, expected \"dsim-trace\"",
                       format == trace.end() ? "missing" : format->dump());
  }
  const auto version = trace.find("version");
  if (version == trace.end() || *version != 1) {
    return fmt::format("unsupported trace version {} (expected 1)", version == trace.end() ? "(missing)" : version->dump());
  }
  if (!trace.contains("actors") || !trace["actors"].is_array()) return "the trace has no \"actors\" list";
  if (trace.contains("events") && !trace["events"].is_array()) return "\"events\" is not a list";
  return "";
}

bool read_trace(const std::string& path, TraceSink& sink, std::string* error) {
  const auto set = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  FileReader reader;
  std::string why;
  if (!reader.open(path, kTraceBytesMax, &why)) return set(fmt::format("{}: cannot read: {}", path, why));
  StreamHandler handler(&sink);
  const bool parsed = json::sax_parse(reader.stream(), &handler) && handler.finish();
  // A failed read ends the stream like a truncation would: the read's own error is the reason.
  if (!reader.failure().empty()) return set(fmt::format("{}: cannot read: {}", path, reader.failure()));
  if (parsed) return true;
  if (!handler.error_position()) return set(fmt::format("{}: {}", path, handler.error()));
  const std::size_t position = *handler.error_position();
  // At a parse error at the end of input, every byte was read: then the position is past them.
  return set(syntax_problem(path, handler, line_at(path, position > 0 ? position - 1 : 0), position, reader.bytes_read()));
}

void read_trace(const json& trace, TraceSink& sink) {
  json fields = json::object();
  for (const auto& [key, value] : trace.items()) {
    if (key != "events") fields[key] = value;
  }
  sink.begin(fields);
  for (const json& event : trace.at("events")) sink.event(event);
  sink.end(fields);
}

std::string export_to_string(const json& trace, ExportSinkFactory make_sink) {
  std::ostringstream out;
  const std::unique_ptr<TraceSink> sink = make_sink(out);
  read_trace(trace, *sink);
  return out.str();
}

std::string trace_text_problem(const std::string& text, const std::string& path) {
  StreamHandler handler(nullptr);
  if (json::sax_parse(text, &handler) && handler.finish()) return "";
  if (!handler.error_position()) return fmt::format("{}: {}", path, handler.error());
  const std::size_t position = *handler.error_position();
  const std::size_t before = std::min(text.size(), position > 0 ? position - 1 : 0);
  const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(before), '\n'));
  return syntax_problem(path, handler, line, position, text.size());
}

}  // namespace dsim
