#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <vector>

#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

const std::string kDir = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/";

std::vector<std::string> route_names(const TrafficSim& sim, Index v) {
  std::vector<std::string> names;
  for (Index k = 0; k < sim.route_length(v); ++k)
    names.push_back(sim.network().road_id[sim.route_road(v, k)]);
  return names;
}

}  // namespace

TEST_CASE("rerouting avoids a road made expensive and the vehicle still arrives",
          "[traffic][routing]") {
  const Network net = scenarios::load_network(kDir + "sumo/grid4.net.xml");
  const Demand demand = scenarios::load_demand(kDir + "od/grid4_od.csv", net, 3600);
  TrafficSim sim(net, demand, {});
  // The first left0A0 -> D0right0 vehicle; at free flow it drives straight along row 0.
  Index v = kNone;
  for (Index i = 0; i < demand.trip_count() && v == kNone; ++i) {
    if (net.road_id[demand.route_road(demand.trips[i], 0)] == "left0A0") v = i;
  }
  REQUIRE(v != kNone);
  while (sim.state().status[v] != VehicleStatus::running) sim.step();
  for (int i = 0; i < 5; ++i) sim.step();
  const std::vector<std::string> before = route_names(sim, v);
  REQUIRE(std::find(before.begin(), before.end(), "B0C0") != before.end());

  std::vector<double> cost;
  sim.road_travel_times(cost);
  REQUIRE(cost.size() == net.road_count());
  cost[net.find_road("B0C0")] = 1e6;  // as if closed
  const Index driven = sim.state().route_pos[v];
  REQUIRE(sim.reroute(v, cost));
  const std::vector<std::string> after = route_names(sim, v);
  CHECK(std::find(after.begin(), after.end(), "B0C0") == after.end());
  CHECK(after.front() == before.front());
  CHECK(after.back() == "D0right0");
  CHECK(sim.state().route_pos[v] == driven);  // the roads behind are kept
  for (int i = 0; i < 1200 && sim.state().status[v] != VehicleStatus::finished; ++i) sim.step();
  CHECK(sim.state().status[v] == VehicleStatus::finished);
  CHECK(sim.kpis().dead_ends == 0);
  CHECK_FALSE(sim.reroute(v, cost));  // finished vehicles keep their route
}

TEST_CASE("road travel times: free flow on empty roads, slower where vehicles crawl",
          "[traffic][routing]") {
  const Network net = scenarios::load_network(kDir + "sumo/grid4.net.xml");
  const Demand demand = scenarios::load_demand(kDir + "od/grid4_od.csv", net, 3600);
  TrafficSim sim(net, demand, {});
  std::vector<double> cost;
  sim.road_travel_times(cost);
  const Router router(net);
  for (Index r = 0; r < net.road_count(); ++r) CHECK(cost[r] == router.free_flow_cost_s()[r]);
  for (int i = 0; i < 300; ++i) sim.step();
  sim.road_travel_times(cost);
  bool slower_somewhere = false;
  for (Index r = 0; r < net.road_count(); ++r) {
    CHECK(cost[r] >= router.free_flow_cost_s()[r]);
    slower_somewhere = slower_somewhere || cost[r] > router.free_flow_cost_s()[r] * 1.01;
  }
  CHECK(slower_somewhere);  // queues at red lights
}
