// Jepsen EDN history: one operation map per line (`{:process 0, :type :invoke, :f :write, ...}`),
// as Jepsen writes history.edn and Knossos / Elle / `dsim check --format edn` read it. Built from
// the trace's `history` footer, ordered by time so that line order keeps real-time order, with
// Knossos's conventions: an :ok write carries its value, :index is the line's own position, and
// an operation on a key has the value `[key value]`.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/trace/trace_reader.h"

namespace dsim {

// One JSON value as EDN: null -> nil, objects -> maps with keyword keys.
std::string json_to_edn(const nlohmann::json& value);

// A sink that writes the history to `out` when the trace's footer has been read; the events are
// read past and not kept.
std::unique_ptr<TraceSink> edn_sink(std::ostream& out);

}  // namespace dsim
