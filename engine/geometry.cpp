#include "engine/geometry.h"

#include <algorithm>
#include <string>

#include "engine/assert.h"
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

OrientedRect oriented_bounds(std::span<const Vec2f> points) {
  Vec2 axis{1.0, 0.0};
  double longest = 0.0;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const Vec2 d = Vec2(points[i + 1]) - Vec2(points[i]);
    if (length(d) > longest) {
      longest = length(d);
      axis = d * (1.0 / longest);
    }
  }
  const Vec2 across{-axis.y, axis.x};
  double lo_a = 1e300, hi_a = -1e300, lo_c = 1e300, hi_c = -1e300;
  for (const Vec2f p : points) {
    const double a = dot(Vec2(p), axis), c = dot(Vec2(p), across);
    lo_a = std::min(lo_a, a);
    hi_a = std::max(hi_a, a);
    lo_c = std::min(lo_c, c);
    hi_c = std::max(hi_c, c);
  }
  return {axis * (0.5 * (lo_a + hi_a)) + across * (0.5 * (lo_c + hi_c)), 0.5 * (hi_a - lo_a),
          0.5 * (hi_c - lo_c), std::atan2(axis.y, axis.x)};
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

namespace {

bool inside_triangle(Vec2 p, Vec2 a, Vec2 b, Vec2 c) {
  return cross(b - a, p - a) >= 0.0 && cross(c - b, p - b) >= 0.0 && cross(a - c, p - c) >= 0.0;
}

}  // namespace

void triangulate(std::span<const Vec2> poly, std::vector<std::array<std::size_t, 3>>& out) {
  std::vector<std::size_t> left(poly.size());
  for (std::size_t i = 0; i < poly.size(); ++i) left[i] = i;
  std::size_t guard = 0;
  while (left.size() > 3 && guard++ < 4 * poly.size() * poly.size()) {
    bool clipped = false;
    for (std::size_t i = 0; i < left.size(); ++i) {
      const std::size_t ia = left[(i + left.size() - 1) % left.size()], ib = left[i],
                        ic = left[(i + 1) % left.size()];
      const Vec2 a = poly[ia], b = poly[ib], c = poly[ic];
      if (cross(b - a, c - a) <= 0.0) continue;  // reflex: not an ear
      bool empty = true;
      for (const std::size_t j : left) {
        if (j != ia && j != ib && j != ic && inside_triangle(poly[j], a, b, c)) {
          empty = false;
          break;
        }
      }
      if (!empty) continue;
      out.push_back({ia, ib, ic});
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(i));
      clipped = true;
      break;
    }
    if (!clipped) break;  // degenerate rest (collinear points): nothing left worth a triangle
  }
  if (left.size() == 3) out.push_back({left[0], left[1], left[2]});
}

void check_polyline(std::span<const Vec2> points) {
  if (points.size() < 2) {
    throw Error("a polyline needs at least two points")
        .expected(">= 2 points")
        .found(std::to_string(points.size()));
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].x) || !std::isfinite(points[i].y)) {
      throw Error("polyline point is not finite").field("points[" + std::to_string(i) + "]");
    }
  }
}

namespace {

double arc_length(std::span<const Vec2> points) {
  double sum = 0.0;
  for (std::size_t i = 1; i < points.size(); ++i) sum += distance(points[i - 1], points[i]);
  return sum;
}

}  // namespace

namespace {

// Index of the segment of `points` holding arc length s (clamped to [0, length]), and s's
// offset into it.
template <class Point>
std::size_t segment_at(std::span<const Point> points, double length, double s, double& offset) {
  offset = std::clamp(s, 0.0, length);
  std::size_t i = 0;
  for (; i + 2 < points.size(); ++i) {
    const double seg = distance(points[i], points[i + 1]);
    if (offset < seg) break;
    offset -= seg;
  }
  return i;
}

template <class Point>
Vec2 point_along(std::span<const Point> points, double length, double s) {
  double offset = 0.0;
  const std::size_t i = segment_at(points, length, s, offset);
  const Vec2 a = points[i], b = points[i + 1];
  const double seg = distance(a, b);
  const double t = seg > 0.0 ? std::min(offset / seg, 1.0) : 0.0;
  return lerp(a, b, t);
}

template <class Point>
double heading_along(std::span<const Point> points, double length, double s) {
  double offset = 0.0;
  const std::size_t i = segment_at(points, length, s, offset);
  return heading(Vec2(points[i + 1]) - Vec2(points[i]));
}

}  // namespace

Vec2 PolylineView::point_at(double s) const { return point_along(points_, length_, s); }
double PolylineView::heading_at(double s) const { return heading_along(points_, length_, s); }
Vec2 Polyline::point_at(double s) const {
  return point_along(std::span<const Vec2>(points_), length_, s);
}
double Polyline::heading_at(double s) const {
  return heading_along(std::span<const Vec2>(points_), length_, s);
}

Polyline::Polyline(std::vector<Vec2> points) : points_(std::move(points)) {
  check_polyline(points_);
  length_ = arc_length(points_);
}

double PolylineSet::add(std::span<const Vec2> points) {
  check_polyline(points);
  if (blocks_.empty() || blocks_.back().size() + points.size() > blocks_.back().capacity()) {
    if (blocks_.size() >= UINT32_MAX) throw Error("too many polyline blocks");
    blocks_.emplace_back().reserve(std::max(kBlockPoints, points.size()));
  }
  std::vector<Vec2f>& block = blocks_.back();
  spans_.push_back({static_cast<std::uint32_t>(blocks_.size() - 1),
                    static_cast<std::uint32_t>(block.size()),
                    static_cast<std::uint32_t>(points.size())});
  for (const Vec2 p : points) block.emplace_back(p);
  length_.push_back(arc_length(points));
  return length_.back();
}

void PolylineSet::permute(std::span<const std::uint32_t> order) {
  PT_ASSERT(order.size() == spans_.size(), "order must be a permutation of the polylines");
  std::vector<Span> spans(order.size());
  std::vector<double> length(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    spans[i] = spans_[order[i]];
    length[i] = length_[order[i]];
  }
  spans_ = std::move(spans);
  length_ = std::move(length);
}

std::size_t PolylineSet::bytes() const {
  std::size_t sum = blocks_.capacity() * sizeof(std::vector<Vec2f>) +
                    spans_.capacity() * sizeof(Span) + length_.capacity() * sizeof(double);
  for (const auto& b : blocks_) sum += b.capacity() * sizeof(Vec2f);
  return sum;
}

}  // namespace parktwin::geo
