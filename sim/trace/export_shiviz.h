// ShiViz logs: one entry per event at a node or client, each with its exact vector clock.
// Every host's own component goes up by one per event; a delivery first takes the component-wise
// maximum of the local clock and the clock the message was sent with. The first line is the
// parsing regular expression ShiViz asks for, the second the (empty) execution delimiter.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dsim {

inline constexpr const char* kShivizRegex = "(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)";

std::string export_shiviz(const nlohmann::json& trace);

}  // namespace dsim
