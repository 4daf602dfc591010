#pragma once
// Buildings in the scene: each footprint extruded to its height (roof triangles by ear
// clipping, a wall quad per edge, shaded by a fixed light), and every frame the buildings
// coloured by a chosen quantity of the buildings subsystem's state, with day and night from
// the sun.

#include <cstdint>

#include "render/scene_view.h"
#include "sim/buildings/building_stock.h"
#include "sim/buildings/buildings_sim.h"

namespace parktwin::render {

enum class BuildingColouring : std::uint8_t {
  temperature,  // indoor air: blue (18 C) to red (30 C)
  load,         // electricity per floor area: light (0) to dark (60 W/m2)
  pv,           // rooftop PV output per roof area: dark (0) to bright (150 W/m2); no PV: grey
};

// Adds the stock's buildings to the scene (once, after scene_of), in grey.
void add_buildings(const buildings::BuildingStock& stock, SceneView& scene);

// Recolours the buildings from the state and sets the daylight from the sun's elevation
// (full above 10 degrees, none below -6: civil twilight).
void update_buildings(const buildings::BuildingStock& stock, const buildings::BuildingsState& state,
                      double sun_elevation_deg, BuildingColouring colouring, SceneView& scene);

// The colour ramp of a colouring at t in [0, 1], and the values at its ends, for the legend.
Rgba8 building_ramp(BuildingColouring colouring, double t);
struct RampEnds {
  double low, high;
  const char* unit;
};
RampEnds building_ramp_ends(BuildingColouring colouring);

}  // namespace parktwin::render
