// CollisionWorld: ray casts against boxes give the analytic entry point, tag and normal; a
// rotated box is hit just inside its edge and missed just outside; clear() empties the world;
// occluded() agrees with ray_cast.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <utility>

#include "engine/collision_world.h"
#include "engine/error.h"

using parktwin::geo::CollisionWorld;
using parktwin::geo::RayHit;
using parktwin::geo::Vec3;

namespace {

constexpr float kTol = 1e-4f;

void check_near(Vec3 a, Vec3 b) {
  CHECK(a.x == Approx(b.x).margin(kTol));
  CHECK(a.y == Approx(b.y).margin(kTol));
  CHECK(a.z == Approx(b.z).margin(kTol));
}

// A point given in the frame of a box at `centre` turned by `yaw` about z.
Vec3 to_world(Vec3 centre, float yaw, Vec3 local) {
  const float c = std::cos(yaw), s = std::sin(yaw);
  return {centre.x + c * local.x - s * local.y, centre.y + s * local.x + c * local.y,
          centre.z + local.z};
}

}  // namespace

TEST_CASE("a ray hits the nearer of two boxes at the analytic point", "[collision]") {
  for (const bool near_first : {true, false}) {
    CollisionWorld w;
    const auto add_near = [&] { w.add_box(7, {10, 0, 1}, {1, 1, 1}, 0.0f); };
    const auto add_far = [&] { w.add_box(9, {20, 0, 1}, {1, 1, 1}, 0.0f); };
    if (near_first) {
      add_near();
      add_far();
    } else {
      add_far();
      add_near();
    }
    REQUIRE(w.size() == 2);

    const std::optional<RayHit> hit = w.ray_cast({0, 0.25f, 1.5f}, {30, 0.25f, 1.5f});
    REQUIRE(hit);
    CHECK(hit->tag == 7);
    check_near(hit->point, {9, 0.25f, 1.5f});
    check_near(hit->normal, {-1, 0, 0});
    CHECK(hit->fraction == Approx(9.0 / 30.0).margin(1e-6));

    // From the other side the other box is nearer.
    const std::optional<RayHit> back = w.ray_cast({30, 0.25f, 1.5f}, {0, 0.25f, 1.5f});
    REQUIRE(back);
    CHECK(back->tag == 9);
    check_near(back->point, {21, 0.25f, 1.5f});
    check_near(back->normal, {1, 0, 0});
  }
}

TEST_CASE("an oblique ray enters a box's top face where the line meets the plane", "[collision]") {
  CollisionWorld w;
  w.add_box(3, {0, 0, 1}, {4, 4, 1}, 0.0f);
  // From (-10, -5, 12) towards (2, 1, 0): the line meets z = 2 at t = 10/12.
  const Vec3 from{-10, -5, 12}, to{2, 1, 0};
  const std::optional<RayHit> hit = w.ray_cast(from, to);
  REQUIRE(hit);
  CHECK(hit->tag == 3);
  const float t = 10.0f / 12.0f;
  check_near(hit->point, from + (to - from) * t);
  check_near(hit->normal, {0, 0, 1});
  CHECK(hit->fraction == Approx(t).margin(1e-6));
}

