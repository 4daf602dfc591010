// Night in the scene: headlight beams ahead of each vehicle and tail glows behind it
// (render/vehicle_lights.h), and the windows of the walls (render/building_scene.h).

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "render/building_scene.h"
#include "render/vehicle_lights.h"
#include "sim/buildings/buildings_sim.h"
#include "tests/sim/buildings/synthetic_stock.h"

using namespace parktwin;

TEST_CASE(
    "headlights light the road ahead of a vehicle and tail lights glow behind it, "
    "only after dark",
    "[render][night]") {
  render::SceneView scene;
  render::VehicleInstance v;
  v.front_x_m = 100.0f;
  v.front_y_m = 50.0f;
  v.heading_rad = static_cast<float>(std::numbers::pi / 2);  // north
  v.length_m = 5.0f;
  v.width_m = 2.0f;
  scene.vehicles = {v, v};
  scene.daylight = 1.0f;
  render::add_vehicle_lights(scene);
  CHECK(scene.overlays.empty());

  scene.daylight = 0.0f;
  render::add_vehicle_lights(scene);
  REQUIRE(scene.overlays.size() == 2 * 12);  // two quads a vehicle
  // The beam: from the front bumper 15 m north, widening; bright at the car, clear at its end.
  const auto& beam = scene.overlays;
  float min_y = 1e9f, max_y = -1e9f;
  for (int k = 0; k < 6; ++k) {
    min_y = std::min(min_y, beam[k].y_m);
    max_y = std::max(max_y, beam[k].y_m);
  }
  CHECK(min_y == Approx(50.0f));
  CHECK(max_y == Approx(65.0f).margin(1e-3));
  CHECK(std::hypot(beam[0].offset_x_m, beam[0].offset_y_m) == Approx(1.0f));  // half the width
  // The tail glow: behind the rear bumper (5 m back), reddish.
  for (int k = 6; k < 12; ++k) {
    CHECK(beam[k].y_m <= 45.0f + 1e-3f);
    CHECK(beam[k].y_m >= 42.5f - 1e-3f);
    CHECK(beam[k].colour.r > beam[k].colour.g);
  }
  CHECK(beam[0].colour.a > 0);
  CHECK(beam[2].colour.a == 0);  // fades out at the far end

  // At dusk (half dark) the light is half as strong.
  render::SceneView dusk = scene;
  dusk.overlays.clear();
  dusk.daylight = 0.5f;
  render::add_vehicle_lights(dusk);
  CHECK(dusk.overlays[0].colour.a == Approx(scene.overlays[0].colour.a / 2.0).margin(1.0));
}

TEST_CASE(
    "walls carry their storey height and their windows light up after dark with the "
    "building's activity",
    "[render][night][buildings]") {
  const buildings::BuildingStock stock = buildings::build_stock(test::synthetic_buildings(2));
  render::SceneView scene;
  render::add_buildings(stock, scene);
  buildings::BuildingsState state;
  state.air_c = {22.0f, 22.0f};
  const double full1 = static_cast<double>(stock.lighting_w[1] + stock.equipment_w[1]);
  state.electric_w = {0.0f, static_cast<float>(0.4 * full1)};
  const auto walls_and_roofs = [&](std::size_t b, float& window_light) {
    std::size_t walls = 0, roofs = 0;
    for (std::uint32_t k = scene.building_begin[b]; k < scene.building_begin[b + 1]; ++k) {
      const render::SolidVertex& v = scene.buildings[k];
      if (v.storey_m > 0.0f) {
        ++walls;
        CHECK(v.storey_m == Approx(stock.height_m[b] / stock.floors[b]));
        window_light = v.window_light;
      } else {
        ++roofs;
        CHECK(v.window_light == 0.0f);
      }
    }
    CHECK(walls == 4 * 6);  // four walls of two triangles
    CHECK(roofs == 2 * 3);  // a rectangle's two triangles
  };
  float lit0 = -1.0f, lit1 = -1.0f;
  render::update_buildings(stock, state, 40.0, render::BuildingColouring::temperature, scene);
  walls_and_roofs(0, lit0);
  walls_and_roofs(1, lit1);
  CHECK(lit0 == 0.0f);
  CHECK(lit1 == 0.0f);  // by day no window is lit
  render::update_buildings(stock, state, -20.0, render::BuildingColouring::temperature, scene);
  walls_and_roofs(0, lit0);
  walls_and_roofs(1, lit1);
  CHECK(lit0 == 0.0f);  // no activity, dark windows
  CHECK(lit1 == Approx(0.4f));
}
