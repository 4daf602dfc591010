// Traffic -> EV -> grid -> carbon in one World (issue 8's coupling): the default scenario with
// twice the EV share charges more at the car parks, loads the destination buildings' feeders
// more and moves the CO2 KPIs, while the traffic itself drives exactly as before; a feeder
// outage leaves its buildings without HVAC and load unserved.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <string>

#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/grid_toml.h"
#include "scenarios/manifest.h"
#include "scenarios/run_file.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"
#include "sim/coupling/district.h"
#include "sim/world.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

std::string hangzhou() {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
}

struct Outcome {
  traffic::TrafficKpis traffic;
  energy::EnergyKpis energy;
  std::vector<double> feeder_charging_kwh;  // per feeder: at its buildings' chargers
  std::vector<double> feeder_import_kwh;
  double discomfort_kh = 0.0;
};

Outcome run(scenarios::RunMeta meta) {
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const std::unique_ptr<World> world = scenarios::make_world(meta, net, demand);
  const auto steps = static_cast<std::int64_t>(meta.duration_s / meta.step_s);
  for (std::int64_t i = 0; i < steps; ++i) world->step();
  Outcome o;
  o.traffic = world->traffic().kpis();
  const energy::EnergySim& e = *world->energy();
  o.energy = e.kpis();
  o.feeder_charging_kwh.assign(e.assets().feeders(), 0.0);
  o.feeder_import_kwh.assign(e.assets().feeders(), 0.0);
  for (std::size_t b = 0; b < e.assets().buildings(); ++b) {
    o.feeder_charging_kwh[e.assets().feeder[b]] += e.state().charger_kwh[b];
    o.feeder_import_kwh[e.assets().feeder[b]] += e.state().import_kwh[b];
  }
  o.discomfort_kh = world->buildings()->kpis().discomfort_kh;
  return o;
}

scenarios::RunMeta default_meta() {
  return scenarios::run_meta_of(scenarios::load_manifest(hangzhou()));
}

}  // namespace

TEST_CASE("doubling the EV share loads the destination feeders and moves CO2", "[coupling]") {
  scenarios::RunMeta meta = default_meta();
  REQUIRE(meta.ev_share == 0.2);
  const Outcome base = run(meta);
  meta.ev_share = 0.4;
  const Outcome doubled = run(meta);
  INFO("EV sessions " << base.energy.ev_sessions << " -> " << doubled.energy.ev_sessions
                      << ", charging " << base.energy.charging_kwh << " -> "
                      << doubled.energy.charging_kwh << " kWh, CO2 grid " << base.energy.co2_kg
                      << " -> " << doubled.energy.co2_kg << " kg, tailpipe " << base.traffic.co2_kg
                      << " -> " << doubled.traffic.co2_kg << " kg");
  // The traffic is the same traffic: an EV drives as its petrol twin.
  CHECK(doubled.traffic.average_travel_time_s == base.traffic.average_travel_time_s);
  CHECK(doubled.traffic.finished == base.traffic.finished);
  // More EVs end their trips at the car parks ...
  CHECK(base.energy.ev_sessions > 100.0);
  CHECK(doubled.energy.ev_sessions > 1.6 * base.energy.ev_sessions);
  // ... and both feeders' chargers (each has car parks) draw more, as do the feeders.
  REQUIRE(base.feeder_charging_kwh.size() == 2);
  for (std::size_t f = 0; f < 2; ++f) {
    INFO("feeder " << f);
    CHECK(base.feeder_charging_kwh[f] > 0.0);
    CHECK(doubled.feeder_charging_kwh[f] > 1.2 * base.feeder_charging_kwh[f]);
    CHECK(doubled.feeder_import_kwh[f] - base.feeder_import_kwh[f] ==
          Approx(doubled.feeder_charging_kwh[f] - base.feeder_charging_kwh[f]).epsilon(0.05));
  }
  // The grid's CO2 rises by the carbon factor times what the extra charging bought; the
  // tailpipe's falls with the petrol cars that became EVs.
  const double extra_kwh = doubled.energy.import_kwh - base.energy.import_kwh;
  CHECK(extra_kwh > 0.0);
  CHECK(doubled.energy.co2_kg - base.energy.co2_kg ==
        Approx(energy::kGridCarbonKgPerKwh * extra_kwh).epsilon(1e-9));
  CHECK(doubled.energy.cost > base.energy.cost);
  CHECK(doubled.traffic.co2_kg < base.traffic.co2_kg);
  CHECK(doubled.traffic.fuel_l < base.traffic.fuel_l);
}

TEST_CASE("without EVs nothing charges, every EV trip is one at most", "[coupling]") {
  scenarios::RunMeta meta = default_meta();
  meta.ev_share = 0.0;
  const Outcome none = run(meta);
  CHECK(none.energy.ev_sessions == 0.0);
  CHECK(none.energy.charging_kwh == 0.0);
  meta.ev_share = 1.0;
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const Outcome all = run(meta);
  CHECK(all.energy.ev_sessions <= static_cast<double>(coupling::ev_trip_count(demand)));
  CHECK(all.energy.ev_sessions > 0.0);
}

