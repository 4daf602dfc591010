#pragma once
// Loading a road network and a demand from files whose format is detected from content,
// not from the file name: CityFlow JSON (roadnet / flow) or SUMO XML (.net.xml / .rou.xml,
// by root element), or for demand an OD matrix CSV (scenarios/od_matrix.h).

#include <string>

#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"

namespace parktwin::scenarios {

enum class InputFormat { cityflow_json, sumo_xml, od_csv };

// Throws parktwin::Error naming the file for unreadable files and unknown formats.
InputFormat detect_format(const std::string& path);

// A SUMO .sumocfg stands for its net-file here and for its route and additional files in
// load_demand (its begin being t = 0).
traffic::Network load_network(const std::string& path);
// Trips departing before horizon_s.
traffic::Demand load_demand(const std::string& path, const traffic::Network& net, double horizon_s);

}  // namespace parktwin::scenarios
