// The GeoJSON building table (scenarios/buildings_geojson.h): a small file read back value by
// value, malformed ones rejected with the file, the line of the offending feature or property
// and what was expected, and the bundled hangzhou_4x4 demo table loaded into a stock.

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/buildings_geojson.h"
#include "sim/buildings/building_stock.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using parktwin::Error;
using parktwin::buildings::BuildingSpec;
using parktwin::buildings::UseType;
using parktwin::geo::Vec2;
using parktwin::scenarios::load_buildings;
using parktwin::test::TempDir;

// Line numbers in the comments on the right.
const char* kTwoBuildings = R"({
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature",
     "properties": {"id": "tower", "height": 14, "use": "office", "pv_kwp": 20,
                    "feeder": "feeder_north", "u_window": null},
     "geometry": {"type": "Polygon",
                  "coordinates": [[[0, 0], [20, 0], [20, 10], [0, 10], [0, 0]]]}},
    {"type": "Feature", "id": 17, "bbox": [100, 0, 160, 15],
     "properties": {
       "id": "slab",
       "height": 30.5,
       "floors": 10,
       "use": "residential",
       "u_wall": 0.6, "u_roof": 0.5, "u_window": 2.2, "window_to_wall": 0.35, "g_value": 0.5,
       "heating_setpoint": 19, "cooling_setpoint": 27
     },
     "geometry": {"type": "Polygon",
                  "coordinates": [[[100, 0, 3.0], [100, 15, 3.0], [160, 15, 3.0], [160, 0, 3.0], [100, 0, 3.0]]]}}
  ]
}
)";
// The first feature starts on line 4, the second on line 9.

// Writes `text` and returns the error loading it throws, checked to name the file and `line`.
Error load_error(const std::string& text, int line) {
  TempDir dir;
  const std::string path = dir.write("buildings.geojson", text);
  const Error e = parktwin::test::error_of([&] { load_buildings(path); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == line);
  CHECK_THAT(e.what(), StartsWith(path + ":" + std::to_string(line) + ":"));
  return e;
}

// One feature on lines 4-6 with `properties` (line 5) and a 10 x 10 m square.
std::string one_feature(const std::string& properties) {
  return "{\n"
         "  \"type\": \"FeatureCollection\",\n"
         "  \"features\": [\n"
         "    {\"type\": \"Feature\",\n"
         "     \"properties\": " +
         properties +
         ",\n"
         "     \"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
         "[[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}}\n"
         "  ]\n"
         "}\n";
}

}  // namespace

TEST_CASE("a GeoJSON building table reads back value by value", "[scenarios][buildings]") {
  TempDir dir;
  const std::string path = dir.write("buildings.geojson", kTwoBuildings);
  const std::vector<BuildingSpec> specs = load_buildings(path);
  REQUIRE(specs.size() == 2);

  const BuildingSpec& a = specs[0];
  CHECK(a.id == "tower");
  CHECK(a.file == path);
  CHECK(a.line == 4);
  CHECK(a.use == UseType::office);
  CHECK(a.height_m == 14.0);
  CHECK(a.floors == 0);
  CHECK(a.pv_kwp == 20.0);
  CHECK(a.feeder == "feeder_north");
  CHECK_FALSE(a.u_window.has_value());  // null: unset
  CHECK_FALSE(a.u_wall.has_value());
  // The closing position is dropped.
  CHECK(a.footprint == std::vector<Vec2>{{0, 0}, {20, 0}, {20, 10}, {0, 10}});

  const BuildingSpec& b = specs[1];
  CHECK(b.id == "slab");
  CHECK(b.line == 9);
  CHECK(b.use == UseType::residential);
  CHECK(b.height_m == 30.5);
  CHECK(b.floors == 10);
  CHECK(b.u_wall == 0.6);
  CHECK(b.u_roof == 0.5);
  CHECK(b.u_window == 2.2);
  CHECK(b.window_to_wall == 0.35);
  CHECK(b.g_value == 0.5);
  CHECK(b.heating_setpoint_c == 19.0);
  CHECK(b.cooling_setpoint_c == 27.0);
  CHECK(b.pv_kwp == 0.0);
  CHECK(b.feeder.empty());
  // Clockwise, with altitudes (not used).
  CHECK(b.footprint == std::vector<Vec2>{{100, 0}, {100, 15}, {160, 15}, {160, 0}});

  const parktwin::buildings::BuildingStock st = parktwin::buildings::build_stock(specs);
  CHECK(st.floor_area_m2[0] == Approx(800.0));
  CHECK(st.floor_area_m2[1] == Approx(9000.0));
  CHECK(st.pv_kwp[0] == 20.0f);
}

TEST_CASE("a byte order mark does not shift the lines", "[scenarios][buildings]") {
  TempDir dir;
  const std::string path = dir.write("bom.geojson", std::string("\xEF\xBB\xBF") + kTwoBuildings);
  const std::vector<BuildingSpec> specs = load_buildings(path);
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].line == 4);
  CHECK(specs[1].line == 9);
}

