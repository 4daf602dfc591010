#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <vector>

#include "cityflow_fixture.h"
#include "scenarios/manifest.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/car_following.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

struct Scenario {
  Network net;
  Demand demand;
};

Scenario hangzhou(double horizon_s) {
  const auto m =
      scenarios::load_manifest(test::assets_dir() + "/scenarios/hangzhou_4x4/scenario.toml");
  Scenario s{scenarios::load_network(m.network_path), {}};
  s.demand = scenarios::load_demand(m.demand_path, s.net, horizon_s);
  return s;
}

const VehicleType& type_of(const TrafficSim& sim, Index v) {
  return sim.demand().types[sim.demand().trips[v].type];
}

}  // namespace

TEST_CASE("vehicles are conserved: created = finished + running + waiting",
          "[traffic][invariant]") {
  const Scenario sc = hangzhou(3600);
  TrafficSim sim(sc.net, sc.demand, {});
  for (int i = 0; i < 3600; ++i) {
    sim.step();
    const TrafficKpis k = sim.kpis();
    std::uint64_t on_segments = 0;
    for (Index seg = 0; seg < sc.net.segment_count(); ++seg)
      on_segments += sim.state().queues.size(seg);
    REQUIRE(k.created == k.finished + k.running + k.waiting);
    REQUIRE(on_segments == k.running);
  }
  const TrafficKpis k = sim.kpis();
  CHECK(k.created == sc.demand.trip_count());  // every trip departs within the hour
  CHECK(k.finished > 2000);
  CHECK(k.dead_ends == 0);
}

TEST_CASE("no overlap and no negative gap in any lane or link", "[traffic][invariant]") {
  const Scenario sc = hangzhou(3600);
  TrafficSim sim(sc.net, sc.demand, {});
  double worst_gap = 1e9;
  for (int i = 0; i < 3600; ++i) {
    sim.step();
    const TrafficState& s = sim.state();
    for (Index seg = 0; seg < sc.net.segment_count(); ++seg) {
      for (Index j = 1; j < s.queues.size(seg); ++j) {
        const Index leader = s.queues.at(seg, j - 1), follower = s.queues.at(seg, j);
        const double gap = s.pos_m[leader] - type_of(sim, leader).length_m - s.pos_m[follower];
        worst_gap = std::min(worst_gap, gap);
      }
      for (Index j = 0; j < s.queues.size(seg); ++j) {
        const Index v = s.queues.at(seg, j);
        REQUIRE(s.pos_m[v] >= 0.0);
        REQUIRE(s.pos_m[v] <= sc.net.seg_length_m[seg]);
      }
    }
  }
  INFO("smallest bumper-to-bumper gap seen: " << worst_gap << " m");
  CHECK(worst_gap >= 0.0);
}

TEST_CASE("speeds stay within [0, min(desired speed, lane limit)]", "[traffic][invariant]") {
  const Scenario sc = hangzhou(1800);
  TrafficSim sim(sc.net, sc.demand, {});
  for (int i = 0; i < 1800; ++i) {
    sim.step();
    const TrafficState& s = sim.state();
    for (Index lane = 0; lane < sc.net.lane_count(); ++lane) {
      for (Index j = 0; j < s.queues.size(lane); ++j) {
        const Index v = s.queues.at(lane, j);
        REQUIRE(s.speed_mps[v] >= 0.0);
        REQUIRE(s.speed_mps[v] <=
                std::min(type_of(sim, v).max_speed_mps, sc.net.seg_speed_limit_mps[lane]) + 1e-9);
      }
    }
  }
}

TEST_CASE("no vehicle enters a junction on red unless it could no longer stop",
          "[traffic][invariant]") {
  // A signal is red for 30 s of every 60 s on a corridor with a steady stream of vehicles.
  // Entering a junction link is allowed while green, or right after the change for a vehicle
  // whose minimum braking distance exceeded its distance to the stop line (the amber rule).
  const Network net = test::network_from(test::corridor_roadnet(1, 400.0, 13.9, 30.0, 30.0));
  const Demand demand = test::demand_from(test::corridor_flow(1, 4.0, 0, 1200), net, 1200);
  TrafficSim sim(net, demand, {});
  int entries = 0, amber = 0;
  for (int i = 0; i < 1200; ++i) {
    const TrafficState& s = sim.state();
    std::vector<Index> seg_before(s.segment);
    std::vector<double> pos_before(s.pos_m), speed_before(s.speed_mps);
    const bool green = sim.link_green(0);
    sim.step();
    for (Index v = 0; v < s.next_trip; ++v) {
      if (seg_before[v] == kNone || net.is_link(seg_before[v]) ||
          s.status[v] == VehicleStatus::waiting)
        continue;
      const bool entered = s.status[v] == VehicleStatus::finished || net.is_link(s.segment[v]) ||
                           net.lane_road[s.segment[v]] != net.lane_road[seg_before[v]];
      if (!entered || net.lane_road[seg_before[v]] != 0) continue;
      ++entries;
      if (green) continue;
      ++amber;
      const double remaining = net.seg_length_m[seg_before[v]] - pos_before[v];
      INFO("vehicle " << v << " entered on red at t = " << i << " s");
      CHECK(safe_speed::min_brake_distance(type_of(sim, v), speed_before[v]) > remaining);
    }
  }
  CHECK(entries > 100);
  CHECK(amber < entries / 10);
}

