#pragma once
// Small geometry helpers in a local planar frame (metres, x east, y north), enough for lane
// centre lines, junction shapes and building footprints.

#include <cmath>
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

// Distance from p to segment [a, b].
double distance_to_segment(Vec2 p, Vec2 a, Vec2 b);

// Signed area by the shoelace formula: > 0 for counter-clockwise rings.
double signed_area(std::span<const Vec2> ring);

// A polyline parametrised by arc length s in [0, length()], e.g. a lane's centre line.
class Polyline {
 public:
  Polyline() = default;
  // Needs at least two points; throws parktwin::Error otherwise or on non-finite coordinates.
  explicit Polyline(std::vector<Vec2> points);

  double length() const { return cumulative_.empty() ? 0.0 : cumulative_.back(); }
  std::span<const Vec2> points() const { return points_; }
  // Point at arc length s; s outside [0, length()] is clamped to the ends (callers that
  // must not leave the line assert on s themselves).
  Vec2 point_at(double s) const;
  // Heading of the segment that holds arc length s.
  double heading_at(double s) const;

 private:
  std::size_t segment_at(double s) const;

  std::vector<Vec2> points_;
  std::vector<double> cumulative_;  // cumulative_[i] = arc length at points_[i]
};

}  // namespace parktwin::geo