TEST_CASE("malformed GeoJSON building tables name the file and line", "[scenarios][buildings]") {
  SECTION("not a FeatureCollection") {
    const Error e =
        load_error("{\n  \"type\": \"GeometryCollection\",\n  \"geometries\": []\n}\n", 2);
    CHECK(e.context().field == "type");
    CHECK_THAT(e.message(), Contains("FeatureCollection"));
  }
  SECTION("an array at the root") {
    const Error e = load_error("[\n]\n", 1);
    CHECK_THAT(e.context().expected, Contains("FeatureCollection"));
  }
  SECTION("invalid JSON") {
    const Error e =
        load_error("{\n  \"type\": \"FeatureCollection\",\n  \"features\": [,]\n}\n", 3);
    CHECK_THAT(e.message(), Contains("invalid JSON"));
  }
  SECTION("a feature without an id") {
    const Error e = load_error(one_feature(R"({"height": 10, "use": "office"})"), 5);
    CHECK(e.context().field == "features[0].properties.id");
    CHECK_THAT(e.message(), Contains("missing"));
  }
  SECTION("an unknown use, listing the known ones") {
    const Error e = load_error(one_feature("{\"id\": \"h\", \"height\": 10,\n"
                                           "                    \"use\": \"hospital\"}"),
                               6);
    CHECK(e.context().field == "features[0].properties.use");
    CHECK(e.context().found == "'hospital'");
    CHECK_THAT(e.context().expected,
               Contains("office, lab, manufacturing, residential, retail, campus"));
  }
  SECTION("an unknown property, listing the known ones") {
    const Error e = load_error(one_feature("{\"id\": \"c\", \"height\": 10, \"use\": \"office\",\n"
                                           "                    \"colour\": \"red\"}"),
                               6);
    CHECK(e.context().field == "features[0].properties.colour");
    CHECK_THAT(e.message(), Contains("unknown property"));
    CHECK_THAT(e.context().expected, Contains("id, height, floors, use, u_wall"));
    CHECK_THAT(e.context().expected, Contains("pv_kwp, feeder"));
  }
  SECTION("a non-numeric height") {
    const Error e = load_error(one_feature("{\"id\": \"t\", \"use\": \"office\",\n"
                                           "                    \"height\": \"tall\"}"),
                               6);
    CHECK(e.context().field == "features[0].properties.height");
    CHECK(e.context().expected == "a number");
    CHECK(e.context().found == "\"tall\"");
  }
  SECTION("a fractional number of floors") {
    const Error e =
        load_error(one_feature(R"({"id": "f", "use": "office", "height": 10, "floors": 2.5})"), 5);
    CHECK(e.context().field == "features[0].properties.floors");
  }
  SECTION("a MultiPolygon") {
    const Error e = load_error(
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        "  {\"type\": \"Feature\", \"properties\": {\"id\": \"m\", \"height\": 10, \"use\": "
        "\"office\"},\n"
        "   \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": []}}]}\n",
        3);
    CHECK(e.context().field == "features[0].geometry.type");
    CHECK_THAT(e.message(), Contains("one polygon per building"));
  }
  SECTION("a polygon with a hole") {
    const Error e = load_error(
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        "  {\"type\": \"Feature\", \"properties\": {\"id\": \"court\", \"height\": 10, \"use\": "
        "\"office\"},\n"
        "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [\n"
        "     [[0, 0], [30, 0], [30, 30], [0, 30], [0, 0]],\n"
        "     [[10, 10], [10, 20], [20, 20], [20, 10], [10, 10]]]}}]}\n",
        5);
    CHECK(e.context().field == "features[0].geometry.coordinates[1]");
    CHECK_THAT(e.message(), Contains("holes"));
  }
  SECTION("a ring that is not closed") {
    const Error e = load_error(
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        "  {\"type\": \"Feature\", \"properties\": {\"id\": \"open\", \"height\": 10, \"use\": "
        "\"office\"},\n"
        "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [\n"
        "     [[0, 0], [30, 0], [30, 30], [0, 30]]]}}]}\n",
        4);
    CHECK(e.context().field == "features[0].geometry.coordinates[0]");
  }
  SECTION("a bad position names its own line") {
    const Error e = load_error(
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        "  {\"type\": \"Feature\", \"properties\": {\"id\": \"p\", \"height\": 10, \"use\": "
        "\"office\"},\n"
        "   \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[\n"
        "     [0, 0], [30, 0],\n"
        "     [30, \"north\"],\n"
        "     [0, 30], [0, 0]]]}}]}\n",
        5);
    CHECK(e.context().field == "features[0].geometry.coordinates[0][2]");
  }
}

