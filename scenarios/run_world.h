#pragma once
// The World of a run, built from the settings its run file records (/meta, /events,
// /controllers): one function for a new run, a resumed one and a replay, so that all three
// simulate the same thing.

#include <memory>

#include "scenarios/run_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/world.h"

namespace parktwin::scenarios {

// The run's demand: its demand file (trips departing before the end), with the scenario's
// demand multipliers applied.
traffic::Demand load_run_demand(const RunMeta& meta, const traffic::Network& net);

// A World at t = 0 over `net` and `demand` (both must outlive it), with the run's events and
// signal controllers. Errors name the scenario file and line of an event or controller that
// does not fit the network.
std::unique_ptr<World> make_world(const RunMeta& meta, const traffic::Network& net,
                                  const traffic::Demand& demand);

}  // namespace parktwin::scenarios
