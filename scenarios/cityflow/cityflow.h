#pragma once
// Import of CityFlow's input formats (https://cityflow.readthedocs.io/en/latest/roadnet.html
// and flow.html): a roadnet JSON (intersections, roads, road links with lane links, traffic
// light phases) and a flow JSON (vehicle parameters, route, interval, start and end time).

#include <string>

#include "scenarios/json_file.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::scenarios {

// Is this parsed JSON a CityFlow roadnet? (format detection from content)
bool is_cityflow_roadnet(const Json& doc);

// Builds the network. Lane centre lines follow CityFlow's geometry: offset to the right of
// the road by the widths of the lanes to their left plus half their own, and shortened at
// each end that meets a real (non-virtual) intersection by that intersection's width.
// Throws parktwin::Error naming `path` and the element on any inconsistency.
traffic::Network import_cityflow_roadnet(const Json& doc, const std::string& path);
// The same, streamed from the file at `path` one intersection and road at a time, so a large
// roadnet never sits in memory as a JSON tree.
traffic::Network read_cityflow_roadnet(const std::string& path);

// Expands every flow entry into trips departing at startTime, startTime + interval, ... up
// to endTime (-1: no end) and before `horizon_s`. Identical vehicle parameter sets share
// one vehicle type.
traffic::Demand import_cityflow_flow(const Json& doc, const std::string& path,
                                     const traffic::Network& net, double horizon_s);
// The same, streamed from the file at `path` one flow entry at a time.
traffic::Demand read_cityflow_flow(const std::string& path, const traffic::Network& net,
                                   double horizon_s);

}  // namespace parktwin::scenarios
