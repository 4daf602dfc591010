// Land cover in the scene (render/ground_cover.h): water and parks under the roads, on
// lavapipe: the water's colour where the lake is, the lane drawn over it where a road crosses,
// the park's where the park is, the background elsewhere.

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "render/camera.h"
#include "render/ground_cover.h"
#include "render/offscreen_renderer.h"
#include "render/palette.h"
#include "render/vulkan/context.h"

using namespace parktwin;

TEST_CASE("water and parks are drawn under the lanes, in their colours, where they are",
          "[render]") {
  render::SceneView scene;
  scene.background = {0, 0, 0, 255};
  scene.min_x_m = scene.min_y_m = -50.0f;
  scene.max_x_m = scene.max_y_m = 50.0f;
  // A lane ribbon along y = 0 first, as scene_of leaves the ground; then a lake (clockwise)
  // from x = -40 to 0 m and a park: they go to the start of the ground, under the lane.
  const render::Rgba8 lane{200, 200, 200, 255};
  for (const auto& [x, y] : {std::pair{-50.0f, -2.0f},
                             {50.0f, -2.0f},
                             {50.0f, 2.0f},
                             {-50.0f, -2.0f},
                             {50.0f, 2.0f},
                             {-50.0f, 2.0f}}) {
    scene.ground.push_back({x, y, 0.0f, 0.0f, lane});
  }
  const std::vector<render::GroundPatch> cover = {
      {render::GroundCover::water, {{-40, -30}, {-40, 30}, {0, 30}, {0, -30}}},
      {render::GroundCover::park, {{10, 10}, {40, 10}, {40, 40}, {10, 40}}}};
  render::add_ground_cover(cover, scene);
  REQUIRE(scene.ground.size() == 6 + 6 + 6);
  CHECK(scene.ground.front().colour == render::palette::kWater);
  CHECK(scene.ground.back().colour == lane);

  const render::VulkanContext vk({/*validation=*/true, /*prefer_cpu=*/true});
  render::OffscreenRenderer renderer(vk, 100, 100, 1);
  render::Camera camera;  // straight down on the origin, 1 m a pixel: pixel (50 + x, 50 - y)
  camera.metres_per_pixel = 1.0;
  const render::RgbaImage& image = renderer.render(scene, camera);
  const auto at = [&](int x_m, int y_m) {
    const std::size_t i = (std::size_t(50 - y_m) * 100 + std::size_t(50 + x_m)) * 4;
    return render::Rgba8{image.pixels[i], image.pixels[i + 1], image.pixels[i + 2], 255};
  };
  CHECK(at(-20, 15) == render::palette::kWater);  // the lake
  CHECK(at(-20, 0) == lane);                      // the road across it
  CHECK(at(25, 25) == render::palette::kPark);    // the park
  CHECK(at(25, -25) == scene.background);         // neither
  CHECK(at(-45, 15) == scene.background);         // west of the lake
  if (vk.validation_enabled()) CHECK(vk.validation_messages() == 0);
}
