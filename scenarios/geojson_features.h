#pragma once
// GeoJSON feature collections in the scenario's metres, as the buildings and land-cover files
// are written: the structure of RFC 7946 (a FeatureCollection of Feature objects with a
// geometry and properties), with coordinates in the frame of the road network (x east, y
// north, metres), not WGS84. Errors name the file, the line and the element
// ("features[3].properties.height").

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/geometry.h"
#include "scenarios/json_file.h"

namespace parktwin::scenarios {

// Calls read(reader, feature, where, line) for each member of the collection's "features" in
// file order; `where` is its element path ("features[3]") and `line` the line it starts on.
// Throws parktwin::Error for a file that is not JSON or not a FeatureCollection, and adds the
// line to any error `read` throws that names an element but no line.
void for_each_feature(
    const std::string& path,
    const std::function<void(const JsonReader&, const Json&, const std::string&, int)>& read);

// The outer ring of a Polygon geometry without its closing position. A position may carry a
// third number (altitude), which is not used. Rejects other geometries, MultiPolygons and
// rings after the outer one (holes), naming `feature_noun` ("building") in the message, and a
// ring that is not closed (RFC 7946 3.1.6).
std::vector<geo::Vec2> read_outer_ring(const JsonReader& r, const Json& geometry,
                                       const std::string& where, std::string_view feature_noun);

// Fails at `where` unless every key of `properties` is one of `known` (catches typos).
void check_known_properties(const JsonReader& r, const Json& properties, const std::string& where,
                            std::span<const std::string_view> known);

}  // namespace parktwin::scenarios
