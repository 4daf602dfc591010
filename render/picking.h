#pragma once
// Picking: what lies under the mouse in the viewer. A ray from the camera through the pixel is
// cast against boxes standing in for what is drawn: a flat box per piece of each lane's centre
// line, a flat square per junction (as scene_of draws them) and, at the time of the click, a
// box per vehicle (as vehicle.vert draws it). The closest hit wins; a vehicle stands above
// the lane under it, so a ray through both hits the vehicle.

#include <cstdint>
#include <optional>
#include <span>

#include "engine/collision_world.h"
#include "engine/geometry.h"
#include "render/scene_view.h"
#include "sim/buildings/building_stock.h"
#include "sim/traffic/network.h"

namespace parktwin::render {

// A ray in scene coordinates: metres relative to SceneView::origin, z up, the ground at
// z = 0. `direction` need not have unit length; the ray goes on past the ground.
struct Ray {
  geo::Vec3 origin;
  geo::Vec3 direction;
};

enum class PickKind : std::uint8_t { vehicle, lane, junction, building };

struct Pick {
  PickKind kind = PickKind::lane;
  std::uint32_t index = 0;  // the vehicle's trip, the lane, the junction or the building
  geo::Vec3 point;          // where the ray met it, in scene coordinates
};

// Built once per network; holds about 650 bytes per lane piece and junction (Bullet's objects
// and its tree). pick() is const but runs one call at a time per Picker (CollisionWorld's
// queries share Bullet's traversal stack); the viewer picks on its UI thread.
class Picker {
 public:
  // `origin`: the scene's origin (SceneView::origin, from scene_of(net)).
  Picker(const traffic::Network& net, geo::Vec2 origin);
  // Adds the buildings, each as the box around its footprint aligned with its longest wall
  // (exact for the rectangles most buildings are, a little generous for other shapes).
  void add_buildings(const buildings::BuildingStock& stock, geo::Vec2 origin);

  // The lane, junction or vehicle the ray meets first, or nullopt when it meets none (or
  // has direction 0). `vehicles` are this frame's instances (SceneView::vehicles) and
  // `vehicle_trip[i]` is vehicles[i]'s trip (TrafficFrame::vehicle); the two must be equally
  // long. Vehicles are picked at the size they are drawn: at least `min_length_m` x
  // `min_width_m` (the camera's minimum vehicle size in pixels times its metres per pixel
  // at the point looked at; 0 for their true size). Throws parktwin::Error when the two spans
  // differ in length.
  std::optional<Pick> pick(const Ray& ray, std::span<const VehicleInstance> vehicles,
                           std::span<const std::uint32_t> vehicle_trip, float min_length_m = 0.0f,
                           float min_width_m = 0.0f) const;

  std::size_t static_boxes() const { return ground_.size(); }  // lane pieces + junctions

 private:
  geo::CollisionWorld ground_;
  double slab_top_m_;  // the highest thing a ray can meet: a vehicle's roof or a building's  //
                       // lanes and junctions: built once, never changed
};

}  // namespace parktwin::render
