#pragma once
// The table of buildings as a GeoJSON file: the structure of RFC 7946 (a FeatureCollection of
// Feature objects with a geometry and properties), but with coordinates in the scenario's
// metres (x east, y north, the frame of the road network), not WGS84 longitude and latitude.
//
//   { "type": "FeatureCollection",
//     "features": [
//       { "type": "Feature",
//         "geometry": { "type": "Polygon", "coordinates": [[[x, y], ..., [x0, y0]]] },
//         "properties": { "id": "b1", "height": 42.0, "use": "office", ... } } ] }
//
// One Polygon per building: its outer ring only, closed (first position repeated last) and in
// either orientation; a position may carry a third number (altitude), which is not used.
// Rings after the outer one (holes, courtyards) and MultiPolygons are rejected: a building is
// one simple footprint here, so split a multi-part building into features.
//
// Properties: id (string, unique, required), height (m, required), use (required: office, lab,
// manufacturing, residential, retail or campus), floors (integer >= 1; default height over the
// use's storey height), u_wall, u_roof, u_window (W/m2K), window_to_wall, g_value (0..1),
// heating_setpoint, cooling_setpoint (C), pv_kwp (rooftop PV, kWp), feeder (string),
// battery_kwh and battery_kw (a battery), chargers (EV charging points, integer), charger_kw
// (each, default 7) and car_park_road (a road id or a list: trips ending there park here).
// Unset values take the use's archetype (sim/buildings/archetypes.cpp). Other members of the
// collection and of features (RFC 7946 "foreign members", "bbox", a feature "id") are ignored;
// an unknown property is an error, to catch typos.

#include <string>
#include <vector>

#include "sim/buildings/building_stock.h"

namespace parktwin::scenarios {

// Reads the buildings of `path` in file order, each with the file and the line of its feature
// for later errors. Throws parktwin::Error naming the file, the line and the element
// ("features[3].properties.height") with what was expected, for a file that is not such a
// collection, a missing or mistyped property, an unknown property or use, or a geometry other
// than a closed Polygon ring. Physical checks (areas, ranges, unique ids) are
// buildings::build_stock's.
std::vector<buildings::BuildingSpec> load_buildings(const std::string& path);

}  // namespace parktwin::scenarios
