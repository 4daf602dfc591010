#include "scenarios/run_world.h"

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
  return std::make_unique<World>(
      net, demand, config, runtime_events(meta.events, net, meta.step_s),
      traffic::SignalController(net, signal_policies(meta.controllers, net), max_pressure));
}

}  // namespace parktwin::scenarios
