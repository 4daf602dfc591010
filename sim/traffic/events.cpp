#include "sim/traffic/events.h"

#include <fmt/format.h>

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

std::string event_text(const Network& net, const TrafficEvent& e) {
  switch (e.kind) {
    case EventKind::close_road:
    case EventKind::open_road:
      return fmt::format("{} '{}'", event_kind_name(e.kind), net.road_id[e.target]);
    case EventKind::close_lane:
    case EventKind::open_lane:
      return fmt::format("{} '{}' lane {}", event_kind_name(e.kind),
                         net.road_id[net.lane_road[e.target]], net.lane_index[e.target]);
    case EventKind::signal_plan:
      return fmt::format("{} '{}'", event_kind_name(e.kind),
                         net.junction_id[net.signal_junction[e.target]]);
  }
  return event_kind_name(e.kind);
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
