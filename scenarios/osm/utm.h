#pragma once
// Universal Transverse Mercator, forward (geographic -> metres), on the WGS84 ellipsoid, by
// the series of Snyder, "Map Projections: A Working Manual" (USGS Prof. Paper 1395, 1987),
// pp. 61-64: sub-millimetre within a zone. netconvert projects OpenStreetMap input this way
// (PROJ's +proj=utm) and records it in the network's <location>: net x = easting + netOffset.

#include <string>

#include "engine/geometry.h"

namespace parktwin::scenarios::osm {

struct NetProjection {
  int zone = 0;        // 1..60
  bool south = false;  // +south: northing counts from 10,000 km
  double offset_x = 0.0, offset_y = 0.0;
};

// Reads the <location> of a SUMO network written by netconvert from OpenStreetMap; throws
// parktwin::Error naming the file when it has none or its projection is not UTM.
NetProjection read_net_projection(const std::string& net_path);

// Network coordinates (metres) of a point.
geo::Vec2 project(const NetProjection& p, double lat_deg, double lon_deg);

}  // namespace parktwin::scenarios::osm
