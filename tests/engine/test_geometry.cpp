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

TEST_CASE("polyline set stores many shapes and reorders them without moving points", "[geometry]") {
  geo::PolylineSet set;
  CHECK(set.add(std::vector<Vec2>{{0, 0}, {300, 0}, {300, 400}}) == 700.0);
  // Longer than a storage block: gets a block of its own, still contiguous.
  std::vector<Vec2> zigzag;
  for (int i = 0; i < 50000; ++i) zigzag.push_back({static_cast<double>(i), (i % 2) * 1.0});
  const double zigzag_length = set.add(zigzag);
  CHECK(zigzag_length == Approx(49999 * std::sqrt(2.0)));
  CHECK(set.add(std::vector<Vec2>{{5, 5}, {5, 15}}) == 10.0);
  REQUIRE(set.size() == 3);
  CHECK(set[1].points().size() == 50000);
  CHECK(Vec2(set[1].points()[49999]) == Vec2{49999, 1});

  // Arc-length queries agree with an owning polyline of the same points.
  const geo::Polyline line({{0, 0}, {300, 0}, {300, 400}});
  for (const double s : {-1.0, 0.0, 150.0, 300.0, 500.0, 700.0, 800.0}) {
    CHECK(set[0].point_at(s) == line.point_at(s));
    CHECK(set[0].heading_at(s) == line.heading_at(s));
  }

  const std::vector<std::uint32_t> order{2, 0, 1};
  set.permute(order);
  CHECK(set[0].length() == 10.0);
  CHECK(set[0].front() == Vec2{5, 5});
  CHECK(set[1].back() == Vec2{300, 400});
  CHECK(set[2].length() == zigzag_length);
  CHECK_THROWS_WITH(set.add(std::vector<Vec2>{{0, 0}, {NAN, 1}}), Catch::Contains("points[1]"));
  CHECK(set.size() == 3);
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

TEST_CASE("triangulate: a concave polygon's triangles cover exactly its area", "[geometry]") {
  using parktwin::geo::Vec2;
  // An L (area 60 x 20 + 20 x 40 = 2000 m2) and a comb with two notches, counter-clockwise.
  const std::vector<std::vector<Vec2>> polygons = {
      {{0, 0}, {60, 0}, {60, 20}, {20, 20}, {20, 60}, {0, 60}},
      {{0, 0},
       {50, 0},
       {50, 30},
       {40, 30},
       {40, 10},
       {30, 10},
       {30, 30},
       {20, 30},
       {20, 10},
       {10, 10},
       {10, 30},
       {0, 30}}};
  for (const auto& poly : polygons) {
    std::vector<std::array<std::size_t, 3>> triangles;
    parktwin::geo::triangulate(poly, triangles);
    CHECK(triangles.size() == poly.size() - 2);
    double area = 0.0;
    for (const auto& t : triangles) {
      const double a =
          parktwin::geo::signed_area(std::vector<Vec2>{poly[t[0]], poly[t[1]], poly[t[2]]});
      CHECK(a > 0.0);  // each counter-clockwise, none folded over
      area += a;
    }
    CHECK(area == Approx(parktwin::geo::signed_area(poly)));
  }
  std::vector<std::array<std::size_t, 3>> none;
  parktwin::geo::triangulate(std::vector<Vec2>{{0, 0}, {1, 0}, {2, 0}, {3, 0}}, none);
  CHECK(none.empty());  // collinear: no triangle of any area
}
