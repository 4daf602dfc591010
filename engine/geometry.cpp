#include "engine/geometry.h"

#include <algorithm>
#include <string>

#include "engine/error.h"

namespace parktwin::geo {

Vec2 left_normal(Vec2 v) {
  const double len = length(v);
  if (len == 0.0) return {};
  return {-v.y / len, v.x / len};
}

Aabb2 bounds(std::span<const Vec2> points) {
  Aabb2 box{points.front(), points.front()};
  for (const Vec2 p : points) {
    box.min = {std::min(box.min.x, p.x), std::min(box.min.y, p.y)};
    box.max = {std::max(box.max.x, p.x), std::max(box.max.y, p.y)};
  }
  return box;
}

double distance_to_segment(Vec2 p, Vec2 a, Vec2 b) {
  const Vec2 ab = b - a;
  const double len2 = dot(ab, ab);
  const double t = len2 == 0.0 ? 0.0 : std::clamp(dot(p - a, ab) / len2, 0.0, 1.0);
  return distance(p, lerp(a, b, t));
}

double signed_area(std::span<const Vec2> ring) {
  double twice = 0.0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) twice += cross(ring[i], ring[(i + 1) % n]);
  return 0.5 * twice;
}

Polyline::Polyline(std::vector<Vec2> points) : points_(std::move(points)) {
  if (points_.size() < 2) {
    throw Error("a polyline needs at least two points")
        .expected(">= 2 points")
        .found(std::to_string(points_.size()));
  }
  for (std::size_t i = 0; i < points_.size(); ++i) {
    if (!std::isfinite(points_[i].x) || !std::isfinite(points_[i].y)) {
      throw Error("polyline point is not finite").field("points[" + std::to_string(i) + "]");
    }
  }
  cumulative_.reserve(points_.size());
  cumulative_.push_back(0.0);
  for (std::size_t i = 1; i < points_.size(); ++i) {
    cumulative_.push_back(cumulative_.back() + distance(points_[i - 1], points_[i]));
  }
}

std::size_t Polyline::segment_at(double s) const {
  // First cumulative length > s, minus one, kept within the segments.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), s);
  const auto idx = static_cast<std::size_t>(std::max<std::ptrdiff_t>(it - cumulative_.begin(), 1));
  return std::min(idx, points_.size() - 1) - 1;
}

Vec2 Polyline::point_at(double s) const {
  const double clamped = std::clamp(s, 0.0, length());
  const std::size_t i = segment_at(clamped);
  const double seg = cumulative_[i + 1] - cumulative_[i];
  const double t = seg > 0.0 ? (clamped - cumulative_[i]) / seg : 0.0;
  return lerp(points_[i], points_[i + 1], t);
}

double Polyline::heading_at(double s) const {
  const std::size_t i = segment_at(std::clamp(s, 0.0, length()));
  return heading(points_[i + 1] - points_[i]);
}

}  // namespace parktwin::geo
