#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "engine/error.h"
#include "engine/geometry.h"

using namespace parktwin;
using geo::Vec2;

TEST_CASE("polyline is parametrised by arc length", "[geometry]") {
  // An L: 300 m east, then 400 m north.
  const geo::Polyline line({{0, 0}, {300, 0}, {300, 400}});
  CHECK(line.length() == 700.0);
  CHECK(line.point_at(0.0) == Vec2{0, 0});
  CHECK(line.point_at(150.0) == Vec2{150, 0});
  CHECK(line.point_at(300.0) == Vec2{300, 0});
  CHECK(line.point_at(500.0) == Vec2{300, 200});
  CHECK(line.point_at(700.0) == Vec2{300, 400});
  CHECK(line.heading_at(100.0) == Approx(0.0));
  CHECK(line.heading_at(650.0) == Approx(std::numbers::pi / 2));
  // Past the ends: clamped to the end points.
  CHECK(line.point_at(-5.0) == Vec2{0, 0});
  CHECK(line.point_at(1e9) == Vec2{300, 400});
}

TEST_CASE("polyline rejects degenerate input", "[geometry]") {
  CHECK_THROWS_AS(geo::Polyline({{0, 0}}), Error);
  CHECK_THROWS_WITH(geo::Polyline({{0, 0}, {NAN, 1}}), Catch::Contains("points[1]"));
  CHECK_THROWS_WITH(geo::Polyline({{INFINITY, 0}, {0, 1}}), Catch::Contains("points[0]"));
}

TEST_CASE("vector helpers", "[geometry]") {
  CHECK(geo::length({3, 4}) == 5.0);
  CHECK(geo::cross({1, 0}, {0, 1}) == 1.0);  // left turn is positive
  CHECK(geo::left_normal({2, 0}) == Vec2{0, 1});
  CHECK(geo::left_normal({0, 0}) == Vec2{0, 0});
  CHECK(geo::distance_to_segment({5, 3}, {0, 0}, {10, 0}) == 3.0);
  CHECK(geo::distance_to_segment({-4, 3}, {0, 0}, {10, 0}) == 5.0);
  const std::vector<Vec2> square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
  CHECK(geo::signed_area(square) == 4.0);
  const std::vector<Vec2> clockwise(square.rbegin(), square.rend());
  CHECK(geo::signed_area(clockwise) == -4.0);
  const geo::Aabb2 box = geo::bounds(square);
  CHECK(box.min == Vec2{0, 0});
  CHECK(box.max == Vec2{2, 2});
  CHECK(box.contains({1, 1}));
  CHECK_FALSE(box.contains({3, 1}));
}
