#include "scenarios/run_world.h"

#include "scenarios/scenario_controls.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/demand_scaling.h"

namespace parktwin::scenarios {

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
