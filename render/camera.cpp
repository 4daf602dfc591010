#include "render/camera.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace parktwin::render {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

Vec3d operator+(Vec3d a, Vec3d b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3d operator-(Vec3d a, Vec3d b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec3d operator*(Vec3d a, double s) { return {a.x * s, a.y * s, a.z * s}; }
double dot(Vec3d a, Vec3d b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3d cross(Vec3d a, Vec3d b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

}  // namespace

CameraPose pose_of(const Camera& c, int height) {
  CameraPose p;
  const double pitch = std::clamp(c.pitch_deg, Camera::kMinPitchDeg, 90.0) * kDegree;
  const double heading = c.heading_deg * kDegree;
  p.forward = {std::cos(pitch) * std::sin(heading), std::cos(pitch) * std::cos(heading),
               -std::sin(pitch)};
  // Right is horizontal; from it, up, so that a top view (pitch 90) keeps the heading up.
  p.right = {std::cos(heading), -std::sin(heading), 0.0};
  p.up = cross(p.right, p.forward);
  p.tan_half_fov = std::tan(0.5 * c.fov_y_deg * kDegree);
  // At distance d, one pixel spans 2 d tan(fov / 2) / height metres.
  p.distance_m = c.metres_per_pixel * height / (2.0 * p.tan_half_fov);
  p.eye = Vec3d{c.center_x_m, c.center_y_m, 0.0} - p.forward * p.distance_m;
  p.near_m = std::max(0.05, 0.02 * p.distance_m);
  return p;
}

std::array<float, 16> view_projection(const Camera& c, int width, int height) {
  const CameraPose p = pose_of(c, height);
  const double sy = 1.0 / p.tan_half_fov;
  const double sx = sy * height / width;
  // Rows of the matrix: clip x = sx * right, clip y = -sy * up (Vulkan's y points down),
  // clip z = near (so depth = near / w), clip w = distance along forward.
  const double rows[4][4] = {
      {sx * p.right.x, sx * p.right.y, sx * p.right.z, -sx * dot(p.right, p.eye)},
      {-sy * p.up.x, -sy * p.up.y, -sy * p.up.z, sy * dot(p.up, p.eye)},
      {0.0, 0.0, 0.0, p.near_m},
      {p.forward.x, p.forward.y, p.forward.z, -dot(p.forward, p.eye)},
  };
  std::array<float, 16> m{};
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 4; ++col) m[col * 4 + row] = static_cast<float>(rows[row][col]);
  }
  return m;
}

PixelRay pixel_ray(const Camera& c, int width, int height, double px, double py) {
  const CameraPose p = pose_of(c, height);
  const double ndc_x = 2.0 * px / width - 1.0, ndc_y = 2.0 * py / height - 1.0;
  const double aspect = static_cast<double>(width) / height;
  const Vec3d d =
      p.forward + p.right * (ndc_x * p.tan_half_fov * aspect) - p.up * (ndc_y * p.tan_half_fov);
  return {p.eye, d * (1.0 / std::sqrt(dot(d, d)))};
}

std::optional<geo::Vec2> ground_point(const Camera& c, int width, int height, double px,
                                      double py) {
  const PixelRay r = pixel_ray(c, width, height, px, py);
  if (r.direction.z > -1e-9) return std::nullopt;  // at or above the horizon
  const double t = -r.origin.z / r.direction.z;
  return geo::Vec2{r.origin.x + t * r.direction.x, r.origin.y + t * r.direction.y};
}

// Moving the point looked at moves the whole view by the same vector, so shifting it by the
// error of one ground point makes that point exact.
void zoom_about(Camera& c, int width, int height, double px, double py, double factor) {
  const std::optional<geo::Vec2> before = ground_point(c, width, height, px, py);
  c.metres_per_pixel = std::clamp(c.metres_per_pixel * factor, Camera::kMinMetresPerPixel,
                                  Camera::kMaxMetresPerPixel);
  const std::optional<geo::Vec2> after = ground_point(c, width, height, px, py);
  if (!before || !after) return;
  c.center_x_m += before->x - after->x;
  c.center_y_m += before->y - after->y;
}

void pan(Camera& c, int width, int height, double from_px, double from_py, double to_px,
         double to_py) {
  const std::optional<geo::Vec2> from = ground_point(c, width, height, from_px, from_py);
  const std::optional<geo::Vec2> to = ground_point(c, width, height, to_px, to_py);
  if (!from || !to) return;
  c.center_x_m += from->x - to->x;
  c.center_y_m += from->y - to->y;
}

void orbit(Camera& c, double d_heading_deg, double d_pitch_deg) {
  c.heading_deg = std::fmod(c.heading_deg + d_heading_deg, 360.0);
  if (c.heading_deg < 0.0) c.heading_deg += 360.0;
  c.pitch_deg = std::clamp(c.pitch_deg + d_pitch_deg, Camera::kMinPitchDeg, 90.0);
}

Camera blend(const Camera& a, const Camera& b, double t) {
  Camera c = a;
  c.center_x_m = a.center_x_m + (b.center_x_m - a.center_x_m) * t;
  c.center_y_m = a.center_y_m + (b.center_y_m - a.center_y_m) * t;
  c.metres_per_pixel =
      std::exp(std::log(a.metres_per_pixel) * (1.0 - t) + std::log(b.metres_per_pixel) * t);
  c.pitch_deg = a.pitch_deg + (b.pitch_deg - a.pitch_deg) * t;
  double turn = std::fmod(b.heading_deg - a.heading_deg, 360.0);
  if (turn > 180.0) turn -= 360.0;
  if (turn < -180.0) turn += 360.0;
  c.heading_deg = a.heading_deg + turn * t;
  return c;
}

Camera fit_camera(const SceneView& scene, int width, int height, double margin) {
  Camera c;
  const double x0 = scene.min_x_m, x1 = scene.max_x_m, y0 = scene.min_y_m, y1 = scene.max_y_m;
  c.center_x_m = 0.5 * (x0 + x1);
  c.center_y_m = 0.5 * (y0 + y1);
  const double w = std::max(1.0, x1 - x0);
  const double h = std::max(1.0, y1 - y0);
  c.metres_per_pixel = std::max(w / width, h / height) * (1.0 + 2.0 * margin);
  return c;
}

}  // namespace parktwin::render
