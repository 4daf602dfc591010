// Scenario events acting on traffic: closures keep vehicles out and send routes around them,
// retimed signals follow their new plan, demand multipliers rescale the trips, and a World
// with events and controllers resumes bit for bit from a checkpoint, for any thread count.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "cityflow_fixture.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/manifest.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/demand_scaling.h"
#include "sim/traffic/events.h"
#include "sim/traffic/signal_control.h"
#include "sim/traffic/traffic_sim.h"
#include "sim/world.h"
#include "tests/support/saved_state.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

struct Hangzhou {
  Network net;
  Demand demand;
};

const Hangzhou& hangzhou() {
  static const Hangzhou h = [] {
    const auto m =
        scenarios::load_manifest(test::assets_dir() + "/scenarios/hangzhou_4x4/scenario.toml");
    Hangzhou out;
    out.net = scenarios::load_network(m.network_path);
    out.demand = scenarios::load_demand(m.demand_path, out.net, 1800);
    return out;
  }();
  return h;
}

// The road that most trips drive on between their first and last road: closing it matters.
Index busiest_inner_road(const Network& net, const Demand& demand) {
  std::vector<int> uses(net.road_count(), 0);
  for (const Trip& t : demand.trips) {
    for (Index k = 1; k + 1 < t.route_length; ++k) ++uses[demand.route_road(t, k)];
  }
  return static_cast<Index>(std::max_element(uses.begin(), uses.end()) - uses.begin());
}

std::set<Index> on_lanes(const TrafficSim& sim, Index road) {
  const Network& net = sim.network();
  std::set<Index> out;
  const auto& q = sim.state().queues;
  for (Index l = net.road_first_lane[road];
       l < net.road_first_lane[road] + net.road_lane_count[road]; ++l) {
    for (Index i = 0; i < q.size(l); ++i) out.insert(q.at(l, i));
  }
  return out;
}

// Vehicles on `road`'s lanes or already inside a junction on a link into them.
std::set<Index> on_or_committed(const TrafficSim& sim, Index road) {
  const Network& net = sim.network();
  std::set<Index> out = on_lanes(sim, road);
  const auto& q = sim.state().queues;
  for (Index k = 0; k < net.link_count(); ++k) {
    if (net.lane_road[net.link_to_lane[k]] != road) continue;
    for (Index i = 0; i < q.size(net.link_segment(k)); ++i)
      out.insert(q.at(net.link_segment(k), i));
  }
  return out;
}

void check_conserved(const TrafficSim& sim) {
  const TrafficKpis k = sim.kpis();
  CHECK(k.created == k.waiting + k.running + k.finished);
}

}  // namespace

TEST_CASE("a closed road takes no new vehicle, routes go around it, and it reopens",
          "[traffic][events]") {
  const Hangzhou& h = hangzhou();
  TrafficSim sim(h.net, h.demand, {1.0, 0});
  const Index road = busiest_inner_road(h.net, h.demand);
  for (int i = 0; i < 300; ++i) sim.step();
  sim.set_road_closed(road, true);
  const std::set<Index> allowed = on_or_committed(sim, road);
  const std::uint64_t finished_at_closure = sim.kpis().finished;
  for (int i = 0; i < 600; ++i) {
    sim.step();
    for (const Index v : on_lanes(sim, road)) REQUIRE(allowed.count(v) == 1);
  }
  const TrafficKpis k = sim.kpis();
  CHECK(k.closure_reroutes > 0);
  CHECK(k.finished > finished_at_closure + 100);  // the network keeps flowing around it
  check_conserved(sim);
  // A vehicle still heading for the road has no way around it: the road is its destination,
  // or it is next and the vehicle's lane (no lane changes here) leads nowhere else.
  std::uint64_t heading_there = 0;
  for (Index v = 0; v < h.demand.trip_count(); ++v) {
    if (sim.state().status[v] != VehicleStatus::running || allowed.count(v) == 1) continue;
    const Index pos = sim.state().route_pos[v];
    for (Index r = pos + 1; r < sim.route_length(v); ++r) {
      if (sim.route_road(v, r) != road) continue;
      ++heading_there;
      if (r + 1 == sim.route_length(v)) continue;  // its destination
      const Index lane = sim.state().segment[v];
      REQUIRE(r == pos + 1);
      REQUIRE_FALSE(h.net.is_link(lane));
      for (Index j = h.net.lane_links_begin[lane]; j < h.net.lane_links_begin[lane + 1]; ++j) {
        CHECK(h.net.lane_road[h.net.link_to_lane[j]] == road);
      }
    }
  }
  CHECK(heading_there <= k.closure_no_detour);

  sim.set_road_closed(road, false);
  bool entered = false;
  for (int i = 0; i < 300 && !entered; ++i) {
    sim.step();
    for (const Index v : on_lanes(sim, road)) entered = entered || allowed.count(v) == 0;
  }
  CHECK(entered);
  check_conserved(sim);
}

