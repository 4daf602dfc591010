#include "render/picking.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/error.h"

namespace parktwin::render {

namespace {

using traffic::Index;

// Lanes and junctions are drawn flat at z = 0. Their boxes hang below the ground with their
// tops at z = 0, so that a ray meets them where they are drawn at any camera pitch; all have
// the same thickness, so a lane and the junction square under it are met at bit-identical
// fractions, and the tie goes to the box added first: the lane, as the lane is drawn on top.
constexpr float kFlatHalfHeight = 0.05f;
constexpr float kFlatCentreZ = -kFlatHalfHeight;
// What a ray can meet lies between the boxes' bottoms and the roofs of the tallest vehicles
// (3 m, vehicle.vert); the ray is cast through this slab only, which keeps the segment short
// (float precision) and the vehicle filter below tight.
constexpr double kSlabBottom = -2.0 * static_cast<double>(kFlatHalfHeight);
constexpr double kSlabTop = 3.5;
// A horizontal ray inside the slab is cast this far.
constexpr double kMaxReach = 1.0e5;
// A hit below the ground entered a flat box through its side, under empty ground next to it
// (a low ray goes on underground): the pixel shows that ground, not the box.
constexpr float kUnderground = -1e-3f;
// Junction squares, as scene_of draws them: twice the widest road meeting there, >= 8 m.
constexpr double kMinJunctionSize = 8.0;

// Static box tags: the kind in the high word, the lane or junction in the low one.
std::uint64_t tag_of(PickKind kind, std::uint32_t index) {
  return (std::uint64_t{static_cast<std::uint8_t>(kind)} << 32) | index;
}

geo::Vec3 vec3(geo::Vec2 p, double z) {
  return {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(z)};
}

double wide(float v) { return static_cast<double>(v); }

// Vehicles as vehicle.vert draws them: 1.5 m high, 3 m when over 7 m long (buses, trucks).
float vehicle_height(float length_m) { return length_m > 7.0f ? 3.0f : 1.5f; }

}  // namespace

Picker::Picker(const traffic::Network& net, geo::Vec2 origin) : slab_top_m_(kSlabTop) {
  const std::size_t L = net.lane_count();
  // Lanes first: they win ties with the junction squares under their ends.
  for (Index l = 0; l < L; ++l) {
    const double width = net.lane_width_m[l];
    if (!(width > 0.0)) continue;
    const auto pts = net.seg_shape[l].points();
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const geo::Vec2 a = geo::Vec2(pts[i]) - origin, b = geo::Vec2(pts[i + 1]) - origin;
      const double len = geo::distance(a, b);
      if (!(len > 1e-6)) continue;  // repeated point: nothing drawn there either
      ground_.add_box(
          tag_of(PickKind::lane, l), vec3(geo::lerp(a, b, 0.5), kFlatCentreZ),
          {static_cast<float>(0.5 * len), static_cast<float>(0.5 * width), kFlatHalfHeight},
          static_cast<float>(geo::heading(b - a)));
    }
  }
  // Junctions: the square scene_of draws (render/scene_builder.cpp), so that a click lands on
  // what the user sees; virtual junctions (where roads enter the network) are not drawn.
  std::vector<double> size(net.junction_count(), kMinJunctionSize);
  for (Index r = 0; r < net.road_count(); ++r) {
    double width = 0.0;
    for (Index l = net.road_first_lane[r]; l < net.road_first_lane[r] + net.road_lane_count[r];
         ++l) {
      width += net.lane_width_m[l];
    }
    for (const Index j : {net.road_from[r], net.road_to[r]}) size[j] = std::max(size[j], 2 * width);
  }
  for (Index j = 0; j < net.junction_count(); ++j) {
    if (net.junction_virtual[j] != 0) continue;
    const auto half = static_cast<float>(0.5 * size[j]);
    ground_.add_box(tag_of(PickKind::junction, j), vec3(net.junction_pos[j] - origin, kFlatCentreZ),
                    {half, half, kFlatHalfHeight}, 0.0f);
  }
}

void Picker::add_buildings(const buildings::BuildingStock& stock, geo::Vec2 origin) {
  for (std::size_t b = 0; b < stock.size(); ++b) {
    const auto pts = stock.footprint[b].points();
    if (pts.size() < 3) continue;
    // The rectangle around the footprint along its longest wall.
    const geo::OrientedRect r = geo::oriented_bounds(pts);
    const double h = stock.height_m[b];
    ground_.add_box(tag_of(PickKind::building, static_cast<std::uint32_t>(b)),
                    vec3(r.centre - origin, 0.5 * h),
                    {static_cast<float>(r.half_along), static_cast<float>(r.half_across),
                     static_cast<float>(0.5 * h)},
                    static_cast<float>(r.yaw_rad));
    slab_top_m_ = std::max(slab_top_m_, h + 0.5);
  }
}

