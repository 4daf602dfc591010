#pragma once
// Small geometry helpers in a local planar frame (metres, x east, y north), enough for lane
// centre lines, junction shapes and building footprints.

#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace parktwin::geo {

struct Vec2 {
  double x = 0.0;
  double y = 0.0;

  constexpr Vec2 operator+(Vec2 o) const { return {x + o.x, y + o.y}; }
  constexpr Vec2 operator-(Vec2 o) const { return {x - o.x, y - o.y}; }
  constexpr Vec2 operator*(double s) const { return {x * s, y * s}; }
  constexpr bool operator==(const Vec2&) const = default;
};

// Stored shape points: float keeps ~1 mm at 10 km from the origin, which is enough to draw
// and pick; lengths and positions that the simulation uses stay double.
struct Vec2f {
  float x = 0.0f;
  float y = 0.0f;

  constexpr Vec2f() = default;
  constexpr explicit Vec2f(Vec2 v) : x(static_cast<float>(v.x)), y(static_cast<float>(v.y)) {}
  constexpr operator Vec2() const { return {x, y}; }  // widening: exact
  constexpr bool operator==(const Vec2f&) const = default;
};

constexpr double dot(Vec2 a, Vec2 b) { return a.x * b.x + a.y * b.y; }
// z of the 3-D cross product: > 0 when b turns left of a.
constexpr double cross(Vec2 a, Vec2 b) { return a.x * b.y - a.y * b.x; }
inline double length(Vec2 v) { return std::hypot(v.x, v.y); }
inline double distance(Vec2 a, Vec2 b) { return length(b - a); }
constexpr Vec2 lerp(Vec2 a, Vec2 b, double t) { return a + (b - a) * t; }
// Heading in radians, counter-clockwise from +x (east), in (-pi, pi].
inline double heading(Vec2 v) { return std::atan2(v.y, v.x); }
// Left-hand normal of unit length; the zero vector stays zero.
Vec2 left_normal(Vec2 v);

struct Aabb2 {
  Vec2 min{};
  Vec2 max{};
  bool contains(Vec2 p) const {
    return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y;
  }
};
// Bounding box of a non-empty point set.
Aabb2 bounds(std::span<const Vec2> points);

// A rectangle turned by `yaw_rad` (counter-clockwise from x) about its centre.
struct OrientedRect {
  Vec2 centre;
  double half_along = 0.0, half_across = 0.0;  // along the yaw direction and across it
  double yaw_rad = 0.0;
};
// The rectangle around a footprint aligned with its longest edge: exact for rectangles at any
// angle, a bound for other shapes. Needs >= 2 distinct points.
OrientedRect oriented_bounds(std::span<const Vec2f> points);

// Distance from p to segment [a, b].
double distance_to_segment(Vec2 p, Vec2 a, Vec2 b);

// Signed area by the shoelace formula: > 0 for counter-clockwise rings.
double signed_area(std::span<const Vec2> ring);

// Appends the triangles of a simple counter-clockwise polygon (no closing point) to `out` as
// index triples, each counter-clockwise: ear clipping (Eberly, "Triangulation by Ear
// Clipping", Geometric Tools 2002), O(n^2), for footprints and land-cover outlines. A
// degenerate rest (collinear points) gives no triangle.
void triangulate(std::span<const Vec2> polygon, std::vector<std::array<std::size_t, 3>>& out);

// Throws parktwin::Error unless `points` has at least two points, all finite (the message names
// the offending "points[i]").
void check_polyline(std::span<const Vec2> points);

// A polyline's stored points, parametrised by arc length s in [0, length()]; it does not own
// them. Queries walk the segments in order: centre lines have a handful of points.
class PolylineView {
 public:
  PolylineView(std::span<const Vec2f> points, double length) : points_(points), length_(length) {}

  std::span<const Vec2f> points() const { return points_; }
  Vec2 front() const { return points_.front(); }
  Vec2 back() const { return points_.back(); }
  // The length of the points as given (double), not of their float copies.
  double length() const { return length_; }
  // Point at arc length s; s outside [0, length()] is clamped to the ends (callers that
  // must not leave the line assert on s themselves).
  Vec2 point_at(double s) const;
  // Heading of the segment that holds arc length s.
  double heading_at(double s) const;

 private:
  std::span<const Vec2f> points_;
  double length_;
};

// A polyline that owns its points in double precision, e.g. a shape being built.
class Polyline {
 public:
  // Needs at least two points; throws parktwin::Error otherwise or on non-finite coordinates.
  explicit Polyline(std::vector<Vec2> points);

  std::span<const Vec2> points() const { return points_; }
  double length() const { return length_; }
  Vec2 point_at(double s) const;
  double heading_at(double s) const;

 private:
  std::vector<Vec2> points_;
  double length_ = 0.0;
};

// Many polylines in shared storage (a network's lane and link centre lines): points live in
// blocks that never move, so growing the set copies nothing and leaves at most one block of
// slack, where a vector per shape would cost an allocation and its slack each.
class PolylineSet {
 public:
  // Appends a polyline (checked as check_polyline does) and returns its length.
  double add(std::span<const Vec2> points);
  std::size_t size() const { return spans_.size(); }
  PolylineView operator[](std::size_t i) const {
    const Span& s = spans_[i];
    return {std::span<const Vec2f>(blocks_[s.block]).subspan(s.first, s.count), length_[i]};
  }
  // Reorders the set: polyline i becomes the former polyline order[i]. The points stay put.
  // `order` must be a permutation of 0..size()-1.
  void permute(std::span<const std::uint32_t> order);
  std::size_t bytes() const;  // heap held, for memory reports

 private:
  static constexpr std::size_t kBlockPoints = std::size_t{1} << 15;  // 256 KiB
  struct Span {
    std::uint32_t block, first, count;
  };
  std::vector<std::vector<Vec2f>> blocks_;  // each filled up to its reserved capacity, no more
  std::vector<Span> spans_;
  std::vector<double> length_;
};

}  // namespace parktwin::geo