TEST_CASE("no vehicle enters a junction on red anywhere in hangzhou_4x4", "[traffic][invariant]") {
  // Red begins where amber ends: a vehicle that could no longer stop when its movement's green
  // ended reaches the stop line within v / (2 b_max) + one step (it keeps going at >= its
  // speed over a distance < v^2 / (2 b_max)). Every entry onto a junction link must come while
  // the link is green or within that window after its green ended.
  const Scenario sc = hangzhou(1800);
  TrafficSim sim(sc.net, sc.demand, {});
  double amber_s = 0.0;
  for (const VehicleType& t : sc.demand.types) {
    amber_s = std::max(amber_s, t.max_speed_mps / (2.0 * t.max_decel_mps2) + 1.0);
  }
  const std::size_t K = sc.net.link_count();
  std::vector<double> green_until(K, 0.0);  // end of each link's latest green
  std::vector<std::uint8_t> green(K, 0);
  int entries = 0, amber = 0;
  for (int i = 0; i < 1800; ++i) {
    const TrafficState& s = sim.state();
    const double now = static_cast<double>(i);
    for (Index k = 0; k < K; ++k) {
      green[k] = sim.link_green(k) ? 1 : 0;
      if (green[k]) green_until[k] = now + 1.0;
    }
    const std::vector<Index> seg_before(s.segment), link_before(s.planned_link);
    sim.step();
    for (Index v = 0; v < s.next_trip; ++v) {
      const Index from = seg_before[v];
      if (from == kNone || sc.net.is_link(from) || link_before[v] == kNone) continue;
      if (s.status[v] != VehicleStatus::finished && s.segment[v] == from) continue;
      ++entries;
      const Index k = link_before[v];
      if (green[k]) continue;
      ++amber;
      INFO("vehicle " << v << " entered link " << k << " at t = " << i << " s, "
                      << now - green_until[k] << " s after its green ended");
      CHECK(now - green_until[k] <= amber_s);
    }
  }
  CHECK(entries > 1000);
  CHECK(amber < entries / 20);
  CHECK(sim.kpis().amber_entries == static_cast<std::uint64_t>(amber));
}

TEST_CASE("results are bit-identical with 1, 2 and 8 threads and across runs",
          "[threads][traffic][determinism]") {
  const Scenario sc = hangzhou(1200);
  auto run = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    TrafficSim sim(sc.net, sc.demand, {1.0, 7});
    for (int i = 0; i < 1200; ++i) sim.step();
    return std::pair{sim.state_hash(), sim.kpis().average_travel_time_s};
  };
  const auto one = run(1);
  CHECK(run(2) == one);
  CHECK(run(8) == one);
  CHECK(run(1) == one);
}

TEST_CASE("the seed decides random choices, and the hash sees them", "[traffic][determinism]") {
  // One three-lane road: each vehicle's start lane is drawn from the seed.
  test::Json roadnet = test::corridor_roadnet(0, 500.0, 13.9);
  roadnet["roads"][0]["lanes"] = test::Json::array({{{"width", 4.0}, {"maxSpeed", 13.9}},
                                                    {{"width", 4.0}, {"maxSpeed", 13.9}},
                                                    {{"width", 4.0}, {"maxSpeed", 13.9}}});
  const Network net = test::network_from(roadnet);
  const Demand demand = test::demand_from(test::corridor_flow(0, 2.0, 0, 600), net, 600);
  auto hash = [&](std::uint64_t seed) {
    TrafficSim sim(net, demand, {1.0, seed});
    for (int i = 0; i < 300; ++i) sim.step();
    return sim.state_hash();
  };
  CHECK(hash(1) == hash(1));
  CHECK(hash(1) != hash(2));
}
