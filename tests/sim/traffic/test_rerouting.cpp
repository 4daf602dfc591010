#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
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

namespace {

// Textbook Dijkstra over the same arcs: the least cost from `from` to `to`, entering a road
// costing its time (arcs of a SUMO network add their internal lanes' time, as Router does).
double reference_cost(const Network& net, const Router& router, std::span<const double> cost,
                      Index from, Index to) {
  std::vector<double> dist(net.road_count(), std::numeric_limits<double>::infinity());
  std::vector<bool> done(net.road_count(), false);
  dist[from] = 0.0;
  for (std::size_t round = 0; round < net.road_count(); ++round) {
    Index r = kNone;
    for (Index i = 0; i < net.road_count(); ++i) {
      if (!done[i] && std::isfinite(dist[i]) && (r == kNone || dist[i] < dist[r])) r = i;
    }
    if (r == kNone || r == to) break;
    done[r] = true;
    for (Index n = 0; n < net.road_count(); ++n) {
      const Index a = router.arc(r, n);
      if (a == kNone) continue;
      dist[n] = std::min(dist[n], dist[r] + router.arc_cost_s(a) + cost[n]);
    }
  }
  return dist[to];
}

double route_cost(const Router& router, std::span<const double> cost,
                  const std::vector<Index>& route) {
  double total = 0.0;
  for (std::size_t k = 1; k < route.size(); ++k) {
    total += router.arc_cost_s(router.arc(route[k - 1], route[k])) + cost[route[k]];
  }
  return total;
}

}  // namespace

// Router's landmark bound (A*, ALT) must never cost a route its optimality: on a real network
// whose junction clusters defeat a straight-line bound, with travel times from free flow up
// to 20 times slower, every route costs what a plain Dijkstra finds.
TEST_CASE("routing: landmark A* finds routes as fast as Dijkstra's", "[traffic][routing]") {
  const std::string net_file =
      std::string(PARKTWIN_SHARED_DATA) + "/sumo/resco/ingolstadt21/ingolstadt21.net.xml";
  if (!std::filesystem::exists(net_file)) {
    WARN("shared data not found at " << net_file << "; landmark routing check skipped");
    return;
  }
  const Network net = scenarios::load_network(net_file);
  const Router router(net);
  const auto free = router.free_flow_cost_s();
  std::vector<double> cost(free.begin(), free.end());
  std::uint64_t state = 12345;
  auto next = [&]() {  // splitmix64: a fixed sequence, no <random> distribution differences
    state += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  for (Index r = 0; r < net.road_count(); ++r) {
    cost[r] = free[r] * (1.0 + static_cast<double>(next() % 1900) / 100.0);
  }
  Router::Scratch scratch;
  int reached = 0;
  for (int q = 0; q < 60; ++q) {
    const auto from = static_cast<Index>(next() % net.road_count());
    const auto to = static_cast<Index>(next() % net.road_count());
    const std::vector<Index> route = router.route(from, to, cost, {}, scratch);
    const double best = reference_cost(net, router, cost, from, to);
    INFO("from " << net.road_id[from] << " to " << net.road_id[to]);
    if (!std::isfinite(best)) {
      CHECK(route.empty());
      continue;
    }
    REQUIRE(route.size() >= 1);
    CHECK(route.front() == from);
    CHECK(route.back() == to);
    CHECK(route_cost(router, cost, route) == Approx(best).epsilon(1e-12));
    ++reached;
  }
  CHECK(reached >= 30);  // most pairs of a real city's roads are connected
}
