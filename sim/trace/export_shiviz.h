// ShiViz logs: one entry per event at a node or client, each with its exact vector clock.
// Every host's own component goes up by one per event; a delivery first takes the component-wise
// maximum of the local clock and the clock the message was sent with. The first line is the
// parsing regular expression ShiViz asks for, the second the (empty) execution delimiter.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/trace/trace_reader.h"

namespace dsim {

inline constexpr const char* kShivizRegex = "(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)";

// A sink that writes the log to `out` as the trace is read: its memory holds each host's clock
// and the clocks of the messages in flight, never the trace.
std::unique_ptr<TraceSink> shiviz_sink(std::ostream& out);

}  // namespace dsim