TEST_CASE("physical checks come from build_stock with the feature's line",
          "[scenarios][buildings]") {
  TempDir dir;
  const std::string path =
      dir.write("buildings.geojson", one_feature(R"({"id": "glass", "use": "office", "height": 10,
                    "window_to_wall": 1.2})"));
  const std::vector<BuildingSpec> specs = load_buildings(path);
  const Error e = parktwin::test::error_of([&] { parktwin::buildings::build_stock(specs); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == 4);  // the feature
  CHECK(e.context().field == "window_to_wall");
  CHECK_THAT(e.message(), Contains("'glass'"));
}

TEST_CASE("the hangzhou_4x4 demo buildings load and build", "[scenarios][buildings]") {
  const std::string path =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/buildings.geojson";
  const std::vector<BuildingSpec> specs = load_buildings(path);
  CHECK(specs.size() >= 40);
  CHECK(specs.size() <= 80);
  const parktwin::buildings::BuildingStock st = parktwin::buildings::build_stock(specs);
  REQUIRE(st.size() == specs.size());

  std::set<UseType> uses(st.use.begin(), st.use.end());
  CHECK(uses.size() == parktwin::buildings::kUseTypes);
  std::set<std::string> feeders(st.feeder.begin(), st.feeder.end());
  CHECK(feeders == std::set<std::string>{"feeder_north", "feeder_south"});
  CHECK(std::count_if(st.pv_kwp.begin(), st.pv_kwp.end(), [](float p) { return p > 0.0f; }) >= 3);

  // Every building stands inside one block between the roads (signalised intersections at
  // x = 0, 800, 1600, 2400 and y = 0, 600, 1200, 1800 m) at least 25 m from the centre lines,
  // and no two footprints' bounding boxes overlap.
  std::vector<parktwin::geo::Aabb2> boxes;
  for (std::size_t b = 0; b < st.size(); ++b) {
    INFO(st.id[b]);
    const auto pts = st.footprint[b].points();
    std::vector<Vec2> ring(pts.begin(), pts.end());
    const parktwin::geo::Aabb2 box = parktwin::geo::bounds(ring);
    const double bx = std::floor(box.min.x / 800.0) * 800.0;
    const double by = std::floor(box.min.y / 600.0) * 600.0;
    CHECK(bx >= 0.0);
    CHECK(bx <= 1600.0);
    CHECK(by >= 0.0);
    CHECK(by <= 1200.0);
    CHECK(box.min.x >= bx + 25.0 - 0.01);  // float storage
    CHECK(box.max.x <= bx + 775.0 + 0.01);
    CHECK(box.min.y >= by + 25.0 - 0.01);
    CHECK(box.max.y <= by + 575.0 + 0.01);
    for (const parktwin::geo::Aabb2& other : boxes) {
      const bool overlap = box.min.x < other.max.x && other.min.x < box.max.x &&
                           box.min.y < other.max.y && other.min.y < box.max.y;
      CHECK_FALSE(overlap);
    }
    boxes.push_back(box);
  }
}

TEST_CASE("electrical assets of a building load, and bad ones name their line and property",
          "[scenarios][buildings]") {
  TempDir dir;
  const std::string good =
      dir.write("buildings.geojson",
                one_feature(R"({"id": "shop", "use": "retail", "height": 10, "battery_kwh": 200,
                    "battery_kw": 100, "chargers": 8, "charger_kw": 60,
                    "car_park_road": ["road_1_1_0", "road_1_1_1"]})"));
  const std::vector<BuildingSpec> specs = load_buildings(good);
  REQUIRE(specs.size() == 1);
  CHECK(specs[0].battery_kwh == 200.0);
  CHECK(specs[0].battery_kw == 100.0);
  CHECK(specs[0].chargers == 8);
  CHECK(specs[0].charger_kw == 60.0);
  CHECK(specs[0].car_park_roads == std::vector<std::string>{"road_1_1_0", "road_1_1_1"});
  SECTION("chargers not a whole number") {
    const Error e = load_error(
        one_feature(R"({"id": "h", "use": "office", "height": 10, "chargers": 2.5})"), 5);
    CHECK(e.context().field == "features[0].properties.chargers");
    CHECK_THAT(e.context().expected, Contains("integer"));
  }
  SECTION("a car park road that is not a string") {
    const Error e = load_error(
        one_feature(R"({"id": "h", "use": "office", "height": 10, "car_park_road": [7]})"), 5);
    CHECK(e.context().field == "features[0].properties.car_park_road[0]");
  }
  SECTION("a battery without power") {
    const std::string path =
        dir.write("b.geojson",
                  one_feature(R"({"id": "h", "use": "office", "height": 10, "battery_kwh": 50})"));
    const std::vector<BuildingSpec> s = load_buildings(path);
    const Error e = parktwin::test::error_of([&] { parktwin::buildings::build_stock(s); });
    CHECK(e.context().line == 4);
    CHECK(e.context().field == "battery_kw");
    CHECK_THAT(e.context().expected, Contains("> 0 kW with a battery"));
  }
}
