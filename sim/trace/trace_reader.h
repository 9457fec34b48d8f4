// Reading a native trace (docs/trace-format.md) as a stream, for the exporters: the events come
// one at a time and none is kept, so an export's memory does not grow with the trace.
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// A trace larger than this is refused before it is read.
inline constexpr std::size_t kTraceBytesMax = std::size_t{1} << 30;

// What reads a trace. begin() comes first, then each event in trace order, then end().
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // The top-level fields that came before "events" (format, version and actors at least,
  // already checked by trace_json_problem).
  virtual void begin(const nlohmann::json& header) = 0;
  virtual void event(const nlohmann::json& event) = 0;
  // Every top-level field but "events": the header's and the footer's (history, checks ...).
  virtual void end(const nlohmann::json& fields) = 0;
};

// Streams the trace file at `path` into `sink`. False with `error` set ("path:line: ...") when
// the file cannot be read, is not JSON, is truncated or is not a dsim trace; the sink may have
// seen part of it by then. What a sink throws passes through.
//
// A writer that puts "actors" after "events" (another tool's key order) still works: the events
// read before the header is complete are held until it is, which costs memory only for them.
bool read_trace(const std::string& path, TraceSink& sink, std::string* error);

// The same for a trace already parsed (which must pass trace_json_problem).
void read_trace(const nlohmann::json& trace, TraceSink& sink);

// What every exporter is: a sink that writes its format to a stream as the trace is read.
using ExportSinkFactory = std::unique_ptr<TraceSink> (*)(std::ostream& out);

// The export of a trace already parsed, as text (for tests and small traces).
std::string export_to_string(const nlohmann::json& trace, ExportSinkFactory make_sink);

// Why `trace` (or a header holding its top-level fields) is not a native trace (format, version,
// actors, events), or "" when it is one.
std::string trace_json_problem(const nlohmann::json& trace);

// Why the whole text (of the file `path`) is not a native trace, checked without building it in
// memory: its header and that the rest is complete JSON. "" when it is one, else "path:line: why"
// as read_trace says it.
std::string trace_text_problem(const std::string& text, const std::string& path);

}  // namespace dsim
