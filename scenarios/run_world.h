#pragma once
// The World of a run, built from the settings its run file records (/meta, /events,
// /controllers): one function for a new run, a resumed one and a replay, so that all three
// simulate the same thing.

#include <memory>

#include "scenarios/manifest.h"
#include "scenarios/run_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/world.h"

namespace parktwin::scenarios {

// The settings of a run of manifest `m` (before any command-line override): inputs, times,
// seed, outputs, events and controllers; lane changing as the network's own simulator does
// by default (on for SUMO input, off for CityFlow's).
RunMeta run_meta_of(const Manifest& m);

// The run's demand: its demand file (trips departing before the end), with the scenario's
// demand multipliers applied.
traffic::Demand load_run_demand(const RunMeta& meta, const traffic::Network& net);

// A scenario's traffic without a World: its settings, network and demand, and the traffic
// configuration they give (for environments, benchmarks and tools that build their own).
struct ScenarioTraffic {
  RunMeta meta;
  traffic::Network net;
  traffic::Demand demand;
  traffic::TrafficConfig config() const;  // step, lane changing and seed of the run
};
ScenarioTraffic load_scenario_traffic(const std::string& manifest);

// A World at t = 0 over `net` and `demand` (both must outlive it), with the run's events and
// signal controllers, and its buildings when the run has them (loaded from their files). Errors
// name the scenario file and line of an event or controller that does not fit the network.
std::unique_ptr<World> make_world(const RunMeta& meta, const traffic::Network& net,
                                  const traffic::Demand& demand);

}  // namespace parktwin::scenarios
