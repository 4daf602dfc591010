#pragma once
// Origin-destination demand with a time profile, as a CSV file a planner can edit in a
// spreadsheet: one row per origin-destination pair, one column per time window, each cell
// the number of vehicles departing in that window.
//
//   origin,destination,0-900,900-1800,1800-3600
//   road_0_1_0,road_5_1_0,30,45,60
//   road_1_0_1,road_1_5_1,10,10,20
//
// Origins and destinations are road ids of the network; windows are "start-end" in seconds,
// in increasing order without overlap. Vehicles of a cell depart evenly spread over its
// window (at start + (k + 1/2) * width / n); each takes the fastest route at free flow
// (sim/traffic/routing.h). Lines starting with '#' are comments.

#include <string>

#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::scenarios {

// True if the file's first non-comment line is the OD header ("origin,destination,...").
bool is_od_matrix(const std::string& path);

// Trips departing before horizon_s, of one default passenger-car type. Throws parktwin::Error
// naming file, line and column for a malformed header or cell, an unknown road, overlapping
// windows or an unreachable destination.
traffic::Demand import_od_matrix(const std::string& path, const traffic::Network& net,
                                 double horizon_s);

}  // namespace parktwin::scenarios
