// SUMO's junction and routing behaviour on SUMO networks (Network::sumo_junctions and the
// tables the SUMO importer fills): routing at departure on measured travel times (SUMO's
// routing device), keep-clear, Krauss's minimum gap in a standing queue, the router's cost of
// crossing a junction, and two vehicles that each need the other's lane.

#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cityflow_fixture.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/routing.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/saved_state.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

const std::string kGrid = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/sumo/grid4.net.xml";
const std::string kGridRoutes = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/sumo/grid4.rou.xml";

// Trips from `from` to `to` every `interval_s` over [0, end_s), of the SUMO default passenger
// type, routed at free flow; `at_departure` marks them for routing again when they depart.
Demand trips(const Network& net, const std::string& from, const std::string& to, double interval_s,
             double end_s, bool at_departure) {
  Demand d;
  d.types = scenarios::load_demand(kGridRoutes, net, 10).types;
  const std::vector<Index> route = shortest_route(net, net.find_road(from), net.find_road(to));
  REQUIRE(route.size() > 2);
  d.route_roads = route;
  for (double t = 0.0; t < end_s; t += interval_s) {
    Trip trip;
    trip.depart_s = t;
    trip.route_begin = 0;
    trip.route_length = static_cast<Index>(route.size());
    trip.route_at_departure = at_departure;
    d.trips.push_back(trip);
    d.trip_id.push_back(std::to_string(d.trips.size()));
  }
  return d;
}

// Holds junction `junction`'s signal in a phase where the movement from `from` to `to` is red.
void hold_red(TrafficSim& sim, const std::string& junction, const std::string& from,
              const std::string& to) {
  const Network& net = sim.network();
  const Index j =
      static_cast<Index>(std::find(net.junction_id.begin(), net.junction_id.end(), junction) -
                         net.junction_id.begin());
  REQUIRE(j < net.junction_count());
  const Index signal = net.junction_signal[j];
  REQUIRE(signal != kNone);
  Index movement = kNone;
  for (Index m = 0; m < net.movement_count(); ++m) {
    if (net.road_id[net.movement_from_road[m]] == from &&
        net.road_id[net.movement_to_road[m]] == to)
      movement = m;
  }
  REQUIRE(movement != kNone);
  std::uint32_t red = 0;
  while ((net.movement_green_phases[movement] >> red) & 1u) ++red;
  REQUIRE(red < net.signal_phases(signal).size());
  sim.set_signal_phase(signal, red);
  sim.hold_signal(signal, true);
}

bool route_uses(const TrafficSim& sim, Index v, Index road) {
  for (Index k = 0; k < sim.route_length(v); ++k) {
    if (sim.route_road(v, k) == road) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a trip routed at departure avoids a road congested then, as SUMO's routing device",
          "[threads][traffic][routing][sumo]") {
  const Network net = scenarios::load_network(kGrid);
  REQUIRE(net.sumo_junctions);
  const Index jammed = net.find_road("B0C0");
  // Along row 0 at free flow: left0A0 A0B0 B0C0 C0D0 D0right0.
  const auto run = [&](bool at_departure, int threads, std::uint64_t* hash) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    const Demand demand = trips(net, "left0A0", "D0right0", 6.0, 600.0, at_departure);
    TrafficSim sim(net, demand, {});
    REQUIRE(route_uses(sim, 0, jammed));
    hold_red(sim, "C0", "B0C0", "C0D0");  // B0C0 fills and stands
    for (int i = 0; i < 600; ++i) sim.step();
    if (hash != nullptr) *hash = sim.state_hash();
    int late_through_jam = 0, late = 0;
    for (Index v = 0; v < demand.trip_count(); ++v) {
      if (demand.trips[v].depart_s < 300.0 || sim.state().status[v] == VehicleStatus::pending) {
        continue;
      }
      ++late;
      late_through_jam += route_uses(sim, v, jammed) ? 1 : 0;
    }
    REQUIRE(late > 20);
    return static_cast<double>(late_through_jam) / late;
  };
  std::uint64_t one = 0, two = 0;
  // Routes fixed at load time all drive into the jam; routed at departure, once the road's
  // measured speed has fallen, the later trips go around it.
  CHECK(run(false, 1, nullptr) == 1.0);
  CHECK(run(true, 1, &one) < 0.2);
  run(true, 2, &two);
  CHECK(two == one);
}

