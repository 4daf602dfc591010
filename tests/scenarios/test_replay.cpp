// Replay (scenarios/replay.h): the state at a time read back from a run file, from its
// trajectories or by simulating again, equals what the live simulation had then; so do the
// buildings, from the file's building series.

#include <catch2/catch.hpp>

#include <string>

#include "scenarios/manifest.h"
#include "scenarios/replay.h"
#include "scenarios/run_recorder.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace parktwin;

std::string hangzhou() {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
}

// Records 600 s of a scenario on hangzhou_4x4, sampled every 60 s; returns the live sample at
// 300 s.
scenarios::TrafficSample record(const std::string& path, bool trajectories,
                                const std::string& manifest = hangzhou()) {
  const scenarios::Manifest m = scenarios::load_manifest(manifest);
  const traffic::Network net = scenarios::load_network(m.network_path);
  scenarios::RunMeta meta;
  meta.scenario = m.name;
  meta.network_path = m.network_path;
  meta.demand_path = m.demand_path;
  meta.duration_s = 600;
  meta.trajectories = trajectories;
  meta.events = m.events;
  meta.controllers = m.controllers;
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const auto world = scenarios::make_world(meta, net, demand);
  traffic::TrafficSim& sim = world->traffic();
  scenarios::TrafficSample at_300(net, demand.trip_count());
  scenarios::RunRecorder recorder(path, meta, net, demand.trip_count());
  recorder.record(sim);
  for (int i = 1; i <= 600; ++i) {
    world->step();
    if (i % 60 == 0) recorder.record(sim);
    if (i == 300) at_300.take(sim);
  }
  recorder.finish(sim.kpis(), sim.state_hash(), 0.0, sim);
  return at_300;
}

void check_equal(const scenarios::Snapshot& s, const scenarios::TrafficSample& live) {
  CHECK(s.time_s == 300.0);
  REQUIRE(s.vehicles.size() == live.vehicles_in_network);
  REQUIRE(live.vehicles_in_network > 100);
  for (std::size_t i = 0; i < s.vehicles.size(); ++i) {
    REQUIRE(s.vehicles[i].vehicle == live.vehicle[i]);
    REQUIRE(s.vehicles[i].segment == live.segment[i]);
    REQUIRE(s.vehicles[i].pos_m == live.pos_m[i]);
    REQUIRE(s.vehicles[i].speed_mps == live.speed_mps[i]);
  }
  CHECK(s.signal_phase == live.signal_phase);
}

}  // namespace

TEST_CASE("replay from trajectories gives the live state at that time", "[scenarios][replay]") {
  test::TempDir dir;
  const std::string path = (dir.path() / "run.h5").string();
  const scenarios::TrafficSample live = record(path, true);
  scenarios::ReplayReader replay(path);
  CHECK(replay.has_trajectories());
  CHECK(replay.sample_times().size() == 11);
  check_equal(replay.at(300.0), live);
  check_equal(replay.at(359.0), live);  // between samples: the one before
  // Vehicles sit on their segments' centre lines.
  const scenarios::Snapshot s = replay.at(300.0);
  const auto& v = s.vehicles.front();
  const auto shape = replay.network().seg_shape[v.segment];
  CHECK(geo::distance(v.position, shape.point_at(v.pos_m)) < 1.0);
}

TEST_CASE("replay without trajectories simulates again to the same state", "[scenarios][replay]") {
  test::TempDir dir;
  const std::string path = (dir.path() / "run.h5").string();
  const scenarios::TrafficSample live = record(path, false);
  scenarios::ReplayReader replay(path);
  CHECK_FALSE(replay.has_trajectories());
  check_equal(replay.at(300.0), live);
  // Scrubbing back restarts the simulation; forward again continues it.
  CHECK(replay.at(60.0).time_s == 60.0);
  check_equal(replay.at(300.0), live);
}

TEST_CASE("replay of a run with events and max-pressure signals simulates them again",
          "[scenarios][replay][events]") {
  test::TempDir dir;
  const std::string manifest = dir.write("whatif.toml", "extends = \"" + hangzhou() +
                                                            "\"\n"
                                                            "[controllers]\n"
                                                            "signals = \"max_pressure\"\n"
                                                            "[[events]]\n"
                                                            "at = 100\n"
                                                            "type = \"close_road\"\n"
                                                            "road = \"road_1_4_0\"\n"
                                                            "[[events]]\n"
                                                            "at = 0\n"
                                                            "type = \"demand_multiplier\"\n"
                                                            "factor = 1.5\n");
  const std::string path = (dir.path() / "run.h5").string();
  const scenarios::TrafficSample live = record(path, false, manifest);
  scenarios::ReplayReader replay(path);
  REQUIRE(replay.meta().events.size() == 2);
  CHECK(replay.meta().controllers.signals == "max_pressure");
  check_equal(replay.at(300.0), live);
  // The same run without its events and controllers is another run.
  test::TempDir other;
  const std::string plain = (other.path() / "run.h5").string();
  const scenarios::TrafficSample base = record(plain, false);
  CHECK(base.lane_vehicles != live.lane_vehicles);
}

TEST_CASE("replay from trajectories gives the live buildings at that time",
          "[scenarios][replay][buildings]") {
  test::TempDir dir;
  const std::string path = (dir.path() / "run.h5").string();
  scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(hangzhou()));
  meta.duration_s = 600;
  meta.sample_interval_s = 60;
  meta.trajectories = true;
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const auto world = scenarios::make_world(meta, net, demand);
  REQUIRE(world->buildings() != nullptr);
  buildings::BuildingsState at_300;
  {
    scenarios::RunRecorder recorder(path, meta, *world, demand.trip_count());
    recorder.record(*world);
    for (int i = 1; i <= 600; ++i) {
      world->step();
      if (i % 60 == 0) recorder.record(*world);
      if (i == 300) at_300 = world->buildings()->state();
    }
    recorder.finish(world->traffic().kpis(), world->traffic().state_hash(), 0.0, world->traffic());
  }
  scenarios::ReplayReader replay(path);
  REQUIRE(replay.has_trajectories());  // no World simulated again: the series say it
  REQUIRE(replay.has_buildings());
  const scenarios::BuildingsSnapshot b = replay.buildings_at(359.0);  // the sample at 300 s
  CHECK(b.time_s == 300.0);
  REQUIRE(b.air_c.size() == world->buildings()->stock().size());
  CHECK(b.air_c == at_300.air_c);
  CHECK(b.operative_c == at_300.operative_c);
  CHECK(b.electric_w == at_300.electric_w);
  CHECK(b.pv_w == at_300.pv_w);
  CHECK(b.hvac_heat_w == at_300.hvac_heat_w);
  CHECK(b.sun_elevation_deg == at_300.sun_elevation_deg);
  CHECK(b.outdoor_c == at_300.outdoor_c);
  CHECK(b.site_electric_w == at_300.site_electric_w);
  // Another time, another state: the sun has moved.
  CHECK(replay.buildings_at(0.0).sun_elevation_deg < b.sun_elevation_deg);
}
