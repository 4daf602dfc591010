// Buildings in the scene (render/building_scene.h): footprints extruded into closed solids
// whose roofs cover exactly the footprint, colours from the state, night from the sun.

#include <catch2/catch.hpp>

#include <cmath>

#include "render/building_scene.h"
#include "tests/sim/buildings/synthetic_stock.h"

using namespace parktwin;

namespace {

// Signed area of the triangles whose three vertices are all at height z (the roof), from above.
double roof_area(const render::SceneView& s, std::size_t b, float z) {
  double area = 0.0;
  for (std::uint32_t k = s.building_begin[b]; k + 2 < s.building_begin[b + 1]; k += 3) {
    const render::SolidVertex &p = s.buildings[k], &q = s.buildings[k + 1], &r = s.buildings[k + 2];
    if (p.z_m != z || q.z_m != z || r.z_m != z) continue;
    const auto d = [](float v) { return static_cast<double>(v); };
    area += 0.5 * ((d(q.x_m) - d(p.x_m)) * (d(r.y_m) - d(p.y_m)) -
                   (d(q.y_m) - d(p.y_m)) * (d(r.x_m) - d(p.x_m)));
  }
  return area;
}

}  // namespace

TEST_CASE("buildings are extruded footprints whose roofs cover them exactly",
          "[render][buildings]") {
  std::vector<buildings::BuildingSpec> specs = test::synthetic_buildings(6);
  // An L-shaped one (a concave footprint) as the last: 30 x 30 less a 15 x 15 corner.
  specs.back().footprint = {{0, 0}, {30, 0}, {30, 15}, {15, 15}, {15, 30}, {0, 30}};
  const buildings::BuildingStock stock = buildings::build_stock(specs);
  render::SceneView scene;
  render::add_buildings(stock, scene);
  REQUIRE(scene.building_begin.size() == stock.size() + 1);
  for (std::size_t b = 0; b < stock.size(); ++b) {
    INFO("building " << b);
    const auto z = static_cast<float>(stock.height_m[b]);
    // Counter-clockwise from above, and the same area as the footprint (float coordinates).
    CHECK(roof_area(scene, b, z) == Approx(stock.footprint_area_m2[b]).epsilon(1e-4));
    const std::size_t corners = stock.footprint[b].points().size() - 1;  // closed ring
    const std::size_t vertices = scene.building_begin[b + 1] - scene.building_begin[b];
    CHECK(vertices == 3 * (corners - 2) + 6 * corners);  // roof triangles, two per wall
  }
  CHECK(stock.footprint_area_m2.back() == Approx(675.0));
}

TEST_CASE("buildings take their colour from the state, and the night dims them",
          "[render][buildings]") {
  const buildings::BuildingStock stock = buildings::build_stock(test::synthetic_buildings(2));
  render::SceneView scene;
  render::add_buildings(stock, scene);
  buildings::BuildingsState state;
  state.air_c = {18.0f, 30.0f};
  state.electric_w = {0.0f, static_cast<float>(60.0 * stock.floor_area_m2[1])};
  render::update_buildings(stock, state, 40.0, render::BuildingColouring::temperature, scene);
  const auto colour_of = [&](std::size_t b) {
    return scene.buildings[scene.building_begin[b]].colour;
  };
  CHECK(colour_of(0) == render::building_ramp(render::BuildingColouring::temperature, 0.0));
  CHECK(colour_of(1) == render::building_ramp(render::BuildingColouring::temperature, 1.0));
  CHECK(colour_of(0).b > colour_of(0).r);  // cold is blue
  CHECK(colour_of(1).r > colour_of(1).b);  // warm is red
  CHECK(scene.daylight == 1.0f);
  render::update_buildings(stock, state, -20.0, render::BuildingColouring::load, scene);
  CHECK(colour_of(1) == render::building_ramp(render::BuildingColouring::load, 1.0));
  CHECK(scene.daylight == 0.0f);
  render::update_buildings(stock, state, 2.0, render::BuildingColouring::load, scene);
  CHECK(scene.daylight == Approx(0.5f));  // halfway through civil twilight's -6..10 degrees
  // By PV: a building without panels stays grey whatever it does.
  state.pv_w = {0.0f, 0.0f};
  render::update_buildings(stock, state, 40.0, render::BuildingColouring::pv, scene);
  CHECK(colour_of(0) == render::Rgba8{150, 152, 158, 255});
}