TEST_CASE("routing at departure resumes bit for bit from a checkpoint", "[traffic][checkpoint]") {
  const Network net = scenarios::load_network(kGrid);
  const Demand demand = trips(net, "left0A0", "D0right0", 6.0, 600.0, true);
  TrafficSim original(net, demand, {});
  hold_red(original, "C0", "B0C0", "C0D0");
  for (int i = 0; i < 250; ++i) original.step();
  REQUIRE_FALSE(original.state().road_speed_mean.empty());
  TrafficSim restored(net, demand, {});
  test::restore_state(restored, test::save_state(original));
  for (int i = 0; i < 300; ++i) {
    original.step();
    restored.step();
  }
  CHECK(restored.state_hash() == original.state_hash());
}

TEST_CASE("keep-clear: nobody waits inside a junction whose exit lane is full",
          "[traffic][right-of-way][sumo]") {
  Network net = scenarios::load_network(kGrid);
  REQUIRE(net.link_keep_clear.size() == net.link_count());
  const Index full = net.road_first_lane[net.find_road("B0C0")];
  // Steps in which a vehicle stood on a link into the full lane.
  const auto stood_inside = [&](const Network& n) {
    const Demand demand = trips(n, "left0A0", "D0right0", 4.0, 900.0, false);
    TrafficSim sim(n, demand, {});
    hold_red(sim, "C0", "B0C0", "C0D0");
    int steps = 0;
    for (int i = 0; i < 900; ++i) {
      sim.step();
      bool any = false;
      for (Index k = 0; k < n.link_count(); ++k) {
        if (n.link_to_lane[k] != full) continue;
        const Index seg = n.link_segment(k);
        for (Index j = 0; j < sim.state().queues.size(seg); ++j) {
          any = any || sim.state().speed_mps[sim.state().queues.at(seg, j)] < 0.1;
        }
      }
      steps += any ? 1 : 0;
    }
    // The lane did fill: its queue reaches back to its start.
    const auto& q = sim.state().queues;
    REQUIRE(q.size(full) > 0);
    CHECK(sim.state().pos_m[q.back(full)] < 15.0);
    return steps;
  };
  CHECK(stood_inside(net) == 0);
  net.link_keep_clear.clear();  // CityFlow's rule: follow a tail that still moves
  CHECK(stood_inside(net) > 0);
}

TEST_CASE("Krauss keeps its minimum gap to the vehicle ahead in a standing queue",
          "[traffic][car-following][sumo]") {
  const Network net = scenarios::load_network(kGrid);
  const Demand demand = trips(net, "left0A0", "D0right0", 4.0, 300.0, false);
  const VehicleType& t = demand.types[0];
  REQUIRE(t.model == CarFollowing::krauss);
  TrafficSim sim(net, demand, {});
  hold_red(sim, "C0", "B0C0", "C0D0");
  for (int i = 0; i < 400; ++i) sim.step();
  const Index lane = net.road_first_lane[net.find_road("B0C0")];
  const auto& q = sim.state().queues;
  REQUIRE(q.size(lane) >= 5);
  int pairs = 0;
  for (Index j = 1; j < q.size(lane); ++j) {
    const Index ahead = q.at(lane, j - 1), behind = q.at(lane, j);
    if (sim.state().speed_mps[behind] >= 0.1 || sim.state().speed_mps[ahead] >= 0.1) continue;
    ++pairs;
    const double gap = sim.state().pos_m[ahead] - t.length_m - sim.state().pos_m[behind];
    CHECK(gap >= t.min_gap_m - 1e-6);
    CHECK(gap < t.min_gap_m + 1.0);
  }
  CHECK(pairs >= 4);
}

