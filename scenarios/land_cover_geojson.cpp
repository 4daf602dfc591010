#include "scenarios/land_cover_geojson.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string_view>

#include "engine/error.h"
#include "scenarios/geojson_features.h"
#include "scenarios/json_file.h"

namespace parktwin::scenarios {

namespace {

constexpr std::array<std::string_view, 2> kProperties = {"cover", "name"};
constexpr std::array<std::string_view, 2> kCovers = {"water", "park"};

// Twice the signed area (shoelace formula).
double twice_area(const std::vector<geo::Vec2>& outline) {
  double sum = 0.0;
  for (std::size_t i = 0; i < outline.size(); ++i) {
    const geo::Vec2 a = outline[i], b = outline[(i + 1) % outline.size()];
    sum += a.x * b.y - b.x * a.y;
  }
  return sum;
}

}  // namespace

std::vector<LandPolygon> load_land_cover(const std::string& path) {
  std::vector<LandPolygon> polygons;
  for_each_feature(
      path, [&](const JsonReader& r, const Json& feature, const std::string& where, int) {
        const Json& props = r.object(feature, "properties", where);
        const std::string pw = element(where, "properties");
        check_known_properties(r, props, pw, kProperties);
        LandPolygon p;
        const std::string cover = r.string(props, "cover", pw);
        if (cover == "water") {
          p.cover = Cover::water;
        } else if (cover == "park") {
          p.cover = Cover::park;
        } else {
          r.fail(element(pw, "cover"), "unknown cover", "one of: " + comma_list(kCovers),
                 "'" + cover + "'");
        }
        if (const Json* name = r.optional(props, "name", pw); name && !name->is_null()) {
          if (!name->is_string())
            r.fail(element(pw, "name"), "wrong type", "a string", brief(*name));
          p.name = name->get<std::string>();
        }
        const std::string gw = element(where, "geometry");
        p.outline = read_outer_ring(r, r.object(feature, "geometry", where), gw, "feature");
        // A ring of 4 positions can still be a line or a point: it has to enclose something.
        if (!(std::abs(twice_area(p.outline)) > 1e-6)) {
          r.fail(element(gw, "coordinates"), "outline without area",
                 "a ring around a region (>= 3 points not on one line)",
                 fmt::format("{} points, area {:.3g} m2", p.outline.size(),
                             std::abs(twice_area(p.outline)) / 2.0));
        }
        polygons.push_back(std::move(p));
      });
  return polygons;
}

}  // namespace parktwin::scenarios
