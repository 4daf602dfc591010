#include "render/ground_cover.h"

#include <algorithm>
#include <array>

#include "render/palette.h"

namespace parktwin::render {

void add_ground_cover(std::span<const GroundPatch> patches, SceneView& scene) {
  std::vector<FlatVertex> cover;
  std::vector<geo::Vec2> poly;
  std::vector<std::array<std::size_t, 3>> triangles;
  for (const GroundPatch& patch : patches) {
    poly.clear();
    for (const geo::Vec2 p : patch.outline) poly.push_back(p - scene.origin);
    if (geo::signed_area(poly) < 0.0) std::reverse(poly.begin(), poly.end());
    triangles.clear();
    geo::triangulate(poly, triangles);
    const Rgba8 colour = patch.cover == GroundCover::water ? palette::kWater : palette::kPark;
    for (const auto& t : triangles) {
      for (const std::size_t i : t) {
        cover.push_back(
            {static_cast<float>(poly[i].x), static_cast<float>(poly[i].y), 0.0f, 0.0f, colour});
      }
    }
  }
  scene.ground.insert(scene.ground.begin(), cover.begin(), cover.end());
}

}  // namespace parktwin::render
