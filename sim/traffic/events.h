#pragma once
// Scenario events that act on traffic while it runs: time-stamped closures and signal
// retimings, applied between steps by the World (sim/world.h) through TrafficSim's control
// interface. Demand multipliers act when the demand is loaded instead (demand_scaling.h).

#include <cstdint>
#include <string>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

class TrafficSim;

enum class EventKind : std::uint8_t {
  close_road,
  open_road,
  close_lane,
  open_lane,
  signal_plan,  // new phase durations for one signal
};
const char* event_kind_name(EventKind kind);

struct TrafficEvent {
  std::int64_t step = 0;  // applied just before this step runs
  EventKind kind = EventKind::close_road;
  Index target = kNone;                   // road, lane or signal, by kind
  std::vector<double> phase_durations_s;  // signal_plan: one per phase, in plan order
};

// "close_road 'road_1_4_0'", "close_lane 'road_2_4_0' lane 1", "signal_plan 'intersection_2_4'":
// the event by the network's own ids, for progress lines and the viewer.
std::string event_text(const Network& net, const TrafficEvent& event);

// Applies one event now. Throws parktwin::Error when it does not fit the network (a target
// out of range, a plan of another length), which the loader has checked already.
void apply_event(const TrafficEvent& event, TrafficSim& sim);

}  // namespace parktwin::traffic