TEST_CASE("a feeder outage islands its buildings: HVAC off, load unserved", "[coupling]") {
  scenarios::RunMeta meta = default_meta();
  meta.duration_s = 1800.0;
  const Outcome base = run(meta);
  scenarios::EventSpec out;
  out.type = "feeder_outage";
  out.feeder = "feeder_north";
  out.at_s = 600.0;
  out.until_s = 1200.0;
  meta.events.push_back(out);
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const std::unique_ptr<World> world = scenarios::make_world(meta, net, demand);
  const energy::EnergySim& e = *world->energy();
  const auto north = static_cast<std::uint32_t>(
      std::find(e.assets().feeder_name.begin(), e.assets().feeder_name.end(), "feeder_north") -
      e.assets().feeder_name.begin());
  REQUIRE(north < e.assets().feeders());
  for (int i = 0; i < 900; ++i) world->step();  // into the outage
  for (std::size_t b = 0; b < e.assets().buildings(); ++b) {
    const bool on_north = e.assets().feeder[b] == north;
    INFO("building " << world->buildings()->stock().id[b]);
    if (on_north) {
      CHECK(world->buildings()->state().hvac_heat_w[b] == 0.0f);
      CHECK(e.state().import_w[b] == 0.0f);
      CHECK(e.state().charger_w[b] == 0.0f);
    }
  }
  CHECK(e.state().feeder_w[north] == 0.0);
  for (int i = 900; i < 1800; ++i) world->step();
  const energy::EnergyKpis k = e.kpis();
  CHECK(k.unserved_kwh > 0.0);
  CHECK(k.import_kwh < base.energy.import_kwh);
  // Back on the grid after 1200 s: the north feeder carries load again.
  CHECK(e.state().feeder_w[north] > 0.0);
  // The zones floated warm through ten minutes of a July morning without cooling.
  CHECK(world->buildings()->kpis().discomfort_kh > base.discomfort_kh);
}

