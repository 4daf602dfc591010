#include "sim/traffic/demand.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"

namespace parktwin::traffic {

namespace {

void check_positive(const std::string& source, const std::string& type, const char* field,
                    double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw Error("vehicle parameter must be positive")
        .in_file(source)
        .field(fmt::format("vehicle type '{}'.{}", type, field))
        .expected("> 0")
        .found(fmt::format("{}", value));
  }
}

}  // namespace

void validate(const Demand& demand, const Network& net, const std::string& source) {
  for (const VehicleType& t : demand.types) {
    check_positive(source, t.name, "length", t.length_m);
    check_positive(source, t.name, "maxSpeed", t.max_speed_mps);
    check_positive(source, t.name, "maxPosAcc", t.max_accel_mps2);
    check_positive(source, t.name, "usualPosAcc", t.usual_accel_mps2);
    check_positive(source, t.name, "maxNegAcc", t.max_decel_mps2);
    check_positive(source, t.name, "usualNegAcc", t.usual_decel_mps2);
    if (t.min_gap_m < 0.0 || t.headway_s < 0.0) {
      throw Error("minimum gap and headway must not be negative")
          .in_file(source)
          .field(fmt::format("vehicle type '{}'", t.name))
          .expected(">= 0")
          .found(fmt::format("minGap {}, headwayTime {}", t.min_gap_m, t.headway_s));
    }
  }
  if (!demand.stops_begin.empty() && (demand.stops_begin.size() != demand.trips.size() + 1 ||
                                      demand.stops_begin.back() != demand.stops.size())) {
    throw Error("stops do not match the trips").in_file(source).field("stops");
  }
  for (Index i = 0; i < demand.trips.size(); ++i) {
    const Trip& trip = demand.trips[i];
    const std::string& id = demand.trip_id[i];
    if (trip.route_length == 0) {
      throw Error("route is empty").in_file(source).field(id).expected("at least one road");
    }
    Index after = 0;
    for (const TripStop& stop : demand.stops_of(static_cast<Index>(i))) {
      const bool on_route = stop.route_index >= after && stop.route_index < trip.route_length;
      const Index road = on_route ? demand.route_road(trip, stop.route_index) : kNone;
      const double length = on_route ? net.seg_length_m[net.road_first_lane[road]] : 0.0;
      if (!on_route || (stop.lane != kNone && net.lane_road[stop.lane] != road) ||
          !(stop.start_pos_m >= 0.0 && stop.start_pos_m <= stop.end_pos_m &&
            stop.end_pos_m <= length + 1e-6) ||
          !(stop.duration_s >= 0.0) || !std::isfinite(stop.duration_s + stop.until_s)) {
        throw Error("stop not on the route, after the one before, within its road")
            .in_file(source)
            .field(fmt::format("{}.stop[{}]", id, &stop - demand.stops_of(i).data()))
            .expected(
                "a road of the route at or after the stop before, 0 <= start <= end <= "
                "its length, a duration >= 0")
            .found(fmt::format("route position {}, {}..{} m, {} s", stop.route_index,
                               stop.start_pos_m, stop.end_pos_m, stop.duration_s));
      }
      after = stop.route_index;
    }
    for (Index k = 0; k + 1 < trip.route_length; ++k) {
      const Index a = demand.route_road(trip, k), b = demand.route_road(trip, k + 1);
      if (!net.road_reaches_road(a, b)) {
        throw Error("consecutive roads of the route are not connected")
            .in_file(source)
            .field(fmt::format("{}.route[{}]", id, k + 1))
            .expected(fmt::format("a road reachable from '{}'", net.road_id[a]))
            .found(fmt::format("'{}'", net.road_id[b]));
      }
    }
  }
}

}  // namespace parktwin::traffic
