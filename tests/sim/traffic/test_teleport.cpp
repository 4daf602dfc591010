// Teleports (sim/traffic/teleport.cpp) and lane permissions (Network::lane_access) on a small
// network where every vehicle must change lanes onto a lane it may not drive: SUMO's
// situation of a vehicle stuck at the end of a lane that does not lead on.

#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <vector>

#include "cityflow_fixture.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/saved_state.h"

using namespace parktwin;
using namespace parktwin::traffic;
using test::Json;

namespace {

Json point(double x) { return {{"x", x}, {"y", 0.0}}; }

Json node(const std::string& id, double x, bool is_virtual) {
  return {{"id", id},
          {"point", point(x)},
          {"width", is_virtual ? 0.0 : 10.0},
          {"virtual", is_virtual},
          {"roads", Json::array()},
          {"roadLinks", Json::array()}};
}

Json road(const std::string& id, const std::string& from, const std::string& to, double x0,
          double x1, int lanes) {
  Json l = Json::array();
  for (int i = 0; i < lanes; ++i) l.push_back({{"width", 4.0}, {"maxSpeed", 16.0}});
  return {{"id", id},
          {"points", {point(x0), point(x1)}},
          {"lanes", l},
          {"startIntersection", from},
          {"endIntersection", to}};
}

Json straight(const std::string& from, const std::string& to, int a, int b, double x) {
  return {
      {"type", "go_straight"},
      {"startRoad", from},
      {"endRoad", to},
      {"direction", 0},
      {"laneLinks",
       {{{"startLaneIndex", a}, {"endLaneIndex", b}, {"points", {point(x - 10), point(x + 10)}}}}}};
}

// r0 (1 lane) -> J1 -> r1 (2 lanes, entered on the left one, index 0) -> J2 -> r2: only r1's
// right lane leads to r2, and that lane is barred to the vehicles' class.
Network barred_network(Index& barred_lane) {
  Json j1 = node("J1", 500, false), j2 = node("J2", 1000, false);
  j1["roadLinks"] = {straight("r0", "r1", 0, 0, 500)};
  j2["roadLinks"] = {straight("r1", "r2", 1, 0, 1000)};
  Network net =
      test::network_from({{"intersections", {node("A", 0, true), j1, j2, node("B", 1500, true)}},
                          {"roads",
                           {road("r0", "A", "J1", 0, 500, 1), road("r1", "J1", "J2", 500, 1000, 2),
                            road("r2", "J2", "B", 1000, 1500, 1)}}});
  barred_lane = net.road_first_lane[net.find_road("r1")] + 1;
  net.lane_access.assign(net.lane_count(), ~std::uint64_t{0});
  net.lane_access[barred_lane] = ~std::uint64_t{1};  // every class but 0, the vehicles'
  return net;
}

Demand five_vehicles(const Network& net) {
  return test::demand_from(Json::array({{{"vehicle", test::cityflow_vehicle()},
                                         {"route", {"r0", "r1", "r2"}},
                                         {"interval", 10.0},
                                         {"startTime", 0},
                                         {"endTime", 40}}}),
                           net, 600);
}

}  // namespace

TEST_CASE("a vehicle stuck at the end of a lane that does not lead on is teleported and arrives",
          "[traffic][teleport]") {
  Index barred = kNone;
  const Network net = barred_network(barred);
  const Demand demand = five_vehicles(net);
  TrafficConfig config;
  config.lane_changing = true;

  SECTION("without teleports they wait at the line for good: nothing resolves it") {
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 1200; ++i) sim.step();
    const TrafficKpis k = sim.kpis();
    CHECK(k.finished == 0);
    CHECK(k.running == demand.trip_count());
    CHECK(k.teleports == 0);
  }
  SECTION("without lane changes (CityFlow's model) their routes end at the lane's end") {
    config.lane_changing = false;
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 1200; ++i) sim.step();
    const TrafficKpis k = sim.kpis();
    CHECK(k.finished == demand.trip_count());
    CHECK(k.dead_ends == k.finished);
  }
  SECTION("with teleports they stop at the line, stand for the time, and arrive") {
    config.teleport_after_s = 60.0;
    TrafficSim sim(net, demand, config);
    const Index r1_end = net.road_first_lane[net.find_road("r1")];
    double longest_stand = 0.0;
    std::size_t arrivals = 0;  // as the coupling sees them (EVs parking at their destination)
    for (int i = 0; i < 1200; ++i) {
      sim.step();
      const TrafficState& s = sim.state();
      arrivals += s.finished_last_step.size();
      REQUIRE(s.queues.size(barred) == 0);  // nobody ever drives the barred lane
      for (Index j = 0; j < s.queues.size(r1_end); ++j) {
        const Index v = s.queues.at(r1_end, j);
        REQUIRE(s.pos_m[v] <= net.seg_length_m[r1_end]);  // stopped at the line, not beyond
        longest_stand = std::max(longest_stand, static_cast<double>(s.totals[v].halted_s));
      }
    }
    const TrafficKpis k = sim.kpis();
    CHECK(k.dead_ends == 0);
    CHECK(k.finished == demand.trip_count());
    CHECK(k.teleports == demand.trip_count());
    CHECK(sim.road_teleports()[net.find_road("r1")] == demand.trip_count());
    CHECK(longest_stand >= 59.0);
    CHECK(longest_stand <= 60.0);
    // Each stood its minute at the front, one after the other, so the last one's trip takes
    // at least five minutes.
    const TrafficState& s = sim.state();
    const auto last = static_cast<Index>(demand.trip_count() - 1);
    CHECK(s.finish_time_s[last] - s.create_time_s[last] >= 5 * 60.0);
    for (Index v = 0; v < demand.trip_count(); ++v) {
      CHECK(s.status[v] == VehicleStatus::finished);
    }
    CHECK(arrivals == demand.trip_count());
  }
}

TEST_CASE("teleports are the same for any thread count and survive a checkpoint",
          "[threads][traffic][teleport][determinism]") {
  Index barred = kNone;
  const Network net = barred_network(barred);
  const Demand demand = five_vehicles(net);
  TrafficConfig config;
  config.lane_changing = true;
  config.teleport_after_s = 30.0;
  const auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 600; ++i) sim.step();
    return sim.state_hash();
  };
  const std::uint64_t one = run(1);
  CHECK(run(2) == one);
  CHECK(run(8) == one);

  // Saved while vehicles are teleporting, restored into a fresh simulation.
  TrafficSim original(net, demand, config);
  int i = 0;
  for (; i < 600 && original.state().teleporting.empty(); ++i) original.step();
  REQUIRE_FALSE(original.state().teleporting.empty());
  TrafficSim restored(net, demand, config);
  test::restore_state(restored, test::save_state(original));
  for (; i < 600; ++i) {
    original.step();
    restored.step();
  }
  CHECK(restored.state_hash() == original.state_hash());
  CHECK(restored.state_hash() == one);
}
