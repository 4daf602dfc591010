// Synthetic grid scenarios in CityFlow's formats.
//
// Road network: the construction of CityFlow's grid generator (cityflow-project/CityFlow,
// tools/generator/generate_grid_scenario.py --tlPlan -> generate_json_from_grid.py,
// gridToRoadnet and findPath; commit 81ee0f4, Apache-2.0), re-implemented here, as described
// in shared/data/cityflow/grid_4x4/SOURCE.md:
//   - nodes (x, y), x = 0 .. cols + 1, y = 0 .. rows + 1, at ((x - 1) L, (y - 1) L); the
//     outer ring is virtual (width 0, no road links), its four corners are left out;
//   - one road per direction of every link that touches a signalised node, id road_x_y_d from
//     node (x, y) in direction d (0 east, 1 north, 2 west, 3 south), lanes left, straight,
//     right, each lane to the right of those before it;
//   - at a signalised node, one road link per (incoming, outgoing) road pair except U-turns,
//     taking the incoming road's lane of its kind to every lane of the outgoing road; the
//     lane link's centre line is a cubic Hermite curve through 11 points from the stop line
//     (intersection width before the node) to the start of the outgoing lane (width after
//     it), with both tangents the road's unit vector times the width;
//   - the --tlPlan phases (see GridSpec::green_s). CityFlow writes availableRoadLinks from
//     Python sets, in hash order; we write them ascending.
// Road, intersection and road-link order are the generator's, so the 4x4 output equals the
// shared grid_4x4/roadnet.json up to float rounding (tests/scenarios/test_grid_generator.cpp).
//
// Demand: the rules of the shared flow files (SOURCE.md) with our counter-based random
// numbers (engine/rng.h). Departures: the shared files are neither evenly spaced nor an
// independent Poisson count per road. Their totals are exact (4x4: 3200 = 16 x 200, 10x10:
// 8000 = 40 x 200) while per-road counts scatter like a multinomial (4x4: 181 .. 233 around
// 200), departures are whole seconds in 1 .. 3599 with ties, and headways on a road look
// exponential (mean 17.9 s, standard deviation 18.0 s). So each of the
// round(entries x rate x hours) vehicles draws its entry road uniformly and its departure
// uniformly among the whole seconds in (0, horizon): a Poisson process per road conditioned on
// the total.

#include "scenarios/cityflow/grid_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/rng.h"
#include "scenarios/cityflow/grid_geometry.h"

namespace parktwin::scenarios {

namespace {

// Random streams of the demand generator (arbitrary, distinct from the simulator's).
enum class GridStream : rng::StreamId {
  entry_road = 0x47520001u,
  departure = 0x47520002u,
  turn = 0x47520003u,
  turn_position = 0x47520004u,
};

constexpr int kMaxSide = 1000;
constexpr int kLanesPerRoad = 3;  // lane 0 turns left, 1 goes straight, 2 turns right
constexpr int kLaneLinkSegments = 10;
using grid_geometry::kDx;
using grid_geometry::kDy;
using grid_geometry::Turn;
using grid_geometry::turn_of;
using grid_geometry::type_name;

int lane_of(Turn t) { return t == Turn::left ? 0 : (t == Turn::straight ? 1 : 2); }

// The node grid with its boundary ring.
struct Grid {
  const GridSpec& spec;

