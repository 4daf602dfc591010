#include "scenarios/run_world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "engine/error.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/carbon_csv.h"
#include "scenarios/grid_toml.h"
#include "scenarios/scenario_controls.h"
#include "scenarios/tariff_toml.h"
#include "scenarios/traffic_inputs.h"
#include "sim/coupling/district.h"
#include "sim/traffic/demand_scaling.h"
#include "sim/traffic/electrify.h"

namespace parktwin::scenarios {

RunMeta run_meta_of(const Manifest& m) {
  RunMeta meta;
  meta.scenario = m.name;
  meta.scenario_path = m.path;
  meta.network_path = m.network_path;
  meta.demand_path = m.demand_path;
  meta.duration_s = m.duration_s;
  meta.step_s = m.step_s;
  meta.seed = m.seed;
  meta.start = m.start;
  meta.sample_interval_s = m.series_interval_s;
  meta.checkpoint_interval_s = m.checkpoint_interval_s;
  meta.trajectories = m.trajectories;
  meta.events = m.events;
  meta.controllers = m.controllers;
  meta.lane_changing = detect_format(m.network_path) == InputFormat::sumo_xml;
  meta.teleport_after_s =
      m.teleport_after_s.value_or(meta.lane_changing ? kSumoTimeToTeleport_s : 0.0);
  meta.buildings_path = m.buildings_path;
  meta.land_cover_path = m.land_cover_path;
  meta.weather_path = m.weather_path;
  meta.buildings_step_s = m.buildings_step_s;
  meta.buildings_shading = m.buildings_shading;
  meta.site_latitude_deg = m.site_latitude_deg;
  meta.site_longitude_deg = m.site_longitude_deg;
  meta.ev_share = m.ev_share;
  meta.demand_scale = m.demand_scale;
  meta.grid_path = m.grid_path;
  meta.tariff_path = m.tariff_path;
  meta.carbon_kg_per_kwh = m.carbon_kg_per_kwh;
  meta.carbon_series_path = m.carbon_series_path;
  return meta;
}

traffic::Demand load_run_demand(const RunMeta& meta, const traffic::Network& net) {
  traffic::Demand demand = load_demand(meta.demand_path, net, meta.duration_s);
  // [traffic] demand_scale first: a multiplier over the whole run; then the events'.
  std::vector<traffic::DemandScaling> scalings;
  if (meta.demand_scale != 1.0) {
    scalings.push_back({0.0, std::numeric_limits<double>::infinity(), meta.demand_scale});
  }
  for (const traffic::DemandScaling& s : demand_scalings(meta.events)) scalings.push_back(s);
  if (!scalings.empty()) {
    try {
      demand = traffic::scale_demand(demand, scalings, meta.seed);
    } catch (Error& e) {
      // Named at the largest multiplier, the likeliest culprit.
      const EventSpec* worst = nullptr;
      for (const EventSpec& ev : meta.events) {
        if (ev.type == "demand_multiplier" && (!worst || ev.factor > worst->factor)) worst = &ev;
      }
      if (worst != nullptr && e.context().file.empty()) {
        e.in_file(worst->file).at_line(worst->line).field("factor");
      }
      throw;
    }
  }
  traffic::electrify(demand, meta.ev_share, meta.seed);
  return demand;
}

traffic::TrafficConfig ScenarioTraffic::config() const {
  traffic::TrafficConfig c;
  c.step_s = meta.step_s;
  c.seed = meta.seed;
  c.lane_changing = meta.lane_changing;
  c.teleport_after_s = meta.teleport_after_s;
  return c;
}

ScenarioTraffic load_scenario_traffic(const std::string& manifest) {
  ScenarioTraffic t;
  t.meta = run_meta_of(load_manifest(manifest));
  t.net = load_network(t.meta.network_path);
  t.demand = load_run_demand(t.meta, t.net);
  return t;
}

std::unique_ptr<World> make_world(const RunMeta& meta, const traffic::Network& net,
                                  const traffic::Demand& demand) {
  traffic::TrafficConfig config;
  config.step_s = meta.step_s;
  config.seed = meta.seed;
  config.lane_changing = meta.lane_changing;
  config.teleport_after_s = meta.teleport_after_s;
  traffic::SignalControlParams control;
  control.min_green_s = meta.controllers.min_green_s;
  control.max_green_s = meta.controllers.max_green_s;
  std::vector<traffic::SignalPolicy> policies = signal_policies(meta.controllers, net);
  if (std::find(policies.begin(), policies.end(), traffic::SignalPolicy::webster) !=
      policies.end()) {  // plans timed for this run's day
    control.webster = traffic::webster_inputs(net, demand, 0.0, meta.duration_s);
  }
  auto world =
      std::make_unique<World>(net, demand, config, runtime_events(meta.events, net, meta.step_s),
                              traffic::SignalController(net, std::move(policies), control));
  if (!meta.buildings_path.empty()) {
    buildings::BuildingsConfig b;
    b.step_s = meta.buildings_step_s;
    b.shading = meta.buildings_shading;
    if (std::sscanf(meta.start.c_str(), "%d-%d-%dT%d:%d", &b.start_year, &b.start_month,
                    &b.start_day, &b.start_hour, &b.start_minute) != 5) {
      throw Error("bad start time")
          .field("start")
          .expected("YYYY-MM-DDTHH:MM:SS")
          .found(meta.start);
    }
    auto stock = std::make_unique<const buildings::BuildingStock>(
        buildings::build_stock(load_buildings(meta.buildings_path)));
    // Loaded before the World owns the stock: errors about feeders or car parks come first.
    const std::optional<energy::GridSpec> grid =
        meta.grid_path.empty() ? std::nullopt : std::optional(load_grid(meta.grid_path));
    auto assets = std::make_unique<const energy::DistrictAssets>(
        coupling::district_assets(*stock, grid ? &*grid : nullptr));
    auto parks = std::make_unique<const coupling::CarParks>(coupling::car_parks(*stock, net));
    auto tariff = std::make_unique<const energy::Tariff>(
        meta.tariff_path.empty() ? energy::flat_tariff(0.0) : load_tariff(meta.tariff_path));
    energy::EnergyConfig e;
    e.clock =
        LocalClock::at(b.start_year, b.start_month, b.start_day, b.start_hour, b.start_minute);
    if (meta.carbon_kg_per_kwh >= 0.0) e.carbon_kg_per_kwh = meta.carbon_kg_per_kwh;
    if (!meta.carbon_series_path.empty()) {
      e.carbon_hourly_kg_per_kwh = read_carbon_csv(meta.carbon_series_path);
    }
    if (!energy::parse_battery_policy(meta.controllers.batteries, e.batteries)) {
      throw Error("unknown battery policy")  // the manifest reader refuses it; a run file may not
          .field("controllers.batteries")
          .expected("time_of_use, self_consumption, idle or peak_shaving")
          .found(meta.controllers.batteries);
    }
    if (!energy::parse_charging_policy(meta.controllers.charging, e.charging)) {
      throw Error("unknown charging policy")  // the manifest reader refuses it; a run file may not
          .field("controllers.charging")
          .expected("immediate, delayed, edf or llf")
          .found(meta.controllers.charging);
    }
    std::vector<energy::FeederOutage> outages = feeder_outages(meta.events, *assets, meta.step_s);
    auto weather = std::make_unique<energy::WeatherSeries>(energy::read_epw(meta.weather_path));
    if (!std::isnan(meta.site_latitude_deg)) {  // the scenario's site, under the station's weather
      weather->site.latitude_deg = meta.site_latitude_deg;
      weather->site.longitude_deg = meta.site_longitude_deg;
    }
    world->attach_buildings(std::move(stock),
                            std::unique_ptr<const energy::WeatherSeries>(std::move(weather)), b,
                            weather_offsets(meta.events, meta.step_s));
    world->attach_energy(std::move(assets), std::move(tariff), std::move(parks), e, meta.seed,
                         std::move(outages));
  } else {
    for (const EventSpec& e : meta.events) {
      if (e.type == "heat_wave" || e.type == "feeder_outage") {
        throw Error(fmt::format("a {} needs buildings",
                                e.type == "heat_wave" ? "heat wave" : "feeder outage"))
            .in_file(e.file)
            .at_line(e.line)
            .field("type")
            .expected("a [buildings] section with a weather file");
      }
    }
  }
  return world;
}

}  // namespace parktwin::scenarios