TEST_CASE("a rotated box is hit just inside its edge and missed just outside", "[collision]") {
  const Vec3 centre{5, -3, 0.5f};
  const Vec3 half{2, 0.5f, 0.5f};
  const float yaw = static_cast<float>(std::numbers::pi / 6.0);  // 30 degrees
  CollisionWorld w;
  w.add_box(42, centre, half, yaw);

  const float eps = 1e-3f;
  const auto vertical = [&](Vec3 local) {
    const Vec3 p = to_world(centre, yaw, local);
    return w.ray_cast({p.x, p.y, 10}, {p.x, p.y, -10});
  };
  // Along the local x edge and the local y edge, the top face (z = 1) is entered where the
  // ray stands; a millimetre outside the edge, nothing is hit although the box's AABB (it is
  // turned) would be.
  for (const Vec3 inside : {Vec3{half.x - eps, 0, 0}, Vec3{-half.x + eps, 0.3f, 0},
                            Vec3{0.7f, half.y - eps, 0}, Vec3{-1.2f, -half.y + eps, 0}}) {
    const std::optional<RayHit> hit = vertical(inside);
    REQUIRE(hit);
    CHECK(hit->tag == 42);
    const Vec3 p = to_world(centre, yaw, inside);
    check_near(hit->point, {p.x, p.y, 1.0f});
    check_near(hit->normal, {0, 0, 1});
    CHECK(hit->fraction == Approx(9.0 / 20.0).margin(1e-6));
  }
  for (const Vec3 outside :
       {Vec3{half.x + eps, 0, 0}, Vec3{-half.x - eps, 0.3f, 0}, Vec3{0.7f, half.y + eps, 0},
        Vec3{-1.2f, -half.y - eps, 0}, Vec3{half.x + 0.2f, half.y + 0.2f, 0}}) {
    CHECK_FALSE(vertical(outside));
  }

  // A horizontal ray along the box's -x axis enters its +x face at local (2, 0), and the
  // normal there is the box's own x axis turned by the yaw.
  const Vec3 start = to_world(centre, yaw, {10, 0.1f, 0.2f});
  const Vec3 end = to_world(centre, yaw, {-10, 0.1f, 0.2f});
  const std::optional<RayHit> side = w.ray_cast(start, end);
  REQUIRE(side);
  check_near(side->point, to_world(centre, yaw, {half.x, 0.1f, 0.2f}));
  check_near(side->normal, {std::cos(yaw), std::sin(yaw), 0});
  CHECK(side->fraction == Approx(8.0 / 20.0).margin(1e-6));
}

TEST_CASE("a ray past every box returns nullopt", "[collision]") {
  CollisionWorld w;
  CHECK_FALSE(w.ray_cast({0, 0, 10}, {0, 0, -10}));  // empty world
  w.add_box(1, {0, 0, 0.5f}, {1, 1, 0.5f}, 0.3f);
  CHECK_FALSE(w.ray_cast({-5, 0, 1.5f}, {5, 0, 1.5f}));  // above it
  CHECK_FALSE(w.ray_cast({0, 0, 10}, {0, 0, 2}));        // ends short of it
  CHECK_FALSE(w.ray_cast({0, 0, 10}, {0, 0, 10}));       // no segment
  CHECK(w.ray_cast({0, 0, 10}, {0, 0, 0.9f}));           // reaches into it
}

TEST_CASE("clear() empties the world, which can be filled again", "[collision]") {
  CollisionWorld w;
  for (std::uint64_t i = 0; i < 100; ++i) {
    w.add_box(i, {static_cast<float>(i) * 3.0f, 0, 0.5f}, {1, 1, 0.5f}, 0.0f);
  }
  REQUIRE(w.size() == 100);
  REQUIRE(w.ray_cast({30, 0, 5}, {30, 0, -5}));
  w.clear();
  CHECK(w.size() == 0);
  CHECK_FALSE(w.ray_cast({30, 0, 5}, {30, 0, -5}));
  CHECK_FALSE(w.occluded({30, 0, 5}, {30, 0, -5}));
  w.add_box(5, {30, 0, 0.5f}, {1, 1, 0.5f}, 0.0f);
  const std::optional<RayHit> hit = w.ray_cast({30, 0, 5}, {30, 0, -5});
  REQUIRE(hit);
  CHECK(hit->tag == 5);
}