  bool inside(int x, int y) const {
    return x >= 0 && y >= 0 && x <= spec.cols + 1 && y <= spec.rows + 1;
  }
  bool real(int x, int y) const { return x >= 1 && y >= 1 && x <= spec.cols && y <= spec.rows; }
  bool corner(int x, int y) const {
    return (x == 0 || x == spec.cols + 1) && (y == 0 || y == spec.rows + 1);
  }
  // A road from (x, y) in direction d exists where it joins two nodes, one of them real.
  bool road(int x, int y, int d) const {
    const int nx = x + kDx[static_cast<std::size_t>(d)], ny = y + kDy[static_cast<std::size_t>(d)];
    return inside(x, y) && inside(nx, ny) && (real(x, y) || real(nx, ny));
  }
  double px(int x) const { return (x - 1) * spec.link_m; }
  double py(int y) const { return (y - 1) * spec.link_m; }
};

std::string road_id(int x, int y, int d) { return fmt::format("road_{}_{}_{}", x, y, d); }
std::string node_id(int x, int y) { return fmt::format("intersection_{}_{}", x, y); }

Json point(double x, double y) { return Json{{"x", x}, {"y", y}}; }

struct RoadRef {
  int x, y, d;  // start node and direction
};

// Centre line of the lane link from lane `la` of incoming road `a` to lane `lb` of outgoing
// road `b` through the node both meet at (CityFlow's findPath).
Json lane_link_points(const Grid& g, RoadRef a, int la, RoadRef b, int lb) {
  return grid_geometry::lane_link_points(g.px(b.x), g.py(b.y), g.spec.intersection_width_m, a.d,
                                         (la + 0.5) * g.spec.lane_width_m, b.d,
                                         (lb + 0.5) * g.spec.lane_width_m, kLaneLinkSegments);
}

Json intersection(const Grid& g, int x, int y) {
  const bool real = g.real(x, y);
  std::vector<RoadRef> in, out;
  for (int d = 0; d < 4; ++d) {
    const int fx = x - kDx[static_cast<std::size_t>(d)], fy = y - kDy[static_cast<std::size_t>(d)];
    if (g.road(fx, fy, d)) in.push_back({fx, fy, d});
  }
  for (int d = 0; d < 4; ++d)
    if (g.road(x, y, d)) out.push_back({x, y, d});

  Json roads = Json::array();
  for (const RoadRef& r : in) roads.push_back(road_id(r.x, r.y, r.d));
  for (const RoadRef& r : out) roads.push_back(road_id(r.x, r.y, r.d));

  Json links = Json::array();
  std::vector<Turn> link_turn;
  std::vector<int> link_dir;
  for (const RoadRef& a : in) {
    for (const RoadRef& b : out) {
      if ((a.d + 2) % 4 == b.d) continue;  // no U-turns
      const Turn turn = turn_of(a.d, b.d);
      Json lane_links = Json::array();
      for (int lb = 0; lb < kLanesPerRoad; ++lb) {
        lane_links.push_back({{"startLaneIndex", lane_of(turn)},
                              {"endLaneIndex", lb},
                              {"points", lane_link_points(g, a, lane_of(turn), b, lb)}});
      }
      links.push_back({{"type", type_name(turn)},
                       {"startRoad", road_id(a.x, a.y, a.d)},
                       {"endRoad", road_id(b.x, b.y, b.d)},
                       {"direction", a.d},
                       {"laneLinks", std::move(lane_links)}});
      link_turn.push_back(turn);
      link_dir.push_back(a.d);
    }
  }

  // Phases: for each green, the links of that kind and axis plus every right turn.
  auto phase = [&](double time_s, Turn kind, bool east_west, bool green) {
    Json available = Json::array();
    for (std::size_t i = 0; i < link_turn.size(); ++i) {
      const bool axis = (link_dir[i] % 2 == 0) == east_west;
      if (link_turn[i] == Turn::right || (green && link_turn[i] == kind && axis))
        available.push_back(i);
    }
    return Json{{"time", time_s}, {"availableRoadLinks", std::move(available)}};
  };
  Json phases = Json::array();
  for (const bool east_west : {true, false}) {
    for (const Turn kind : {Turn::straight, Turn::left}) {
      phases.push_back(phase(g.spec.green_s, kind, east_west, true));
      phases.push_back(phase(g.spec.clearance_s, kind, east_west, false));
    }
  }
  Json indices = Json::array();
  for (std::size_t i = 0; i < links.size(); ++i) indices.push_back(i);

  return Json{{"id", node_id(x, y)},
              {"point", point(g.px(x), g.py(y))},
              {"width", real ? g.spec.intersection_width_m : 0.0},
              {"roads", std::move(roads)},
              {"roadLinks", std::move(links)},
              {"trafficLight", {{"roadLinkIndices", std::move(indices)}, {"lightphases", phases}}},
              {"virtual", !real}};
}

[[noreturn]] void bad_field(const char* field, const std::string& expected, double found) {
  throw Error("invalid grid specification")
      .field(field)
      .expected(expected)
      .found(fmt::format("{}", found));
}

void require_positive(const char* field, double v) {
  if (!(v > 0.0) || !std::isfinite(v)) bad_field(field, "a finite number > 0", v);
}

// Entry roads (from a virtual node inwards) in road order.
std::vector<RoadRef> entry_roads(const Grid& g) {
  std::vector<RoadRef> entries;
  for (int y = 0; y <= g.spec.rows + 1; ++y)
    for (int x = 0; x <= g.spec.cols + 1; ++x)
      for (int d = 0; d < 4; ++d)
        if (!g.real(x, y) && g.road(x, y, d)) entries.push_back({x, y, d});
  return entries;
}

}  // namespace

void validate_grid_spec(const GridSpec& s) {
  const std::string side = fmt::format("an integer in 1 .. {}", kMaxSide);
  if (s.rows < 1 || s.rows > kMaxSide) bad_field("rows", side, s.rows);
  if (s.cols < 1 || s.cols > kMaxSide) bad_field("cols", side, s.cols);
  require_positive("link_m", s.link_m);
  require_positive("intersection_width_m", s.intersection_width_m);
  if (!(s.link_m > 2.0 * s.intersection_width_m)) {
    bad_field("link_m",
              fmt::format("> 2 x intersection_width_m = {} m (lanes of positive length)",
                          2.0 * s.intersection_width_m),
              s.link_m);
  }
  require_positive("lane_width_m", s.lane_width_m);
  require_positive("lane_speed_mps", s.lane_speed_mps);
  require_positive("green_s", s.green_s);
  require_positive("clearance_s", s.clearance_s);
  if (!(s.rate_veh_per_h >= 0.0) || !std::isfinite(s.rate_veh_per_h))
    bad_field("rate_veh_per_h", "a finite number >= 0", s.rate_veh_per_h);
  if (!(s.horizon_s > 1.0) || !std::isfinite(s.horizon_s))
    bad_field("horizon_s", "a finite number > 1 (departures are whole seconds in (0, horizon))",
              s.horizon_s);
  if (!(s.turn_probability >= 0.0 && s.turn_probability <= 0.5))
    bad_field("turn_probability", "a probability in [0, 0.5] (each side; straight 1 - 2p)",
              s.turn_probability);
  const GridVehicle& v = s.vehicle;
  require_positive("vehicle.length_m", v.length_m);
  require_positive("vehicle.width_m", v.width_m);
  require_positive("vehicle.max_accel_mps2", v.max_accel_mps2);
  require_positive("vehicle.max_decel_mps2", v.max_decel_mps2);
  require_positive("vehicle.usual_accel_mps2", v.usual_accel_mps2);
  require_positive("vehicle.usual_decel_mps2", v.usual_decel_mps2);
  require_positive("vehicle.max_speed_mps", v.max_speed_mps);
  if (!(v.min_gap_m >= 0.0) || !std::isfinite(v.min_gap_m))
    bad_field("vehicle.min_gap_m", "a finite number >= 0", v.min_gap_m);
  if (!(v.headway_s >= 0.0) || !std::isfinite(v.headway_s))
    bad_field("vehicle.headway_s", "a finite number >= 0", v.headway_s);
  // Vehicle ids are the random streams' 32-bit entity numbers.
  const double entries = 2.0 * (s.rows + s.cols);
  const double vehicles = std::round(entries * s.rate_veh_per_h * s.horizon_s / 3600.0);
  if (vehicles > static_cast<double>(std::numeric_limits<std::uint32_t>::max())) {
    bad_field("rate_veh_per_h", "a rate giving at most 2^32 - 1 vehicles over the horizon",
              s.rate_veh_per_h);
  }
}

GridCounts grid_counts(const GridSpec& s) {
  validate_grid_spec(s);
  const long long r = s.rows, c = s.cols;
  GridCounts n;
  n.intersections = r * c;
  n.virtual_intersections = 2 * (r + c);
  n.roads = 4 * r * c + 2 * (r + c);
  n.lanes = kLanesPerRoad * n.roads;
  n.entry_roads = 2 * (r + c);
  n.vehicles =
      std::llround(static_cast<double>(n.entry_roads) * s.rate_veh_per_h * s.horizon_s / 3600.0);
  return n;
}

Json grid_roadnet(const GridSpec& spec) {
  validate_grid_spec(spec);
  const Grid g{spec};
  Json intersections = Json::array();
  Json roads = Json::array();
  Json lane = {{"width", spec.lane_width_m}, {"maxSpeed", spec.lane_speed_mps}};
  Json lanes = Json::array();
  for (int i = 0; i < kLanesPerRoad; ++i) lanes.push_back(lane);
  for (int y = 0; y <= spec.rows + 1; ++y) {
    for (int x = 0; x <= spec.cols + 1; ++x) {
      if (!g.corner(x, y)) intersections.push_back(intersection(g, x, y));
    }
  }
  for (int y = 0; y <= spec.rows + 1; ++y) {
    for (int x = 0; x <= spec.cols + 1; ++x) {
      for (int d = 0; d < 4; ++d) {
        if (!g.road(x, y, d)) continue;
        const int nx = x + kDx[static_cast<std::size_t>(d)];
        const int ny = y + kDy[static_cast<std::size_t>(d)];
        roads.push_back(
            {{"id", road_id(x, y, d)},
             {"points", Json::array({point(g.px(x), g.py(y)), point(g.px(nx), g.py(ny))})},
             {"lanes", lanes},
             {"startIntersection", node_id(x, y)},
             {"endIntersection", node_id(nx, ny)}});
      }
    }
  }
  return Json{{"intersections", std::move(intersections)}, {"roads", std::move(roads)}};
}

Json grid_flow(const GridSpec& spec) {
  const GridCounts counts = grid_counts(spec);
  const Grid g{spec};
  const std::vector<RoadRef> entries = entry_roads(g);
  const auto n_entries = static_cast<std::uint64_t>(entries.size());
  // Whole seconds 1 .. ceil(horizon) - 1: inside (0, horizon), as in the shared files.
  const auto n_seconds = static_cast<std::uint64_t>(std::ceil(spec.horizon_s)) - 1;
  const double p = spec.turn_probability;

  struct Vehicle {
    long long depart_s = 0;
    std::vector<std::string> route;
  };
  std::vector<Vehicle> vehicles(static_cast<std::size_t>(counts.vehicles));
  for (std::uint32_t v = 0; v < vehicles.size(); ++v) {
    const RoadRef& e = entries[static_cast<std::size_t>(
        rng::uniform_int(spec.seed, GridStream::entry_road, v, 0, n_entries))];
    const auto depart = 1 + rng::uniform_int(spec.seed, GridStream::departure, v, 0, n_seconds);
    // Straight with probability 1 - 2p, else one left or right turn at an intersection chosen
    // uniformly among those the straight path would cross.
    const double u = rng::uniform(spec.seed, GridStream::turn, v, 0);
    const int crossings = e.d % 2 == 0 ? spec.cols : spec.rows;
    const int turn_at =
        u < 2.0 * p
            ? 1 + static_cast<int>(rng::uniform_int(spec.seed, GridStream::turn_position, v, 0,
                                                    static_cast<std::uint64_t>(crossings)))
            : 0;
    const int turned_dir = u < p ? (e.d + 1) % 4 : (e.d + 3) % 4;

    Vehicle& out = vehicles[v];
    out.depart_s = static_cast<long long>(depart);
    int x = e.x, y = e.y, d = e.d, crossed = 0;
    while (true) {
      out.route.push_back(road_id(x, y, d));
      x += kDx[static_cast<std::size_t>(d)];
      y += kDy[static_cast<std::size_t>(d)];
      if (!g.real(x, y)) break;  // reached the boundary ring
      if (++crossed == turn_at) d = turned_dir;
    }
  }
  // By departure; ties keep vehicle order.
  std::stable_sort(vehicles.begin(), vehicles.end(),
                   [](const Vehicle& a, const Vehicle& b) { return a.depart_s < b.depart_s; });

  const GridVehicle& t = spec.vehicle;
  const Json vehicle = {{"length", t.length_m},
                        {"width", t.width_m},
                        {"maxPosAcc", t.max_accel_mps2},
                        {"maxNegAcc", t.max_decel_mps2},
                        {"usualPosAcc", t.usual_accel_mps2},
                        {"usualNegAcc", t.usual_decel_mps2},
                        {"minGap", t.min_gap_m},
                        {"maxSpeed", t.max_speed_mps},
                        {"headwayTime", t.headway_s}};
  Json flow = Json::array();
  for (Vehicle& v : vehicles) {
    flow.push_back({{"vehicle", vehicle},
                    {"route", std::move(v.route)},
                    {"interval", 1.0},
                    {"startTime", v.depart_s},
                    {"endTime", v.depart_s}});
  }
  return flow;
}

}  // namespace parktwin::scenarios
