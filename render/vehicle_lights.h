#pragma once
// Vehicles after dark: a headlight beam on the road ahead of each vehicle and a red glow
// behind it, translucent overlays under the vehicles, as strong as it is dark.

#include "render/scene_view.h"

namespace parktwin::render {

// Appends the lights of scene.vehicles to scene.overlays when scene.daylight < 1. Call after
// update_scene (which places the vehicles and clears the overlays) and update_buildings
// (which sets the daylight from the sun).
void add_vehicle_lights(SceneView& scene);

}  // namespace parktwin::render
