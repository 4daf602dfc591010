#pragma once
// Travel demand: vehicle types and the trips to simulate, each with a departure time and a
// fixed route of roads. Part of the model: built at load, then only read. Importers expand
// flows (CityFlow's interval flows, SUMO's flows, OD matrices) into individual trips so the
// simulation knows its vehicle count, and thus every capacity, before the first step.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/traffic/network.h"

namespace parktwin::traffic {

enum class VehicleClass : std::uint8_t { car, bus, truck };
// Which longitudinal model drives the type (sim/traffic/car_following.h).
enum class CarFollowing : std::uint8_t { safe_speed, idm, krauss };

struct VehicleType {
  std::string name;
  VehicleClass vclass = VehicleClass::car;
  // Bit of Network::lane_access that lets this type use a lane (SUMO's vClass,
  // scenarios/sumo/sumo_xml.h); meaningless where the network has no permissions.
  std::uint8_t access_class = 0;
  CarFollowing model = CarFollowing::safe_speed;
  double length_m = 5.0;
  double width_m = 2.0;
  double min_gap_m = 2.5;        // standstill gap to the leader
  double max_speed_mps = 16.67;  // desired speed
  double max_accel_mps2 = 2.0;
  double usual_accel_mps2 = 2.0;
  double max_decel_mps2 = 4.5;    // emergency braking
  double usual_decel_mps2 = 4.5;  // comfortable braking
  double headway_s = 2.0;         // desired time headway (SUMO's tau)
  double sigma = 0.0;             // driver imperfection in [0, 1] (Krauss dawdling)
  // Each vehicle's desired speed is the lane limit times its own factor, drawn once from a
  // normal distribution (mean, dev) cut to [min, max] (SUMO's speedFactor / speedDev).
  double speed_factor_mean = 1.0;
  double speed_factor_dev = 0.0;
  double speed_factor_min = 0.2;
  double speed_factor_max = 2.0;
  double turn_speed_mps = 8.3333;  // speed cap before turning (CityFlow's fixed 30 km/h)
  double yield_distance_m = 5.0;   // stop this far before a conflict point when yielding
  bool ev = false;                 // battery electric: fields below are meaningful
  double battery_kwh = 0.0;
  double initial_soc = 0.0;  // 0..1 at departure
  double consumption_kwh_per_km = 0.0;
};

// How a trip enters (SUMO's departLane and departSpeed): the defaults are the model's own
// (a lane that leads on along the route, drawn at random; standing).
inline constexpr std::int16_t kDepartLaneBest = -1;   // one that leads on (SUMO's "best")
inline constexpr std::int16_t kDepartLaneFirst = -2;  // the rightmost allowed (SUMO's "first")
inline constexpr float kDepartSpeedMax = -1.0f;       // the fastest safe speed, up to desired
inline constexpr float kDepartSpeedLimit = -2.0f;     // the lane's limit, if safe
inline constexpr float kDepartSpeedRandom = -3.0f;    // uniform in [0, min(max speed, limit)]
inline constexpr float kDepartSpeedAvg = -4.0f;       // the lane's mean speed (empty: desired)
inline constexpr float kDepartSpeedLast = -5.0f;      // the lane's tail's speed (empty: desired)

// Where a trip enters its first lane (SUMO's departPos; Definition_of_Vehicles..., "departPos"):
//   base         the lane's start, the body still in the junction behind (the model's own);
//   given        Trip::depart_pos_m, the front's position (negative: from the lane's end);
//   random       a position drawn anew at each try, uniform over the lane;
//   free         the rearmost gap where the vehicle fits safely (MSLane::freeInsertion);
//   random_free  random, and where that fails free, in the same try.
// Anywhere but base, a vehicle enters only with a safe gap to its leader and follower, so
// several may enter one lane in one step.
enum class DepartPos : std::uint8_t { base, given, random, free, random_free };

// Where a trip ends on its last road (SUMO's arrivalPos): when its front passes the end (max,
// the default), a position given (Trip::arrival_pos_m; negative: from the lane's end), one
// drawn once per vehicle, uniform over the lane (random), or the lane's middle (center).
enum class ArrivalPos : std::uint8_t { max, given, random, center };
// Which lane of its last road a trip ends on (SUMO's arrivalLane): any (current, the default),
// a given one (Trip::arrival_lane >= 0, 0 = leftmost), one drawn once per vehicle (random), or
// the rightmost it may use (first). It changes to it on its last road as for its route.
inline constexpr std::int16_t kArrivalLaneCurrent = -1;
inline constexpr std::int16_t kArrivalLaneRandom = -2;
inline constexpr std::int16_t kArrivalLaneFirst = -3;

struct Trip {
  double depart_s = 0.0;
  Index type = 0;
  Index route_begin = 0;  // into Demand::route_roads
  Index route_length = 0;
  float depart_speed = 0.0f;                   // m/s >= 0, or one of kDepartSpeed*
  std::int16_t depart_lane = kDepartLaneBest;  // or a lane of the first road (0 = leftmost)
  // Routed again when it departs, from its first to its last road, on the travel times
  // measured then (SUMO's routing device, which SUMO gives every <trip> and from/to flow).
  bool route_at_departure = false;
  DepartPos depart_pos = DepartPos::base;
  float depart_pos_m = 0.0f;  // DepartPos::given: m from the lane's start (< 0: from its end)
  ArrivalPos arrival_pos = ArrivalPos::max;
  float arrival_pos_m = 0.0f;  // ArrivalPos::given: m from the lane's start (< 0: from its end)
  std::int16_t arrival_lane = kArrivalLaneCurrent;  // or a lane of the last road (0 = leftmost)
};

// A halt on the way (SUMO's <stop>, at a <busStop> or a lane position): the vehicle stops with
// its front between start_pos_m and end_pos_m on the road at position route_index of its route
// (on `lane` if it can get there), stays duration_s and until until_s at least, then drives on.
struct TripStop {
  Index route_index = 0;
  Index lane = kNone;  // the lane it changes to for the stop; kNone: any lane of the road
  double start_pos_m = 0.0;
  double end_pos_m = 0.0;
  double duration_s = 0.0;
  double until_s = -1.0;  // simulated seconds; < 0: none
};

// The most trips a demand may hold: ten million, several times a large city's hour (about
// 5 GB of vehicle state and routes). More is a mistake in an input (a flow interval of 1e-9 s,
// an OD cell of 1e15, a multiplier of 1e12), and the readers say so before allocating.
inline constexpr std::size_t kMaxTrips = 10'000'000;

struct Demand {
  std::vector<VehicleType> types;
  std::vector<Index> route_roads;  // all routes, back to back
  std::vector<Trip> trips;         // sorted by departure, ties in input order
  std::vector<std::string> trip_id;
  // Stops, in route order per trip: trip t's are stops[stops_begin[t] .. stops_begin[t + 1]).
  // Both empty when no trip stops.
  std::vector<TripStop> stops;
  std::vector<Index> stops_begin;

  std::size_t trip_count() const { return trips.size(); }
  std::span<const TripStop> stops_of(Index trip) const {
    if (stops_begin.empty()) return {};
    return {stops.data() + stops_begin[trip], stops_begin[trip + 1] - stops_begin[trip]};
  }
  Index route_road(const Trip& t, Index k) const { return route_roads[t.route_begin + k]; }
};

// Checks every route against the network (roads exist and each joins the next through a
// movement) and every type's parameters; throws parktwin::Error naming the trip or type.
void validate(const Demand& demand, const Network& net, const std::string& source);

}  // namespace parktwin::traffic
