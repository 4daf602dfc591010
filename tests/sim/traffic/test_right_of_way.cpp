#include <catch2/catch.hpp>

#include <vector>

#include "cityflow_fixture.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

test::Json point(double x, double y) { return {{"x", x}, {"y", y}}; }

// Two single-lane roads crossing at an unsignalised junction C: west -> east (major) and
// south -> north (minor). The minor link yields to the major one.
test::Json crossing_roadnet() {
  auto node = [](const char* id, double x, double y, bool is_virtual) {
    return test::Json{{"id", id},
                      {"point", point(x, y)},
                      {"width", is_virtual ? 0.0 : 10.0},
                      {"virtual", is_virtual},
                      {"roads", test::Json::array()},
                      {"roadLinks", test::Json::array()}};
  };
  auto road = [](const char* id, const char* from, const char* to, test::Json a, test::Json b) {
    return test::Json{{"id", id},
                      {"points", {a, b}},
                      {"lanes", {{{"width", 4.0}, {"maxSpeed", 13.9}}}},
                      {"startIntersection", from},
                      {"endIntersection", to}};
  };
  test::Json c = node("C", 0, 0, false);
  c["roadLinks"] = {{{"type", "go_straight"},
                     {"startRoad", "rW"},
                     {"endRoad", "rE"},
                     {"direction", 0},
                     {"laneLinks",
                      {{{"startLaneIndex", 0},
                        {"endLaneIndex", 0},
                        {"points", {point(-10, -2), point(10, -2)}}}}}},
                    {{"type", "go_straight"},
                     {"startRoad", "rS"},
                     {"endRoad", "rN"},
                     {"direction", 1},
                     {"laneLinks",
                      {{{"startLaneIndex", 0},
                        {"endLaneIndex", 0},
                        {"points", {point(2, -10), point(2, 10)}}}}}}};
  return {{"intersections",
           {node("W", -300, 0, true), node("E", 300, 0, true), node("S", 0, -300, true),
            node("N", 0, 300, true), c}},
          {"roads",
           {road("rW", "W", "C", point(-300, 0), point(0, 0)),
            road("rE", "C", "E", point(0, 0), point(300, 0)),
            road("rS", "S", "C", point(0, -300), point(0, 0)),
            road("rN", "C", "N", point(0, 0), point(0, 300))}}};
}

test::Json flow(std::vector<const char*> route, double interval) {
  return {{"vehicle", test::cityflow_vehicle()},
          {"route", route},
          {"interval", interval},
          {"startTime", 0},
          {"endTime", 900}};
}

}  // namespace

TEST_CASE("right of way: the minor link never enters while the major link is occupied",
          "[traffic][junction]") {
  const Network net = test::network_from(crossing_roadnet());
  REQUIRE(net.link_count() == 2);
  REQUIRE(net.junction_signal[4] == kNone);
  // Derived from geometry at import: the paths cross, both go straight, so the later link
  // (south -> north) yields to the earlier (west -> east).
  CHECK(net.yield_to(0).empty());
  REQUIRE(net.yield_to(1).size() == 1);
  CHECK(net.yield_to(1)[0] == 0);
  const Demand demand = test::demand_from(
      test::Json::array({flow({"rW", "rE"}, 5.0), flow({"rS", "rN"}, 12.0)}), net, 900);
  TrafficSim sim(net, demand, {});
  const Index major = net.link_segment(0), minor = net.link_segment(1);
  int minor_entries = 0, conflicts = 0;
  for (int i = 0; i < 1200; ++i) {
    const TrafficState& s = sim.state();
    std::vector<Index> before(s.segment);
    const bool major_occupied = s.queues.size(major) > 0;
    sim.step();
    for (Index v = 0; v < s.next_trip; ++v) {
      if (before[v] != kNone && !net.is_link(before[v]) && s.segment[v] == minor) {
        ++minor_entries;
        conflicts += major_occupied ? 1 : 0;
      }
    }
  }
  const TrafficKpis k = sim.kpis();
  CHECK(conflicts == 0);
  int minor_trips = 0;
  for (const Trip& t : demand.trips) minor_trips += demand.route_road(t, 0) == net.find_road("rS");
  CHECK(minor_entries == minor_trips);  // every minor vehicle got through: served, not starved
  CHECK(k.finished == k.created);       // everybody got through in the end
  CHECK(k.dead_ends == 0);
}

TEST_CASE("right of way: without a yield table both streams cross freely", "[traffic][junction]") {
  Network net = test::network_from(crossing_roadnet());
  net.link_yield_begin.clear();
  net.link_yield_to.clear();
  const Demand demand = test::demand_from(
      test::Json::array({flow({"rW", "rE"}, 5.0), flow({"rS", "rN"}, 7.0)}), net, 900);
  TrafficSim sim(net, demand, {});
  for (int i = 0; i < 1200; ++i) sim.step();
  const TrafficKpis k = sim.kpis();
  CHECK(k.finished == k.created);
  CHECK(k.mean_stops_per_vehicle == 0.0);
}