TEST_CASE("a closed lane takes no new vehicle while the other lanes of its road do",
          "[traffic][events]") {
  const Hangzhou& h = hangzhou();
  TrafficSim sim(h.net, h.demand, {1.0, 0});
  const Index road = busiest_inner_road(h.net, h.demand);
  REQUIRE(h.net.road_lane_count[road] == 3);
  const Index closed = h.net.road_first_lane[road] + 1;  // the straight-ahead lane
  for (int i = 0; i < 300; ++i) sim.step();
  sim.set_lane_closed(closed, true);
  CHECK(sim.lane_closed(closed));
  std::set<Index> allowed;
  const auto& q = sim.state().queues;
  for (Index i = 0; i < q.size(closed); ++i) allowed.insert(q.at(closed, i));
  for (Index k = 0; k < h.net.link_count(); ++k) {
    if (h.net.link_to_lane[k] != closed) continue;
    for (Index i = 0; i < q.size(h.net.link_segment(k)); ++i)
      allowed.insert(q.at(h.net.link_segment(k), i));
  }
  std::set<Index> others;
  const std::uint64_t finished_at_closure = sim.kpis().finished;
  for (int i = 0; i < 600; ++i) {
    sim.step();
    for (Index j = 0; j < q.size(closed); ++j) REQUIRE(allowed.count(q.at(closed, j)) == 1);
    for (Index l = h.net.road_first_lane[road]; l < h.net.road_first_lane[road] + 3; ++l) {
      if (l == closed) continue;
      for (Index j = 0; j < q.size(l); ++j) others.insert(q.at(l, j));
    }
  }
  CHECK(others.size() > 20);
  CHECK(sim.kpis().finished > finished_at_closure + 100);
  check_conserved(sim);
  CHECK_THROWS_AS(sim.set_lane_closed(static_cast<Index>(h.net.lane_count()), true), Error);
}

TEST_CASE("a retimed signal follows its new plan from the phase it is in", "[traffic][events]") {
  // One junction: phase 0 green for 30 s, phase 1 red for 30 s.
  const Network net = test::network_from(test::corridor_roadnet(1, 400.0, 13.9, 30.0, 30.0));
  const Demand demand = test::demand_from(test::corridor_flow(1, 6.0, 0, 600), net, 600);
  TrafficSim sim(net, demand, {});
  for (int i = 0; i < 5; ++i) sim.step();  // 5 s into phase 0
  const std::vector<double> plan{12.0, 48.0};
  sim.set_signal_plan(0, plan);
  CHECK(sim.phase_duration_s(0, 1) == 48.0);
  std::vector<std::uint32_t> phase_at;  // phase during each second from t = 5 on
  for (int i = 0; i < 120; ++i) {
    phase_at.push_back(sim.signal_phase(0));
    sim.step();
  }
  // Phase 0 ends 12 s after it started (t = 12), phase 1 lasts 48 s, then 12 s green again.
  CHECK(phase_at[6] == 0);   // t = 11
  CHECK(phase_at[7] == 1);   // t = 12
  CHECK(phase_at[54] == 1);  // t = 59
  CHECK(phase_at[55] == 0);  // t = 60
  CHECK(phase_at[66] == 0);  // t = 71
  CHECK(phase_at[67] == 1);  // t = 72
  const std::vector<double> three{10.0, 10.0, 10.0}, negative{-1.0, 30.0}, zero{0.0, 0.0};
  CHECK_THROWS_WITH(sim.set_signal_plan(0, three), Catch::Contains("expected 2 durations"));
  CHECK_THROWS_AS(sim.set_signal_plan(0, negative), Error);
  CHECK_THROWS_AS(sim.set_signal_plan(0, zero), Error);
}

