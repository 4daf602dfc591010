#pragma once
// Small CityFlow networks built in code for model tests, and the shared benchmark networks.

#include <nlohmann/json.hpp>

#include <string>

#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::test {

using Json = nlohmann::json;

// A straight single-lane corridor from a virtual node at x = 0 through `junctions` real
// junctions (10 m wide, spaced `length_m` apart) to a virtual node at the far end; each real
// junction has a signal that is green for green_s and red for red_s (green_s = 0: no signal).
Json corridor_roadnet(int junctions, double length_m, double speed_limit_mps, double green_s = 0,
                      double red_s = 0);
// Vehicle parameters as in CityFlow's sample files (5 m, 11.111 m/s, headway 2 s).
Json cityflow_vehicle();
// One flow along every road of a corridor built by corridor_roadnet.
Json corridor_flow(int junctions, double interval_s, double start_s, double end_s,
                   const Json& vehicle = cityflow_vehicle());

traffic::Network network_from(const Json& roadnet);
traffic::Demand demand_from(const Json& flow, const traffic::Network& net, double horizon_s);

// The default scenario shipped in assets/ (always present in a clone).
std::string assets_dir();

}  // namespace parktwin::test
