#pragma once
// Land cover in the scene: water and parks as flat polygons under the junctions and lanes
// (the ground the traffic runs on), from the scenario's [scene] land_cover.

#include <cstdint>
#include <span>
#include <vector>

#include "engine/geometry.h"
#include "render/scene_view.h"

namespace parktwin::render {

enum class GroundCover : std::uint8_t { water, park };

struct GroundPatch {
  GroundCover cover = GroundCover::water;
  std::vector<geo::Vec2> outline;  // world metres, either orientation, without a closing point
};

// Puts the patches' triangles at the start of scene.ground, in the given order (a later patch
// over an earlier one: an island over its lake), so junctions and lanes are drawn over them.
// The scene's bounds stay the network's.
void add_ground_cover(std::span<const GroundPatch> patches, SceneView& scene);

}  // namespace parktwin::render