TEST_CASE("the router pays for crossing a junction where the network says so",
          "[traffic][routing]") {
  Network net = scenarios::load_network(kGrid);
  REQUIRE(net.movement_route_cost_s.size() == net.movement_count());
  const Index from = net.find_road("left0A0"), to = net.find_road("D0right0");
  const std::vector<Index> straight = Router(net).route(from, to);
  REQUIRE(std::find(straight.begin(), straight.end(), net.find_road("B0C0")) != straight.end());
  // A crossing made dear (B0 straight on toward C0) sends the route another way.
  for (Index m = 0; m < net.movement_count(); ++m) {
    if (net.road_id[net.movement_from_road[m]] == "A0B0" &&
        net.road_id[net.movement_to_road[m]] == "B0C0") {
      net.movement_route_cost_s[m] = 1e4;
    }
  }
  const std::vector<Index> around = Router(net).route(from, to);
  REQUIRE_FALSE(around.empty());
  CHECK(around.front() == from);
  CHECK(around.back() == to);
  const auto a0b0 = std::find(around.begin(), around.end(), net.find_road("A0B0"));
  CHECK((a0b0 == around.end() || a0b0 + 1 == around.end() || *(a0b0 + 1) != net.find_road("B0C0")));
}

namespace {

test::Json at(double x, double y) { return {{"x", x}, {"y", y}}; }

// r0 (2 lanes, 500 m) -> J: its left lane (index 0) turns onto rL, its right lane onto rR.
Network fork_network() {
  using test::Json;
  const auto node = [](const std::string& id, double x, double y, bool is_virtual) {
    return Json{{"id", id},
                {"point", at(x, y)},
                {"width", is_virtual ? 0.0 : 10.0},
                {"virtual", is_virtual},
                {"roads", Json::array()},
                {"roadLinks", Json::array()}};
  };
  const auto road = [](const std::string& id, const std::string& from, const std::string& to,
                       Json a, Json b, int lanes) {
    Json l = Json::array();
    for (int i = 0; i < lanes; ++i) l.push_back({{"width", 4.0}, {"maxSpeed", 16.0}});
    return Json{{"id", id},
                {"points", {a, b}},
                {"lanes", l},
                {"startIntersection", from},
                {"endIntersection", to}};
  };
  const auto link = [](const std::string& type, const std::string& from, const std::string& to,
                       int a, Json p, Json q) {
    return Json{{"type", type},
                {"startRoad", from},
                {"endRoad", to},
                {"direction", 0},
                {"laneLinks", {{{"startLaneIndex", a}, {"endLaneIndex", 0}, {"points", {p, q}}}}}};
  };
  Json j = node("J", 500, 0, false);
  j["roadLinks"] = {link("turn_left", "r0", "rL", 0, at(495, 0), at(500, 5)),
                    link("turn_right", "r0", "rR", 1, at(495, 0), at(500, -5))};
  return test::network_from(
      {{"intersections",
        {node("A", 0, 0, true), j, node("L", 500, 500, true), node("R", 500, -500, true)}},
       {"roads",
        {road("r0", "A", "J", at(0, 0), at(495, 0), 2),
         road("rL", "J", "L", at(500, 5), at(500, 500), 1),
         road("rR", "J", "R", at(500, -5), at(500, -500), 1)}}});
}

}  // namespace

TEST_CASE("two vehicles side by side, each bound for the other's lane, both get there",
          "[traffic][lane-change]") {
  const Network net = fork_network();
  Demand d;
  d.types.push_back(VehicleType{});
  d.types[0].model = CarFollowing::krauss;
  d.types[0].sigma = 0.0;
  const Index r0 = net.find_road("r0");
  d.route_roads = {r0, net.find_road("rR"), r0, net.find_road("rL")};
  // Each starts on the lane that does not lead where it goes, level with the other.
  for (int k = 0; k < 2; ++k) {
    Trip t;
    t.route_begin = static_cast<Index>(2 * k);
    t.route_length = 2;
    t.depart_lane = static_cast<std::int16_t>(k == 0 ? 0 : 1);
    t.depart_speed = 10.0f;
    d.trips.push_back(t);
    d.trip_id.push_back(k == 0 ? "to-right" : "to-left");
  }
  TrafficConfig config;
  config.lane_changing = true;
  config.teleport_after_s = 60.0;
  TrafficSim sim(net, d, config);
  for (int i = 0; i < 300; ++i) sim.step();
  const TrafficKpis k = sim.kpis();
  CHECK(k.finished == 2);
  CHECK(k.teleports == 0);
  CHECK(k.dead_ends == 0);
  CHECK(sim.state().counters.lane_changes >= 2);
}
