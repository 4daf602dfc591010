#pragma once
// What the renderer draws, and nothing it knows of Vulkan or of where the state came from
// (STYLE.md 13a): flat spans of positions and colours, filled from a live World or from a run
// file's replay by scene_builder.h. Positions are float metres relative to `origin`, so that
// a city far from its coordinate origin keeps centimetre precision.

#include <cstdint>
#include <vector>

#include "engine/geometry.h"

namespace parktwin::render {

struct Rgba8 {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  float red() const { return r / 255.0f; }
  float green() const { return g / 255.0f; }
  float blue() const { return b / 255.0f; }
  friend bool operator==(const Rgba8&, const Rgba8&) = default;
};

// A vertex of flat geometry in the ground plane (20 bytes): a point of a band's centre line
// and the offset from it to the band's edge. The shader stretches offsets shorter than the
// camera's minimum half-width, so that lanes stay visible in a view of the whole city.
struct FlatVertex {
  float x_m = 0.0f, y_m = 0.0f;
  float offset_x_m = 0.0f, offset_y_m = 0.0f;
  Rgba8 colour;
};

// A vertex of a solid (a building): a point in metres relative to the origin, z up, a shade
// factor of its face (fixed light, computed once), and the colour it is drawn in; on a wall,
// its storey height and how brightly its windows are lit (0 dark .. 1, set per frame: at
// night the shader draws a lit band per storey) (28 bytes).
struct SolidVertex {
  float x_m = 0.0f, y_m = 0.0f, z_m = 0.0f;
  float shade = 1.0f;
  Rgba8 colour;
  float storey_m = 0.0f;  // 0 on roofs: no windows
  float window_light = 0.0f;
};

// One vehicle, drawn as a rectangle behind its front bumper (24 bytes).
struct VehicleInstance {
  float front_x_m = 0.0f, front_y_m = 0.0f;
  float heading_rad = 0.0f;  // counter-clockwise from east
  float length_m = 5.0f, width_m = 2.0f;
  Rgba8 colour;
};

struct SceneView {
  geo::Vec2 origin;                      // world position of (0, 0)
  float min_x_m = 0.0f, min_y_m = 0.0f;  // bounds of the static geometry, relative to origin
  float max_x_m = 0.0f, max_y_m = 0.0f;
  Rgba8 background;

  // Static triangles: ground and junctions, drawn first; then junction links, drawn only
  // when the camera is close enough to tell them apart (Camera::links_below_mpp).
  std::vector<FlatVertex> ground;
  std::vector<FlatVertex> links;
  // Lane ribbons, triangles; lane l's vertices are [lane_begin[l], lane_begin[l + 1]) and are
  // recoloured every frame (speed or density).
  std::vector<FlatVertex> lanes;
  std::vector<std::uint32_t> lane_begin;
  // Per lane, this frame: vehicles on it and their mean speed (what the colours show).
  std::vector<std::uint32_t> lane_vehicles;
  std::vector<float> lane_mean_speed_mps;
  // Buildings, extruded footprints (triangles: roof and walls); building b's vertices are
  // [building_begin[b], building_begin[b + 1]) and are recoloured every frame.
  std::vector<SolidVertex> buildings;
  std::vector<std::uint32_t> building_begin;
  // Per junction: how far its incoming lanes' ends lie from its centre (m), for the ring
  // around a junction that an agent runs.
  std::vector<float> junction_reach_m;
  // Per frame: signal stop lines and agent rings (triangles) and vehicles.
  std::vector<FlatVertex> overlays;
  std::vector<VehicleInstance> vehicles;
  double time_s = 0.0;
  // Daylight, 0 (night) to 1 (the sun well up): dims the ground and the light on solids.
  float daylight = 1.0f;
};

}  // namespace parktwin::render
