// The viewer's camera (render/camera.h): projection, pixel rays, and the moves the mouse makes,
// checked against geometry worked out by hand.

#include <catch2/catch.hpp>

#include <cmath>

#include "render/camera.h"

using namespace parktwin;

namespace {

// Pixel of a scene point under the camera's matrix, as the shaders place it.
struct Projected {
  double px, py, depth, w;
};
Projected project(const render::Camera& c, int width, int height, double x, double y, double z) {
  const auto m = render::view_projection(c, width, height);
  double clip[4];
  for (int row = 0; row < 4; ++row) {
    const auto at = [&](int col) { return static_cast<double>(m[col * 4 + row]); };
    clip[row] = at(0) * x + at(1) * y + at(2) * z + at(3);
  }
  return {(clip[0] / clip[3] + 1.0) * 0.5 * width, (clip[1] / clip[3] + 1.0) * 0.5 * height,
          clip[2] / clip[3], clip[3]};
}

}  // namespace

TEST_CASE("a camera looking straight down maps the ground like a map", "[camera]") {
  render::Camera c;
  c.center_x_m = 100.0;
  c.center_y_m = -50.0;
  c.metres_per_pixel = 0.5;
  // The centre pixel sees the point looked at; 100 px right and 40 px down is 50 m east and
  // 20 m south of it (north up).
  const auto centre = render::ground_point(c, 800, 600, 400.0, 300.0);
  REQUIRE(centre);
  CHECK(centre->x == Approx(100.0).margin(1e-6));
  CHECK(centre->y == Approx(-50.0).margin(1e-6));
  const auto p = render::ground_point(c, 800, 600, 500.0, 340.0);
  REQUIRE(p);
  CHECK(p->x == Approx(150.0).margin(1e-3));
  CHECK(p->y == Approx(-70.0).margin(1e-3));
  // The shaders' matrix puts the ground point back on its pixel (float precision).
  const Projected q = project(c, 800, 600, 150.0, -70.0, 0.0);
  CHECK(q.px == Approx(500.0).margin(0.01));
  CHECK(q.py == Approx(340.0).margin(0.01));
  // Reversed depth: in (0, 1], nearer is greater; a roof 3 m up is nearer than the ground.
  CHECK(q.depth > 0.0);
  CHECK(q.depth <= 1.0);
  CHECK(project(c, 800, 600, 150.0, -70.0, 3.0).depth > q.depth);
  // Clip w is the distance along the view: metres per pixel = 2 w tan(fov / 2) / height.
  const render::CameraPose pose = render::pose_of(c, 600);
  CHECK(2.0 * project(c, 800, 600, 100.0, -50.0, 0.0).w * pose.tan_half_fov / 600.0 ==
        Approx(0.5).epsilon(1e-5));
}

TEST_CASE("a tilted camera sees its point from the side it faces", "[camera]") {
  render::Camera c;
  c.metres_per_pixel = 0.2;
  c.pitch_deg = 30.0;
  c.heading_deg = 90.0;  // facing east: the eye is west of the point, above it
  const render::CameraPose p = render::pose_of(c, 600);
  CHECK(p.eye.x < -p.distance_m * 0.8);
  CHECK(p.eye.y == Approx(0.0).margin(1e-9));
  CHECK(p.eye.z == Approx(p.distance_m * 0.5).epsilon(1e-9));  // sin 30 degrees
  // Nearer ground (west) is lower in the picture; farther ground (east) higher, and smaller.
  const Projected near = project(c, 800, 600, -20.0, 0.0, 0.0);
  const Projected far = project(c, 800, 600, 20.0, 0.0, 0.0);
  CHECK(near.py > 300.0);
  CHECK(far.py < 300.0);
  CHECK(near.py - 300.0 > 300.0 - far.py);
  // North is to the left when facing east.
  CHECK(project(c, 800, 600, 0.0, 10.0, 0.0).px < 400.0);
  // The top edge of the picture is fov / 2 = 20 degrees above the centre: at a pitch of 15 it
  // is above the horizon and meets no ground.
  render::Camera low = c;
  low.pitch_deg = 15.0;
  CHECK_FALSE(render::ground_point(low, 800, 600, 400.0, 0.0));
  CHECK(render::ground_point(low, 800, 600, 400.0, 100.0));
  // Pixel rays and the matrix agree anywhere on the ground.
  for (const auto& [px, py] : {std::pair{100.0, 500.0}, {700.0, 250.0}, {400.0, 300.0}}) {
    const auto g = render::ground_point(c, 800, 600, px, py);
    REQUIRE(g);
    const Projected back = project(c, 800, 600, g->x, g->y, 0.0);
    CHECK(back.px == Approx(px).margin(0.02));
    CHECK(back.py == Approx(py).margin(0.02));
  }
}

TEST_CASE("zoom keeps the point under the cursor, pan drags the ground", "[camera]") {
  render::Camera c;
  c.metres_per_pixel = 1.0;
  c.pitch_deg = 50.0;
  c.heading_deg = 20.0;
  const auto before = render::ground_point(c, 1000, 700, 820.0, 610.0);
  REQUIRE(before);
  render::zoom_about(c, 1000, 700, 820.0, 610.0, 0.5);
  CHECK(c.metres_per_pixel == Approx(0.5));
  const auto after = render::ground_point(c, 1000, 700, 820.0, 610.0);
  REQUIRE(after);
  CHECK(after->x == Approx(before->x).margin(1e-6));
  CHECK(after->y == Approx(before->y).margin(1e-6));
  // Zoom stops at its limits instead of flipping or vanishing.
  for (int i = 0; i < 100; ++i) render::zoom_about(c, 1000, 700, 500.0, 350.0, 0.5);
  CHECK(c.metres_per_pixel == Approx(render::Camera::kMinMetresPerPixel));

  const auto grabbed = render::ground_point(c, 1000, 700, 300.0, 400.0);
  render::pan(c, 1000, 700, 300.0, 400.0, 340.0, 380.0);
  const auto now = render::ground_point(c, 1000, 700, 340.0, 380.0);
  CHECK(now->x == Approx(grabbed->x).margin(1e-6));
  CHECK(now->y == Approx(grabbed->y).margin(1e-6));
}

TEST_CASE("orbit wraps the heading and clamps the pitch, blend takes the short way", "[camera]") {
  render::Camera c;
  render::orbit(c, -30.0, 10.0);
  CHECK(c.heading_deg == Approx(330.0));
  CHECK(c.pitch_deg == 90.0);
  render::orbit(c, 0.0, -200.0);
  CHECK(c.pitch_deg == render::Camera::kMinPitchDeg);

  render::Camera a, b;
  a.heading_deg = 350.0;
  b.heading_deg = 10.0;
  a.metres_per_pixel = 4.0;
  b.metres_per_pixel = 0.25;
  b.center_x_m = 100.0;
  const render::Camera mid = render::blend(a, b, 0.5);
  CHECK(std::fmod(mid.heading_deg + 360.0, 360.0) == Approx(0.0).margin(1e-9));
  CHECK(mid.metres_per_pixel == Approx(1.0));  // geometric: sqrt(4 * 0.25)
  CHECK(mid.center_x_m == Approx(50.0));
  CHECK(render::blend(a, b, 1.0).center_x_m == Approx(100.0));
}
