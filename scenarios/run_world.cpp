#include "scenarios/run_world.h"

#include <cstdio>

#include "engine/error.h"
#include "scenarios/buildings_geojson.h"
#include "scenarios/scenario_controls.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/demand_scaling.h"

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
  meta.buildings_path = m.buildings_path;
  meta.weather_path = m.weather_path;
  meta.buildings_step_s = m.buildings_step_s;
  return meta;
}

traffic::Demand load_run_demand(const RunMeta& meta, const traffic::Network& net) {
  traffic::Demand demand = load_demand(meta.demand_path, net, meta.duration_s);
  const std::vector<traffic::DemandScaling> scalings = demand_scalings(meta.events);
  if (scalings.empty()) return demand;
  return traffic::scale_demand(demand, scalings, meta.seed);
}

std::unique_ptr<World> make_world(const RunMeta& meta, const traffic::Network& net,
                                  const traffic::Demand& demand) {
  traffic::TrafficConfig config;
  config.step_s = meta.step_s;
  config.seed = meta.seed;
  config.lane_changing = meta.lane_changing;
  traffic::MaxPressureParams max_pressure;
  max_pressure.min_green_s = meta.controllers.min_green_s;
  auto world = std::make_unique<World>(
      net, demand, config, runtime_events(meta.events, net, meta.step_s),
      traffic::SignalController(net, signal_policies(meta.controllers, net), max_pressure));
  if (!meta.buildings_path.empty()) {
    buildings::BuildingsConfig b;
    b.step_s = meta.buildings_step_s;
    if (std::sscanf(meta.start.c_str(), "%d-%d-%dT%d:%d", &b.start_year, &b.start_month,
                    &b.start_day, &b.start_hour, &b.start_minute) != 5) {
      throw Error("bad start time")
          .field("start")
          .expected("YYYY-MM-DDTHH:MM:SS")
          .found(meta.start);
    }
    world->attach_buildings(
        std::make_unique<const buildings::BuildingStock>(
            buildings::build_stock(load_buildings(meta.buildings_path))),
        std::make_unique<const energy::WeatherSeries>(energy::read_epw(meta.weather_path)), b,
        weather_offsets(meta.events, meta.step_s));
  } else {
    for (const EventSpec& e : meta.events) {
      if (e.type == "heat_wave") {
        throw Error("a heat wave needs buildings")
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
