// Jepsen EDN history: one operation map per line (`{:process 0, :type :invoke, :f :write, ...}`),
// as Jepsen writes history.edn and Knossos / Elle / `dsim check --format edn` read it. Built from
// the trace's `history` footer, ordered by time so that line order keeps real-time order.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

// One JSON value as EDN: null -> nil, objects -> maps with keyword keys.
std::string json_to_edn(const nlohmann::json& value);

std::string export_edn(const nlohmann::json& trace);

}  // namespace dsim
