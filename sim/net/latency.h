// Sampling a message's one-way latency from a link's distribution.
#pragma once

#include "sim/core/rng.h"
#include "sim/scenario/scenario.h"

namespace dsim {

// Never below the spec's floor nor below 1 ns: a message always arrives strictly later than it
// was sent, so a handler never runs in the same instant as the send that caused it.
TimeNs sample_latency(const LatencySpec& spec, Rng& rng);

}  // namespace dsim