TEST_CASE("occluded() is true exactly when a box lies on the segment", "[collision]") {
  CollisionWorld w;
  w.add_box(1, {0, 0, 5}, {2, 2, 5}, 0.0f);  // a 10 m tower
  w.add_box(2, {20, 0, 2}, {2, 2, 2}, 0.0f);
  CHECK(w.occluded({-10, 0, 1}, {10, 0, 1}));           // through the tower
  CHECK(w.occluded({-10, 0, 1}, {30, 0, 1}));           // through both
  CHECK_FALSE(w.occluded({-10, 0, 11}, {30, 0, 11}));   // over both
  CHECK_FALSE(w.occluded({-10, 0, 1}, {-2.5f, 0, 1}));  // stops before the tower
  // A sun ray from a facade point at (10, 0, 1) rising 1 m per metre meets the tower's face
  // x = 2 at z = 9 < 10: shaded. Rising 1.2 m per metre it is at z = 10.6 there: sunlit.
  CHECK(w.occluded({10, 0, 1}, {-10, 0, 21}));
  CHECK_FALSE(w.occluded({10, 0, 1}, {-10, 0, 25}));
  CHECK_FALSE(w.ray_cast({10, 0, 1}, {-10, 0, 25}));
  const std::optional<RayHit> shade = w.ray_cast({10, 0, 1}, {-10, 0, 21});
  REQUIRE(shade);
  CHECK(shade->tag == 1);
  check_near(shade->point, {2, 0, 9});

  // A segment that starts inside a box is occluded by it, at fraction 0.
  const std::optional<RayHit> inside = w.ray_cast({20, 0, 1}, {20, 0, 10});
  REQUIRE(inside);
  CHECK(inside->tag == 2);
  CHECK(inside->fraction == 0.0f);
  check_near(inside->normal, {0, 0, 0});
  CHECK(w.occluded({20, 0, 1}, {20, 0, 10}));
}

TEST_CASE("rays through a grid of boxes find the box beneath them", "[collision]") {
  // 40 x 40 boxes 1.6 m wide on a 2 m pitch, each taller than its left neighbour: enough
  // for the broadphase tree to matter, and every answer known.
  CollisionWorld w;
  for (int i = 0; i < 40; ++i) {
    for (int j = 0; j < 40; ++j) {
      const float h = 0.5f + 0.01f * static_cast<float>(i);
      w.add_box(static_cast<std::uint64_t>(i * 40 + j),
                {2.0f * static_cast<float>(i), 2.0f * static_cast<float>(j), h}, {0.8f, 0.8f, h},
                0.0f);
    }
  }
  REQUIRE(w.size() == 1600);
  for (int i = 0; i < 40; i += 3) {
    for (int j = 0; j < 40; j += 7) {
      const float x = 2.0f * static_cast<float>(i) + 0.5f, y = 2.0f * static_cast<float>(j) - 0.3f;
      const std::optional<RayHit> hit = w.ray_cast({x, y, 50}, {x, y, -1});
      REQUIRE(hit);
      CHECK(hit->tag == static_cast<std::uint64_t>(i * 40 + j));
      CHECK(hit->point.z == Approx(1.0f + 0.02f * static_cast<float>(i)).margin(kTol));
      // Between the boxes the ray reaches the ground.
      CHECK_FALSE(w.ray_cast({x + 0.5f, y, 50}, {x + 0.5f, y, -1}));
    }
  }
  // A low horizontal ray along a row meets the row's first box.
  const std::optional<RayHit> row = w.ray_cast({-5, 10, 0.2f}, {100, 10, 0.2f});
  REQUIRE(row);
  CHECK(row->tag == 5);
  check_near(row->point, {-0.8f, 10, 0.2f});
}

TEST_CASE("a moved world keeps its boxes, bad boxes are refused", "[collision]") {
  CollisionWorld a;
  a.add_box(11, {0, 0, 1}, {1, 1, 1}, 0.0f);
  CollisionWorld b(std::move(a));
  REQUIRE(b.size() == 1);
  const std::optional<RayHit> hit = b.ray_cast({0, 0, 5}, {0, 0, -5});
  REQUIRE(hit);
  CHECK(hit->tag == 11);
  CollisionWorld c;
  c = std::move(b);
  CHECK(c.size() == 1);
  CHECK(c.occluded({0, 0, 5}, {0, 0, -5}));

  CHECK_THROWS_AS(c.add_box(1, {0, 0, 0}, {1, 0, 1}, 0.0f), parktwin::Error);
  CHECK_THROWS_AS(c.add_box(1, {0, 0, 0}, {1, -1, 1}, 0.0f), parktwin::Error);
  CHECK_THROWS_AS(c.add_box(1, {0, NAN, 0}, {1, 1, 1}, 0.0f), parktwin::Error);
  CHECK(c.size() == 1);
}
