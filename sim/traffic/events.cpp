#include "sim/traffic/events.h"

#include "sim/traffic/traffic_sim.h"

namespace parktwin::traffic {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::close_road:
      return "close_road";
    case EventKind::open_road:
      return "open_road";
    case EventKind::close_lane:
      return "close_lane";
    case EventKind::open_lane:
      return "open_lane";
    case EventKind::signal_plan:
      return "signal_plan";
  }
  return "?";
}

void apply_event(const TrafficEvent& e, TrafficSim& sim) {
  switch (e.kind) {
    case EventKind::close_road:
      sim.set_road_closed(e.target, true);
      break;
    case EventKind::open_road:
      sim.set_road_closed(e.target, false);
      break;
    case EventKind::close_lane:
      sim.set_lane_closed(e.target, true);
      break;
    case EventKind::open_lane:
      sim.set_lane_closed(e.target, false);
      break;
    case EventKind::signal_plan:
      sim.set_signal_plan(e.target, e.phase_durations_s);
      break;
  }
}

}  // namespace parktwin::traffic
