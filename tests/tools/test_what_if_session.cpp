// The viewer's what-if (tools/what_if_session.h, TrafficSource::variant_of): a variant re-runs
// the scenario with the edits; until the first edit acts it is the baseline bit for bit, after
// it the edit shows; a replayed run file shows the closures of its recorded events and its
// buildings.

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "engine/error.h"
#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"
#include "tools/traffic_source.h"
#include "tools/what_if_session.h"

using namespace parktwin;

namespace {

std::string shipped(const std::string& name) {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/" + name;
}

// The frame of a source as bytes: every vehicle's trip, segment, position and speed.
bool same_traffic(const render::TrafficFrame& a, const render::TrafficFrame& b) {
  return a.vehicle.size() == b.vehicle.size() &&
         std::memcmp(a.vehicle.data(), b.vehicle.data(), a.vehicle.size_bytes()) == 0 &&
         std::memcmp(a.segment.data(), b.segment.data(), a.segment.size_bytes()) == 0 &&
         std::memcmp(a.pos_m.data(), b.pos_m.data(), a.pos_m.size_bytes()) == 0 &&
         std::memcmp(a.speed_mps.data(), b.speed_mps.data(), a.speed_mps.size_bytes()) == 0;
}

scenarios::EventSpec close_road(const std::string& road) {
  scenarios::EventSpec e;
  e.type = "close_road";
  e.road = road;
  return e;
}

}  // namespace

TEST_CASE("a variant is the baseline until its edit acts, then the edit shows", "[what_if]") {
  cli::TrafficSource baseline(shipped("scenario.toml"));
  baseline.seek(700.0);
  cli::WhatIfSession what_if(baseline);
  what_if.add(close_road("road_1_4_0"));  // at t = 700 s, the baseline's time now
  CHECK(what_if.edits().front().at_s == 700.0);
  CHECK_THAT(what_if.edit_texts().front(), Catch::Contains("t =   700 s  close_road 'road_1_4_0'"));
  what_if.run_variant();
  REQUIRE(what_if.variant() != nullptr);
  CHECK(what_if.variant()->time_s() == 0.0);
  // Caught up in slices of wall time, the way the window does it between frames.
  int slices = 0;
  while (!what_if.follow(baseline.time_s(), 1e-4)) ++slices;
  CHECK(what_if.catch_up() == 1.0);
  CHECK(what_if.variant()->time_s() == baseline.time_s());
  INFO(slices << " slices");
  // At 700 s the edit is due but has not acted: the same traffic, bit for bit.
  CHECK(same_traffic(baseline.frame(), what_if.variant()->frame()));
  CHECK(what_if.variant()->frame().lane_closed[0] == 0);

  baseline.seek(1500.0);
  REQUIRE(what_if.follow(baseline.time_s(), 10.0));
  CHECK_FALSE(same_traffic(baseline.frame(), what_if.variant()->frame()));
  const traffic::Network& net = baseline.network();
  traffic::Index road = 0;
  while (net.road_id[road] != "road_1_4_0") ++road;
  const traffic::Index lane = net.road_first_lane[road];
  CHECK(what_if.variant()->frame().lane_closed[lane] == 1);
  CHECK(baseline.frame().lane_closed[lane] == 0);
  const auto rows = what_if.compare();
  const auto row = [&](const std::string& name) {
    for (const auto& r : rows) {
      if (r.name == name) return r;
    }
    FAIL("no KPI row " << name);
    return rows.front();
  };
  CHECK(row("rerouted around closures").baseline == 0.0);
  CHECK(row("rerouted around closures").variant > 0.0);
  CHECK(row("average travel time").known);
  CHECK(row("discomfort (occupied)").known);

  // Scrubbing the baseline back restarts the variant; dropping it leaves the edits.
  baseline.seek(1500.0);
  REQUIRE(what_if.follow(600.0, 10.0));
  CHECK(what_if.variant()->time_s() == 600.0);
  what_if.drop_variant();
  CHECK(what_if.variant() == nullptr);
  CHECK(what_if.edits().size() == 1);
  what_if.remove(0);
  CHECK(what_if.edits().empty());
  CHECK(what_if.edits_changed());
}

TEST_CASE("a variant with an edit the network lacks is refused, naming it", "[what_if]") {
  cli::TrafficSource baseline(shipped("scenario.toml"));
  cli::WhatIfSession what_if(baseline);
  what_if.add(close_road("road_9_9_9"));
  CHECK_THROWS_WITH(what_if.run_variant(), Catch::Contains("road_9_9_9"));
  CHECK(what_if.variant() == nullptr);
}

TEST_CASE("a replayed run shows the lanes its recorded events closed", "[what_if][replay]") {
  test::TempDir dir;
  const std::string run = (dir.path() / "roadworks.h5").string();
  REQUIRE(test::run_cli(
              {"run", shipped("roadworks.toml"), "--duration", "1200", "--out", run, "--quiet"})
              .code == 0);
  cli::TrafficSource replay(run);
  REQUIRE(replay.is_replay());
  const traffic::Network& net = replay.network();
  traffic::Index road = 0;
  while (net.road_id[road] != "road_1_4_0") ++road;
  const traffic::Index lane = net.road_first_lane[road];
  replay.seek(540.0);
  CHECK(replay.frame().lane_closed[lane] == 0);
  replay.seek(660.0);  // road_1_4_0 closed at 600 s
  CHECK(replay.frame().lane_closed[lane] == 1);
  replay.seek(300.0);  // and back
  CHECK(replay.frame().lane_closed[lane] == 0);

  // A replay's variant runs live from the run file's own settings.
  cli::WhatIfSession what_if(replay);
  replay.seek(660.0);
  what_if.add(close_road("road_2_4_0"));
  what_if.run_variant();
  REQUIRE(what_if.follow(replay.time_s(), 10.0));
  CHECK(what_if.variant()->frame().lane_closed[lane] == 1);  // the run's own closure
  CHECK(what_if.compare().front().known);                    // vehicles in the network
  CHECK_FALSE(what_if.compare()[2].known);                   // a replay has no travel time
}

TEST_CASE("a replayed run shows its buildings as the live run had them", "[replay][buildings]") {
  test::TempDir dir;
  const std::string run = (dir.path() / "buildings.h5").string();
  REQUIRE(test::run_cli({"run", shipped("scenario.toml"), "--duration", "600", "--trajectories",
                         "--out", run, "--quiet"})
              .code == 0);
  cli::TrafficSource replay(run);
  cli::TrafficSource live(shipped("scenario.toml"));
  REQUIRE(replay.is_replay());
  REQUIRE(replay.building_stock() != nullptr);
  CHECK(replay.building_stock()->id == live.building_stock()->id);
  replay.seek(420.0);
  live.seek(420.0);
  const buildings::BuildingsState& shown = *replay.buildings_state();
  const buildings::BuildingsState& had = *live.buildings_state();
  CHECK(shown.air_c == had.air_c);
  CHECK(shown.electric_w == had.electric_w);
  CHECK(shown.pv_w == had.pv_w);
  CHECK(shown.sun_elevation_deg == had.sun_elevation_deg);
  CHECK(shown.site_pv_w == had.site_pv_w);
}
