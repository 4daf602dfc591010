#pragma once
// What the inspector shows about a picked vehicle, road or junction, from one traffic source:
// what any frame tells (render/inspector.h), plus what only a live simulation knows (closed
// lanes, time in the network, signal clocks, retimed plans).

#include <cstdint>
#include <vector>

#include "render/inspector.h"
#include "render/picking.h"
#include "tools/traffic_source.h"

namespace parktwin::cli {

// `lane_closed` is scratch, reused between calls.
render::Inspection inspect_now(const TrafficSource& source, const render::Pick& pick,
                               std::vector<std::uint8_t>& lane_closed);

}  // namespace parktwin::cli