std::optional<Pick> Picker::pick(const Ray& ray, std::span<const VehicleInstance> vehicles,
                                 std::span<const std::uint32_t> vehicle_trip, float min_length_m,
                                 float min_width_m) const {
  if (vehicles.size() != vehicle_trip.size()) {
    throw Error("vehicle instances and their trips differ in number")
        .expected(std::to_string(vehicles.size()))
        .found(std::to_string(vehicle_trip.size()));
  }
  // The part of the ray inside the slab, as parameters t0 < t1 along it.
  const double ox = wide(ray.origin.x), oy = wide(ray.origin.y), oz = wide(ray.origin.z);
  const double dx = wide(ray.direction.x), dy = wide(ray.direction.y), dz = wide(ray.direction.z);
  const double norm = std::sqrt(dx * dx + dy * dy + dz * dz);
  if (!(norm > 0.0) || !std::isfinite(norm)) return std::nullopt;
  double t0 = 0.0, t1 = kMaxReach / norm;
  if (dz != 0.0) {
    const double ta = (kSlabBottom - oz) / dz, tb = (slab_top_m_ - oz) / dz;
    t0 = std::max(t0, std::min(ta, tb));
    t1 = std::min(t1, std::max(ta, tb));
  } else if (oz < kSlabBottom || oz > slab_top_m_) {
    return std::nullopt;
  }
  if (!(t1 > t0)) return std::nullopt;
  const geo::Vec3 from{static_cast<float>(ox + dx * t0), static_cast<float>(oy + dy * t0),
                       static_cast<float>(oz + dz * t0)};
  const geo::Vec3 to{static_cast<float>(ox + dx * t1), static_cast<float>(oy + dy * t1),
                     static_cast<float>(oz + dz * t1)};

  std::optional<geo::RayHit> ground = ground_.ray_cast(from, to);
  if (ground && ground->point.z < kUnderground) ground.reset();

  // Vehicles go into a world of their own, built now: a click is rare, and keeping 100k
  // moving boxes up to date in a Bullet world every frame would cost more than all the
  // clicks of a session. Only vehicles within reach of the ray's ground track are added (a
  // box lies within its length plus half its width of its front point), so a pick costs one
  // pass over the instances and a few Bullet boxes.
  geo::CollisionWorld near;
  const geo::Vec2 track_a{wide(from.x), wide(from.y)}, track_b{wide(to.x), wide(to.y)};
  for (std::size_t i = 0; i < vehicles.size(); ++i) {
    const VehicleInstance& v = vehicles[i];
    const float length = std::max(v.length_m, min_length_m);
    const float width = std::max(v.width_m, min_width_m);
    if (!(length > 0.0f && width > 0.0f) || !std::isfinite(length + width)) continue;
    const geo::Vec2 front{wide(v.front_x_m), wide(v.front_y_m)};
    if (!std::isfinite(front.x + front.y + wide(v.heading_rad))) continue;
    if (geo::distance_to_segment(front, track_a, track_b) > wide(length) + 0.5 * wide(width)) {
      continue;
    }
    const float height = vehicle_height(v.length_m);
    // The box lies behind the front bumper: its centre half a length back along the heading.
    const geo::Vec2 centre =
        front - geo::Vec2{std::cos(wide(v.heading_rad)), std::sin(wide(v.heading_rad))} *
                    (0.5 * wide(length));
    near.add_box(i, vec3(centre, 0.5 * wide(height)), {0.5f * length, 0.5f * width, 0.5f * height},
                 v.heading_rad);
  }
  const std::optional<geo::RayHit> vehicle = near.ray_cast(from, to);

  // The closest hit; a vehicle wins a tie with the ground (it stands on it).
  if (vehicle && (!ground || vehicle->fraction <= ground->fraction)) {
    return Pick{PickKind::vehicle, vehicle_trip[vehicle->tag], vehicle->point};
  }
  if (!ground) return std::nullopt;
  return Pick{static_cast<PickKind>(ground->tag >> 32),
              static_cast<std::uint32_t>(ground->tag & 0xffffffffu), ground->point};
}

}  // namespace parktwin::render
