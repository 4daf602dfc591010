#include <catch2/catch.hpp>

#include <vector>

#include "cityflow_fixture.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;
using test::Json;

namespace {

Json point(double x, double y) { return {{"x", x}, {"y", y}}; }

Json lanes(int n) {
  Json a = Json::array();
  for (int i = 0; i < n; ++i) a.push_back({{"width", 4.0}, {"maxSpeed", 16.0}});
  return a;
}

Json node(const std::string& id, double x, bool is_virtual) {
  return {{"id", id},
          {"point", point(x, 0)},
          {"width", is_virtual ? 0.0 : 10.0},
          {"virtual", is_virtual},
          {"roads", Json::array()},
          {"roadLinks", Json::array()}};
}

Json road(const std::string& id, const std::string& from, const std::string& to, double x0,
          double x1, int n) {
  return {{"id", id},
          {"points", {point(x0, 0), point(x1, 0)}},
          {"lanes", lanes(n)},
          {"startIntersection", from},
          {"endIntersection", to}};
}

Json straight(const std::string& from, const std::string& to, int a, int b, double x) {
  return {{"type", "go_straight"},
          {"startRoad", from},
          {"endRoad", to},
          {"direction", 0},
          {"laneLinks",
           {{{"startLaneIndex", a},
             {"endLaneIndex", b},
             {"points", {point(x - 10, -2), point(x + 10, -2)}}}}}};
}

// r0 (1 lane) -> J1 -> r1 (2 lanes, entered on the left lane) -> J2 -> r2 (1 lane, reached
// only from r1's right lane): every vehicle must change lanes on r1.
Json forced_change_roadnet() {
  Json j1 = node("J1", 500, false), j2 = node("J2", 1500, false);
  j1["roadLinks"] = {straight("r0", "r1", 0, 0, 500)};
  j2["roadLinks"] = {straight("r1", "r2", 1, 0, 1500)};
  return {{"intersections", {node("A", 0, true), j1, j2, node("B", 2000, true)}},
          {"roads",
           {road("r0", "A", "J1", 0, 500, 1), road("r1", "J1", "J2", 500, 1500, 2),
            road("r2", "J2", "B", 1500, 2000, 1)}}};
}

Json flow(const Json& vehicle, std::vector<std::string> route, double interval, double start,
          double end) {
  return {{"vehicle", vehicle},
          {"route", route},
          {"interval", interval},
          {"startTime", start},
          {"endTime", end}};
}

void check_no_overlap(const TrafficSim& sim) {
  const TrafficState& s = sim.state();
  for (Index seg = 0; seg < sim.network().segment_count(); ++seg) {
    for (Index j = 1; j < s.queues.size(seg); ++j) {
      const Index a = s.queues.at(seg, j - 1), b = s.queues.at(seg, j);
      const double len = sim.demand().types[sim.demand().trips[a].type].length_m;
      REQUIRE(s.pos_m[a] - len - s.pos_m[b] >= 0.0);
    }
  }
}

}  // namespace

TEST_CASE("mandatory lane change: vehicles reach the lane that leads on",
          "[traffic][lane-change]") {
  const Network net = test::network_from(forced_change_roadnet());
  const Demand demand = test::demand_from(
      Json::array({flow(test::cityflow_vehicle(), {"r0", "r1", "r2"}, 4.0, 0, 600)}), net, 600);
  SECTION("without lane changes every trip ends early at the wrong lane's end") {
    TrafficSim sim(net, demand, {});
    for (int i = 0; i < 1200; ++i) sim.step();
    CHECK(sim.kpis().dead_ends == sim.kpis().finished);
    CHECK(sim.kpis().finished > 0);
  }
  SECTION("with MOBIL every trip changes once and completes its route") {
    TrafficConfig config;
    config.lane_changing = true;
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 1200; ++i) {
      sim.step();
      check_no_overlap(sim);
    }
    const TrafficKpis k = sim.kpis();
    CHECK(k.dead_ends == 0);
    CHECK(k.finished == k.created);
    CHECK(k.lane_changes == k.created);
  }
}

TEST_CASE("discretionary lane change: fast vehicles overtake a slow one",
          "[traffic][lane-change]") {
  // One 3 km two-lane road; a slow vehicle (5 m/s) leaves first, fast ones (16 m/s) follow.
  Json roadnet = {{"intersections", {node("A", 0, true), node("B", 3000, true)}},
                  {"roads", {road("r", "A", "B", 0, 3000, 2)}}};
  const Network net = test::network_from(roadnet);
  Json slow = test::cityflow_vehicle(), fast = test::cityflow_vehicle();
  slow["maxSpeed"] = 5.0;
  fast["maxSpeed"] = 16.0;
  const Json flows =
      Json::array({flow(slow, {"r"}, 1000.0, 0, 0), flow(fast, {"r"}, 8.0, 10, 200)});
  auto mean_fast_travel = [&](bool lane_changing, std::uint64_t& changes) {
    Demand demand = test::demand_from(flows, net, 1000);
    TrafficConfig config;
    config.lane_changing = lane_changing;
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 1000; ++i) {
      sim.step();
      check_no_overlap(sim);
    }
    const TrafficState& s = sim.state();
    double sum = 0.0;
    int n = 0;
    for (Index v = 0; v < demand.trip_count(); ++v) {
      if (demand.types[demand.trips[v].type].max_speed_mps < 10.0) continue;
      REQUIRE(s.status[v] == VehicleStatus::finished);
      sum += s.finish_time_s[v] - s.create_time_s[v];
      ++n;
    }
    changes = sim.kpis().lane_changes;
    return sum / n;
  };
  std::uint64_t changes_off = 0, changes_on = 0;
  const double off = mean_fast_travel(false, changes_off);
  const double on = mean_fast_travel(true, changes_on);
  INFO("fast vehicles' mean travel time: " << off << " s without, " << on
                                           << " s with lane changes");
  CHECK(changes_off == 0);
  CHECK(changes_on > 0);
  // Stuck behind the slow vehicle a fast one needs about 3000 / 5 = 600 s; free, 3000 / 16.
  CHECK(on < 0.6 * off);
}
