// Land cover (scenarios/land_cover_geojson.h): water and parks read back in file order, the
// shipped hangzhou_4x4 file loaded, malformed files rejected with the file, the line of the
// feature and what was expected, and `[scene] land_cover` in a manifest.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "engine/error.h"
#include "engine/geometry.h"
#include "scenarios/land_cover_geojson.h"
#include "scenarios/manifest.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

using Catch::Matchers::Contains;
using parktwin::Error;
using parktwin::scenarios::Cover;
using parktwin::scenarios::load_land_cover;
using parktwin::test::TempDir;

// A lake (clockwise, as some GIS tools write it) and a park; features on lines 3 and 6, their
// geometries on 4 and 7, rings on 5 and 8. Errors name the line of the element at fault.
const char* kTwo = R"({"type": "FeatureCollection",
 "features": [
  {"type": "Feature", "properties": {"cover": "water", "name": "lake"},
   "geometry": {"type": "Polygon",
                "coordinates": [[[0, 0], [0, 50], [80, 50], [80, 0], [0, 0]]]}},
  {"type": "Feature", "properties": {"cover": "park"},
   "geometry": {"type": "Polygon",
                "coordinates": [[[100, 0], [140, 0], [140, 30], [100, 30], [100, 0]]]}}
 ]}
)";

Error load_error(const std::string& text, int line) {
  TempDir dir;
  const std::string path = dir.write("land.geojson", text);
  const Error e = parktwin::test::error_of([&] { load_land_cover(path); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == line);
  return e;
}

std::string two_with(const std::string& from, const std::string& to) {
  std::string text = kTwo;
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("land cover: polygons in file order with their cover and name", "[land_cover]") {
  TempDir dir;
  const auto polygons = load_land_cover(dir.write("land.geojson", kTwo));
  REQUIRE(polygons.size() == 2);
  CHECK(polygons[0].cover == Cover::water);
  CHECK(polygons[0].name == "lake");
  CHECK(polygons[0].outline.size() == 4);  // without the closing point
  CHECK(std::abs(parktwin::geo::signed_area(polygons[0].outline)) == Approx(4000.0));
  CHECK(polygons[1].cover == Cover::park);
  CHECK(polygons[1].name.empty());
}

TEST_CASE("land cover: the shipped hangzhou_4x4 file has its water and parks", "[land_cover]") {
  const auto polygons = load_land_cover(std::string(PARKTWIN_SOURCE_DIR) +
                                        "/assets/scenarios/hangzhou_4x4/land_cover.geojson");
  int water = 0, park = 0;
  for (const auto& p : polygons) {
    (p.cover == Cover::water ? water : park) += 1;
    CHECK(std::abs(parktwin::geo::signed_area(p.outline)) > 1000.0);
  }
  CHECK(water == 3);
  CHECK(park == 3);
}

TEST_CASE("land cover: errors name the file, the feature's line and what was expected",
          "[land_cover]") {
  CHECK_THAT(load_error(two_with("\"cover\": \"park\"", "\"cover\": \"forest\""), 6).what(),
             Contains("features[1].properties.cover: unknown cover") && Contains("water, park") &&
                 Contains("'forest'"));
  CHECK_THAT(load_error(two_with("\"name\": \"lake\"", "\"nmae\": \"lake\""), 3).what(),
             Contains("features[0].properties.nmae: unknown property") && Contains("cover, name"));
  CHECK_THAT(load_error(two_with("{\"cover\": \"park\"}", "{}"), 6).what(),
             Contains("features[1].properties.cover") && Contains("missing"));
  CHECK_THAT(load_error(two_with("\"Polygon\",\n                \"coordinates\": [[[100",
                                 "\"MultiPolygon\",\n                \"coordinates\": [[[100"),
                        7)
                 .what(),
             Contains("one polygon per feature"));
  // A closed ring around nothing: three points on one line.
  CHECK_THAT(load_error(two_with("[[100, 0], [140, 0], [140, 30], [100, 30], [100, 0]]",
                                 "[[100, 0], [120, 0], [140, 0], [100, 0]]"),
                        8)
                 .what(),
             Contains("outline without area"));
  CHECK_THAT(load_error(two_with("[80, 0], [0, 0]]", "[80, 0]]"), 5).what(),
             Contains("ring not closed"));
  CHECK_THAT(load_error(two_with("[140, 30], [100, 30]", "[1e300, 30], [100, 30]"), 8).what(),
             Contains("coordinates[0][2]: position out of range") && Contains("10,000 km"));
  CHECK_THAT(load_error("[1, 2]", 1).what(), Contains("not a GeoJSON FeatureCollection"));
}

TEST_CASE("manifest: [scene] land_cover resolves next to the manifest, typos are errors",
          "[manifest][land_cover]") {
  TempDir dir;
  dir.write("roadnet.json", "{}");
  dir.write("flow.json", "[]");
  dir.write("land.geojson", kTwo);
  const std::string base =
      "[traffic]\nnetwork = \"roadnet.json\"\ndemand = \"flow.json\"\n[scene]\n";
  const auto m = parktwin::scenarios::load_manifest(
      dir.write("a.toml", base + "land_cover = \"land.geojson\"\n"));
  CHECK(m.land_cover_path == (dir.path() / "land.geojson").lexically_normal().string());
  CHECK(parktwin::scenarios::load_manifest(dir.write("b.toml", base)).land_cover_path.empty());
  const Error typo = parktwin::test::error_of([&] {
    parktwin::scenarios::load_manifest(
        dir.write("c.toml", base + "landcover = \"land.geojson\"\n"));
  });
  CHECK_THAT(typo.what(), Contains("scene.landcover: unknown key") && Contains("land_cover"));
  const Error missing = parktwin::test::error_of([&] {
    parktwin::scenarios::load_manifest(
        dir.write("d.toml", base + "land_cover = \"lake.geojson\"\n"));
  });
  CHECK_THAT(missing.what(), Contains("scene.land_cover: input file not found"));
}
