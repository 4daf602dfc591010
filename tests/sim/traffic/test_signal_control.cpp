#include <catch2/catch.hpp>

#include "cityflow_fixture.h"
#include "engine/error.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;

TEST_CASE("a held red keeps the junction closed, switching to green releases the queue",
          "[traffic][control]") {
  // Corridor with one signalised junction: phase 0 green, phase 1 red (30 s each).
  const Network net = test::network_from(test::corridor_roadnet(1, 400.0, 13.9, 30.0, 30.0));
  const Demand demand = test::demand_from(test::corridor_flow(1, 6.0, 0, 600), net, 600);
  TrafficSim sim(net, demand, {});
  REQUIRE(net.signal_count() == 1);
  sim.set_signal_phase(0, 1);
  sim.hold_signal(0, true);
  for (int i = 0; i < 300; ++i) sim.step();
  CHECK(sim.signal_phase(0) == 1);
  CHECK(sim.signal_time_in_phase_s(0) == Approx(300.0));
  CHECK(sim.kpis().finished == 0);
  CHECK(sim.state().queues.size(net.link_segment(0)) == 0);  // nobody inside the junction
  const std::uint32_t queued = sim.movement_demand(0, true);
  CHECK(queued >= 40);  // 300 s / 6 s = 50 vehicles created, most of them queued at the line
  CHECK(queued <= sim.movement_demand(0, false));

  sim.set_signal_phase(0, 0);  // green, still held: stays green
  for (int i = 0; i < 600; ++i) sim.step();
  CHECK(sim.signal_phase(0) == 0);
  CHECK(sim.kpis().finished == sim.kpis().created);
  CHECK(sim.movement_demand(0, true) == 0);

  sim.hold_signal(0, false);  // back to the fixed-time plan
  for (int i = 0; i < 40; ++i) sim.step();
  CHECK(sim.signal_phase(0) == 1);
}

TEST_CASE("the control interface rejects unknown signals and phases", "[traffic][control]") {
  const Network net = test::network_from(test::corridor_roadnet(1, 400.0, 13.9, 30.0, 30.0));
  const Demand demand = test::demand_from(test::corridor_flow(1, 6.0, 0, 60), net, 60);
  TrafficSim sim(net, demand, {});
  CHECK_THROWS_WITH(sim.set_signal_phase(0, 2),
                    Catch::Contains("unknown phase") && Catch::Contains("expected 0..1"));
  CHECK_THROWS_AS(sim.set_signal_phase(1, 0), Error);
  CHECK_THROWS_AS(sim.hold_signal(3, true), Error);
}

TEST_CASE("loop detectors count every vehicle that passes them exactly once",
          "[traffic][detector]") {
  Network net = test::network_from(test::corridor_roadnet(0, 1000.0, 13.9));
  net.detector_id = {"d100", "d900"};
  net.detector_lane = {0, 0};
  net.detector_pos_m = {100.0, 900.0};
  validate(net, "corridor");
  const Demand demand = test::demand_from(test::corridor_flow(0, 3.0, 0, 600), net, 600);
  TrafficSim sim(net, demand, {});
  for (int i = 0; i < 1200; ++i) sim.step();
  const TrafficKpis k = sim.kpis();
  REQUIRE(k.finished == k.created);
  CHECK(sim.detector_count(0) == k.created);
  CHECK(sim.detector_count(1) == k.created);

  net.detector_pos_m[1] = 2000.0;  // beyond the lane
  CHECK_THROWS_WITH(validate(net, "corridor"), Catch::Contains("detector 'd900'"));
}