TEST_CASE("demand multipliers thin or repeat the trips of their window", "[traffic][events]") {
  const Network net = test::network_from(test::corridor_roadnet(1, 400.0, 13.9));
  const Demand base = test::demand_from(test::corridor_flow(1, 6.0, 0, 600), net, 600);
  const std::size_t n = base.trip_count();
  REQUIRE(n >= 100);

  const std::vector<DemandScaling> twice{{0.0, 1e9, 2.0}};
  const Demand doubled = scale_demand(base, twice, 7);
  CHECK(doubled.trip_count() == 2 * n);
  CHECK(doubled.trips[1].depart_s == base.trips[0].depart_s + 3.0);  // half the 6 s headway
  CHECK(doubled.trip_id[1] == base.trip_id[0] + "#1");
  CHECK(std::is_sorted(doubled.trips.begin(), doubled.trips.end(),
                       [](const Trip& a, const Trip& b) { return a.depart_s < b.depart_s; }));

  const std::vector<DemandScaling> half{{0.0, 1e9, 0.5}};
  const Demand halved = scale_demand(base, half, 7);
  // Binomial(n, 0.5): within 4 standard deviations.
  const double sd = std::sqrt(static_cast<double>(n) * 0.25);
  CHECK(std::abs(static_cast<double>(halved.trip_count()) - 0.5 * static_cast<double>(n)) < 4 * sd);
  CHECK(scale_demand(base, half, 7).trip_id == halved.trip_id);  // same seed, same trips
  CHECK(scale_demand(base, half, 8).trip_id != halved.trip_id);

  const std::vector<DemandScaling> none_late{{300.0, 1e9, 0.0}};
  const Demand early = scale_demand(base, none_late, 7);
  for (const Trip& t : early.trips) CHECK(t.depart_s < 300.0);
  std::size_t before_300 = 0;
  for (const Trip& t : base.trips) before_300 += t.depart_s < 300.0 ? 1 : 0;
  CHECK(early.trip_count() == before_300);

  const std::vector<DemandScaling> one{{0.0, 1e9, 1.0}};
  CHECK(scale_demand(base, one, 7).trip_id == base.trip_id);
  const std::vector<DemandScaling> bad{{0.0, 1e9, -1.0}}, empty{{100.0, 100.0, 2.0}};
  CHECK_THROWS_WITH(scale_demand(base, bad, 7), Catch::Contains("factor"));
  CHECK_THROWS_WITH(scale_demand(base, empty, 7), Catch::Contains("window is empty"));
  // A factor that would make more than kMaxTrips trips is refused before it allocates them.
  const std::vector<DemandScaling> huge{{0.0, 1e9, 1e12}};
  CHECK_THROWS_WITH(scale_demand(base, huge, 7),
                    Catch::Contains("too many trips") && Catch::Contains("at most 10000000"));
}

TEST_CASE("a World with events and controllers resumes bit for bit, for any thread count",
          "[threads][traffic][events][checkpoint]") {
  const Hangzhou& h = hangzhou();
  const Index road = busiest_inner_road(h.net, h.demand);
  std::vector<double> retimed;
  for (Index p = 0; p < h.net.signal_phases(3).size(); ++p) {
    retimed.push_back(h.net.signal_phases(3)[p].duration_s * 1.5);
  }
  const std::vector<TrafficEvent> events{
      {200, EventKind::close_road, road, {}},
      {300, EventKind::close_lane, h.net.road_first_lane[0], {}},
      {450, EventKind::signal_plan, 3, retimed},
      {900, EventKind::open_road, road, {}},
  };
  std::vector<SignalPolicy> policies(h.net.signal_count(), SignalPolicy::fixed_time);
  for (Index g = 0; g < policies.size(); g += 2) policies[g] = SignalPolicy::max_pressure;
  const auto make = [&] {
    return World(h.net, h.demand, {1.0, 5}, events, SignalController(h.net, policies));
  };

  World straight = make();
  for (int i = 0; i < 1200; ++i) straight.step();
  CHECK(straight.events_applied() == 4);
  CHECK(straight.traffic().lane_closed(h.net.road_first_lane[0]));
  CHECK_FALSE(straight.traffic().lane_closed(h.net.road_first_lane[road]));
  CHECK(straight.traffic().phase_duration_s(3, 0) == retimed[0]);
  CHECK(straight.traffic().kpis().closure_reroutes > 0);

  for (const int stop : {250, 600}) {
    World first = make();
    for (int i = 0; i < stop; ++i) first.step();
    const test::SavedState saved = test::save_state(first.traffic());
    World resumed = make();
    test::restore_state(resumed.traffic(), saved);
    resumed.restored();
    CHECK(resumed.events_applied() == (stop == 250 ? 1u : 3u));
    for (int i = stop; i < 1200; ++i) resumed.step();
    CHECK(resumed.traffic().state_hash() == straight.traffic().state_hash());
  }

  for (const int threads : {1, 4}) {
    par::ThreadLimit limit(threads);
    World w = make();
    for (int i = 0; i < 1200; ++i) w.step();
    CHECK(w.traffic().state_hash() == straight.traffic().state_hash());
  }
}