TEST_CASE("a building's unknown feeder or car park road names the table, line and building",
          "[coupling][errors]") {
  const std::string folder = std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/";
  std::vector<buildings::BuildingSpec> specs =
      scenarios::load_buildings(folder + "buildings.geojson");
  const energy::GridSpec grid = scenarios::load_grid(folder + "grid.toml");
  const traffic::Network net = scenarios::load_network(folder + "roadnet_4_4.json");
  REQUIRE(specs.size() > 3);
  {
    std::vector<buildings::BuildingSpec> bad = specs;
    bad[2].feeder = "feeder_west";
    const buildings::BuildingStock stock = buildings::build_stock(bad);
    const Error e = test::error_of([&] { (void)coupling::district_assets(stock, &grid); });
    CHECK(e.context().file == folder + "buildings.geojson");
    CHECK(e.context().line == specs[2].line);
    CHECK_THAT(e.context().field, Catch::Contains(specs[2].id) && Catch::Contains("feeder"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("unknown feeder") &&
                                          Catch::Contains("feeder_south, feeder_north") &&
                                          Catch::Contains("feeder_west"));
    // Without a grid file the same name is a feeder of its own, without a limit.
    const energy::DistrictAssets free = coupling::district_assets(stock, nullptr);
    CHECK(free.feeders() == 3);
  }
  {
    std::vector<buildings::BuildingSpec> bad = specs;
    bad[3].chargers = 4;
    bad[3].car_park_roads = {"road_9_9_9"};
    const buildings::BuildingStock stock = buildings::build_stock(bad);
    const Error e = test::error_of([&] { (void)coupling::car_parks(stock, net); });
    CHECK(e.context().line == specs[3].line);
    CHECK_THAT(e.context().field, Catch::Contains(specs[3].id) && Catch::Contains("car_park_road"));
    CHECK_THAT(std::string(e.what()),
               Catch::Contains("unknown road") && Catch::Contains("road_9_9_9"));
  }
  {
    // Chargers without a road named: the road whose lanes pass nearest.
    std::vector<buildings::BuildingSpec> near = specs;
    near[3].chargers = 4;
    near[3].car_park_roads.clear();
    const buildings::BuildingStock stock = buildings::build_stock(near);
    const coupling::CarParks parks = coupling::car_parks(stock, net);
    std::size_t roads_with_building_3 = 0;
    for (std::size_t r = 0; r < net.road_count(); ++r) {
      for (std::uint32_t k = parks.road_begin[r]; k < parks.road_begin[r + 1]; ++k) {
        roads_with_building_3 += parks.building[k] == 3 ? 1 : 0;
      }
    }
    CHECK(roads_with_building_3 == 1);
  }
}

TEST_CASE("a feeder outage of an unknown feeder, or without buildings, names its event",
          "[coupling][errors]") {
  scenarios::RunMeta meta = default_meta();
  scenarios::EventSpec out;
  out.type = "feeder_outage";
  out.feeder = "feeder_west";
  out.at_s = 60.0;
  out.file = "whatif.toml";
  out.line = 12;
  meta.events.push_back(out);
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  Error e = test::error_of([&] { (void)scenarios::make_world(meta, net, demand); });
  CHECK(e.context().file == "whatif.toml");
  CHECK(e.context().line == 12);
  CHECK(e.context().field == "events.feeder");
  CHECK_THAT(std::string(e.what()),
             Catch::Contains("unknown feeder") && Catch::Contains("feeder_south, feeder_north"));
  meta.buildings_path.clear();
  e = test::error_of([&] { (void)scenarios::make_world(meta, net, demand); });
  CHECK(e.context().line == 12);
  CHECK_THAT(std::string(e.what()), Catch::Contains("feeder outage needs buildings"));
}

TEST_CASE("the shipped delayed- and scheduled-charging what-ifs keep the morning feeders in bounds",
          "[coupling]") {
  const Outcome now = run(default_meta());
  const Outcome later = run(scenarios::run_meta_of(scenarios::load_manifest(
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/delayed_charging.toml")));
  INFO("charging " << now.energy.charging_kwh << " -> " << later.energy.charging_kwh
                   << " kWh, cost " << now.energy.cost << " -> " << later.energy.cost);
  // The same cars plug in; 08:00-09:00 is a flat hour, so only those that must charge do.
  CHECK(later.energy.ev_sessions == now.energy.ev_sessions);
  CHECK(later.energy.charging_kwh < 0.05 * now.energy.charging_kwh);
  CHECK(later.energy.ev_unserved_kwh == 0.0);
  CHECK(later.energy.cost < now.energy.cost);
  for (std::size_t f = 0; f < 2; ++f) CHECK(later.feeder_import_kwh[f] < now.feeder_import_kwh[f]);
  CHECK(later.energy.feeder_overload_h == 0.0);
  CHECK(now.energy.feeder_overload_h > 0.0);

  // Scheduled (least laxity first within each feeder's room): the cars charge through the
  // flat hour as far as the feeders allow, and no feeder is overloaded.
  const Outcome llf = run(scenarios::run_meta_of(
      scenarios::load_manifest(std::string(PARKTWIN_SOURCE_DIR) +
                               "/assets/scenarios/hangzhou_4x4/scheduled_charging.toml")));
  INFO("scheduled: charging " << llf.energy.charging_kwh << " kWh, overload "
                              << llf.energy.feeder_overload_h << " h");
  CHECK(llf.energy.ev_sessions == now.energy.ev_sessions);
  CHECK(llf.energy.feeder_overload_h == 0.0);
  CHECK(llf.energy.charging_kwh > 0.5 * now.energy.charging_kwh);
  CHECK(llf.energy.charging_kwh < now.energy.charging_kwh);
  CHECK(llf.energy.ev_unserved_kwh == 0.0);
  for (const auto& f : llf.energy.feeders) CHECK(f.peak_kw <= f.capacity_kw);
}

TEST_CASE("the coupled World gives the same bits for 1 and 2 threads",
          "[threads][coupling][determinism]") {
  scenarios::RunMeta meta = default_meta();
  meta.duration_s = 1200.0;
  const auto with = [&](int threads) {
    const par::ThreadLimit limit(threads);
    return run(meta);
  };
  const Outcome one = with(1), two = with(2);
  CHECK(one.traffic.average_travel_time_s == two.traffic.average_travel_time_s);
  CHECK(one.energy.import_kwh == two.energy.import_kwh);
  CHECK(one.energy.cost == two.energy.cost);
  CHECK(one.energy.co2_kg == two.energy.co2_kg);
  CHECK(one.energy.ev_delivered_kwh == two.energy.ev_delivered_kwh);
  CHECK(one.energy.battery_stored_kwh == two.energy.battery_stored_kwh);
  CHECK(one.feeder_import_kwh == two.feeder_import_kwh);
  CHECK(one.discomfort_kh == two.discomfort_kh);
  CHECK(one.energy.ev_sessions > 0.0);
}

TEST_CASE("a checkpoint of other buildings is refused, not restored past the arrays",
          "[coupling][errors]") {
  const scenarios::RunMeta meta = default_meta();
  const traffic::Network net = scenarios::load_network(meta.network_path);
  const traffic::Demand demand = scenarios::load_run_demand(meta, net);
  const std::unique_ptr<World> world = scenarios::make_world(meta, net, demand);
  for (int i = 0; i < 120; ++i) world->step();
  scenarios::Checkpoint checkpoint;
  checkpoint.take(*world, 0, 0);
  // The same scenario with one building fewer in its table.
  test::TempDir dir;
  nlohmann::json table = nlohmann::json::parse(std::ifstream(meta.buildings_path));
  table["features"].erase(table["features"].size() - 1);
  scenarios::RunMeta fewer = meta;
  fewer.buildings_path = dir.write("buildings.geojson", table.dump());
  const std::unique_ptr<World> other = scenarios::make_world(fewer, net, demand);
  const Error e = test::error_of([&] { checkpoint.restore(*other, "run.h5"); });
  CHECK(e.context().file == "run.h5");
  CHECK_THAT(std::string(e.what()), Catch::Contains("does not fit this run's inputs"));
  CHECK_THAT(e.context().field, Catch::StartsWith("/checkpoint/buildings."));
}
