#pragma once
// Land cover drawn under the roads: water (lakes, canals) and parks, as a GeoJSON
// FeatureCollection in the scenario's metres (geojson_features.h), named by `[scene]
// land_cover` in the manifest.
//
//   { "type": "FeatureCollection",
//     "features": [
//       { "type": "Feature",
//         "geometry": { "type": "Polygon", "coordinates": [[[x, y], ..., [x0, y0]]] },
//         "properties": { "cover": "water", "name": "Jinji Lake" } } ] }
//
// One Polygon per feature, its outer ring only (an island is a feature of its own drawn
// after the lake). Properties: cover (required: water or park), name (optional string).

#include <cstdint>
#include <string>
#include <vector>

#include "engine/geometry.h"

namespace parktwin::scenarios {

enum class Cover : std::uint8_t { water, park };

struct LandPolygon {
  Cover cover = Cover::water;
  std::string name;
  std::vector<geo::Vec2> outline;  // without the closing point
};

// The polygons of `path` in file order (later ones drawn over earlier ones). Throws
// parktwin::Error naming the file, the line and the element for a file that is not such a
// collection, an unknown or missing cover, an unknown property, a geometry other than a
// closed Polygon ring, or an outline with no area (fewer than 3 distinct points, or all on a
// line).
std::vector<LandPolygon> load_land_cover(const std::string& path);

}  // namespace parktwin::scenarios
