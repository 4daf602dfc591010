#pragma once
// Ray casts against many oriented boxes: what the viewer picks (lanes, junctions, vehicles)
// and, later, what shades a building (other buildings between it and the sun). Knows nothing
// of cities: a box is a tag, a centre, half extents and a rotation about z.
//
// Bullet (libbullet-dev, float precision) does the work through its collision world alone:
// "Bullet Collision Detection can also be used without the Dynamics/Extras. Check out
// btCollisionWorld and btCollisionObject" (btCollisionWorld.h, @mainpage step 5; Bullet User
// Manual, ch. "Bullet Collision Detection"). Nothing here moves or collides, so no dynamics
// world, no solver and no contact pool are needed; a dynamic AABB tree (btDbvtBroadphase)
// finds the boxes near a ray and an exact ray-box test per candidate decides. No Bullet type
// appears in this header.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace parktwin::geo {

// A point or direction in a local 3-D frame: metres, x east, y north, z up. Float, like the
// stored shapes (geometry.h, Vec2f): the caller keeps coordinates near its origin.
struct Vec3 {
  float x = 0.0f;
  float y = 0.0f;
  float z = 0.0f;

  constexpr Vec3 operator+(Vec3 o) const { return {x + o.x, y + o.y, z + o.z}; }
  constexpr Vec3 operator-(Vec3 o) const { return {x - o.x, y - o.y, z - o.z}; }
  constexpr Vec3 operator*(float s) const { return {x * s, y * s, z * s}; }
  constexpr bool operator==(const Vec3&) const = default;
};

// The first box a ray meets.
struct RayHit {
  std::uint64_t tag = 0;  // as given to add_box
  Vec3 point;             // where the ray enters the box
  Vec3 normal;            // unit outward normal of the face it enters through (zero: from
                          // lies inside the box)
  float fraction = 0.0f;  // point = from + (to - from) * fraction, in [0, 1]
};

// A set of boxes to cast rays against. Adding is O(log n) (a tree insert), clearing is O(n);
// a query visits only the tree nodes the ray crosses. Queries are const but must not run
// concurrently on one world: Bullet's broadphase reuses one traversal stack per world unless
// the library is built with BT_THREADSAFE, which is off by default (btDbvtBroadphase::rayTest).
// Give each thread its own world.
class CollisionWorld {
 public:
  CollisionWorld();
  ~CollisionWorld();
  // A moved-from world may only be assigned to or destroyed.
  CollisionWorld(CollisionWorld&&) noexcept;
  CollisionWorld& operator=(CollisionWorld&&) noexcept;
  CollisionWorld(const CollisionWorld&) = delete;
  CollisionWorld& operator=(const CollisionWorld&) = delete;

  // A box of `half_extents` (each > 0) around `centre`, turned by `yaw_rad` counter-clockwise
  // about z. Tags need not be unique; a ray that hits reports the tag of the box it hit.
  // Throws parktwin::Error for a half extent <= 0 or a non-finite input.
  void add_box(std::uint64_t tag, Vec3 centre, Vec3 half_extents, float yaw_rad);
  // Removes every box; the world can be filled again.
  void clear();
  std::size_t size() const;

  // The closest box along the segment from -> to, or nullopt when none lies on it, when
  // from == to or when either is not finite. A segment that starts inside a box hits it at
  // fraction 0 with a zero normal (a sample point inside a wall is in its shade). Boxes hit
  // at the same fraction go to the one added first.
  std::optional<RayHit> ray_cast(Vec3 from, Vec3 to) const;
  // Whether any box lies on the segment from -> to: the shading query, which stops at the
  // first box found rather than searching for the closest.
  bool occluded(Vec3 from, Vec3 to) const;
  // The same, ignoring the boxes tagged `own` (a building does not shade itself here: its
  // own box may be only a bound of its shape).
  bool occluded_by_other(Vec3 from, Vec3 to, std::uint64_t own) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parktwin::geo
