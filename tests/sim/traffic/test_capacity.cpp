#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "cityflow_fixture.h"
#include "engine/error.h"
#include "sim/traffic/car_following.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;
using test::Json;

namespace {

Json point(double x, double y) { return {{"x", x}, {"y", y}}; }

// A single-lane ring: road A->B and road B->A, each `length` metres, joined by short
// unsignalised links at both ends.
Json ring_roadnet(double length) {
  auto node = [](const char* id, double x) {
    return Json{{"id", id},         {"point", point(x, 0)},   {"width", 0.0},
                {"virtual", false}, {"roads", Json::array()}, {"roadLinks", Json::array()}};
  };
  auto link = [](const char* from, const char* to, Json a, Json b, Json c) {
    return Json{
        {"type", "go_straight"},
        {"startRoad", from},
        {"endRoad", to},
        {"direction", 0},
        {"laneLinks", {{{"startLaneIndex", 0}, {"endLaneIndex", 0}, {"points", {a, b, c}}}}}};
  };
  auto road = [](const char* id, const char* from, const char* to, Json a, Json b) {
    return Json{{"id", id},
                {"points", {a, b}},
                {"lanes", {{{"width", 4.0}, {"maxSpeed", 30.0}}}},
                {"startIntersection", from},
                {"endIntersection", to}};
  };
  Json a = node("A", 0), b = node("B", length);
  b["roadLinks"] = {link("rAB", "rBA", point(length, -2), point(length + 3, 0), point(length, 2))};
  a["roadLinks"] = {link("rBA", "rAB", point(0, 2), point(-3, 0), point(0, -2))};
  return {{"intersections", {a, b}},
          {"roads",
           {road("rAB", "A", "B", point(0, 0), point(length, 0)),
            road("rBA", "B", "A", point(length, 0), point(0, 0))}}};
}

// IDM parameters of Treiber et al. (2000), Table 1 (v0 = 120 km/h there; 16 m/s here so that
// the ring stays short), with l = 5 m.
Json idm_vehicle() {
  return {{"length", 5.0},    {"width", 2.0},       {"maxPosAcc", 1.0},
          {"maxNegAcc", 9.0}, {"usualPosAcc", 1.0}, {"usualNegAcc", 1.5},
          {"minGap", 2.0},    {"maxSpeed", 16.0},   {"headwayTime", 1.5}};
}

// Flow (veh/h) on the ring with n vehicles after they settle: n vehicles evenly spaced at
// rest, 300 s to settle, 600 s measured by a loop detector.
double ring_flow(int n, double length) {
  Network net = test::network_from(ring_roadnet(length));
  net.detector_id = {"d"};
  net.detector_lane = {0};
  net.detector_pos_m = {length / 2};
  Json ab = Json::array(), ba = Json::array();
  for (int k = 0; k < 400; ++k) {
    ab.push_back(k % 2 ? "rBA" : "rAB");
    ba.push_back(k % 2 ? "rAB" : "rBA");
  }
  const Json flows = Json::array({{{"vehicle", idm_vehicle()},
                                   {"route", ab},
                                   {"interval", 1.0},
                                   {"startTime", 1e6},
                                   {"endTime", 1e6 + n / 2 - 1}},
                                  {{"vehicle", idm_vehicle()},
                                   {"route", ba},
                                   {"interval", 1.0},
                                   {"startTime", 1e6},
                                   {"endTime", 1e6 + n / 2 - 1}}});
  Demand demand = test::demand_from(flows, net, 2e6);
  for (VehicleType& t : demand.types) t.model = CarFollowing::idm;
  TrafficSim sim(net, demand, {0.2, 0});
  const double ring =
      net.seg_length_m[0] + net.seg_length_m[1] + net.seg_length_m[2] + net.seg_length_m[3];
  const double spacing = ring / n;
  // Trips alternate between the two flows in departure order; place each on its own road.
  int on_ab = 0, on_ba = 0;
  for (Index v = 0; v < demand.trip_count(); ++v) {
    const bool starts_ab = demand.route_road(demand.trips[v], 0) == 0;
    int& k = starts_ab ? on_ab : on_ba;
    const Index lane = starts_ab ? 0 : 1;
    const double pos = net.seg_length_m[lane] - 1.0 - k * spacing;
    REQUIRE(pos >= 0.0);
    sim.insert_vehicle(v, lane, pos, 0.0);
    ++k;
  }
  for (int i = 0; i < 1500; ++i) sim.step();
  const std::uint64_t before = sim.detector_count(0);
  for (int i = 0; i < 3000; ++i) sim.step();
  return static_cast<double>(sim.detector_count(0) - before) * 3600.0 / 600.0;
}

}  // namespace

TEST_CASE("IDM: single-lane capacity on a ring matches the analytic maximum flow",
          "[traffic][idm][capacity]") {
  // Analytic: q(v) = v / (s_e(v) + l) with s_e the equilibrium gap (Treiber et al. 2000, Eq. 3);
  // capacity is its maximum over v.
  VehicleType t;
  t.max_accel_mps2 = 1.0;
  t.usual_decel_mps2 = 1.5;
  t.min_gap_m = 2.0;
  t.headway_s = 1.5;
  t.length_m = 5.0;
  double capacity = 0.0;
  for (double v = 0.05; v < 16.0; v += 0.01) {
    capacity = std::max(capacity, v / (idm::equilibrium_gap(t, v, 16.0) + t.length_m) * 3600.0);
  }
  double best = 0.0;
  for (int n : {60, 70, 80, 90, 100}) {
    const double q = ring_flow(n, 1000.0);
    INFO(n << " vehicles: " << q << " veh/h");
    best = std::max(best, q);
  }
  INFO("simulated maximum " << best << " veh/h, analytic capacity " << capacity << " veh/h");
  CHECK(best == Approx(capacity).epsilon(0.05));
}

TEST_CASE("insert_vehicle keeps lanes ordered and refuses overlaps", "[traffic][insert]") {
  const Network net = test::network_from(test::corridor_roadnet(0, 500.0, 13.9));
  const Demand demand = test::demand_from(test::corridor_flow(0, 1.0, 100, 103), net, 600);
  TrafficSim sim(net, demand, {});
  sim.insert_vehicle(0, 0, 100.0, 5.0);
  sim.insert_vehicle(1, 0, 300.0, 5.0);  // ahead of the first: goes to the front
  sim.insert_vehicle(2, 0, 200.0, 5.0);  // in between
  const TrafficState& s = sim.state();
  REQUIRE(s.queues.size(0) == 3);
  CHECK(s.queues.at(0, 0) == 1);
  CHECK(s.queues.at(0, 1) == 2);
  CHECK(s.queues.at(0, 2) == 0);
  CHECK_THROWS_WITH(sim.insert_vehicle(3, 0, 297.0, 0.0),
                    Catch::Contains("overlaps the vehicle ahead"));
  CHECK_THROWS_WITH(sim.insert_vehicle(3, 0, 103.0, 0.0),
                    Catch::Contains("overlaps the vehicle behind"));
  CHECK_THROWS_AS(sim.insert_vehicle(0, 0, 50.0, 0.0), Error);   // already in the network
  CHECK_THROWS_AS(sim.insert_vehicle(3, 0, 900.0, 0.0), Error);  // beyond the lane
  // Inserted trips are not created a second time when their departure time comes.
  for (int i = 0; i < 200; ++i) sim.step();
  const TrafficKpis k = sim.kpis();
  CHECK(k.created == 4);
  CHECK(k.created == k.finished + k.running + k.waiting);
}
