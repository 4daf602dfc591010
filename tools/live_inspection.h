#pragma once
// What the inspector shows about a picked vehicle, road or junction, from one traffic source:
// what any frame tells (render/inspector.h), plus what only a live simulation knows (closed
// lanes, time in the network, signal clocks, retimed plans).

#include <cstdint>
#include <string>
#include <vector>

#include "render/inspector.h"
#include "render/picking.h"
#include "scenarios/scenario_controls.h"
#include "tools/traffic_source.h"

namespace parktwin::cli {

// What runs `signal` under a scenario's controllers, in words for the inspector: "fixed time",
// "max pressure", "SOTL", "actuated", "Webster", "agent" or "learned policy <its folder's name>".
std::string controller_of(const scenarios::SignalControlSpec& spec, const traffic::Network& net,
                          traffic::Index signal);

// `lane_closed` is scratch, reused between calls.
render::Inspection inspect_now(const TrafficSource& source, const render::Pick& pick,
                               std::vector<std::uint8_t>& lane_closed);

// The roads to mark on the map for a pick: a lane's road; a vehicle's route ahead, from the
// road it is on (as the live simulation has it, detours included; in a replay, its trip's
// route). Nothing for a junction or a vehicle not in the network.
void roads_to_mark(const TrafficSource& source, const render::Pick& pick,
                   std::vector<std::uint32_t>& roads);

}  // namespace parktwin::cli
