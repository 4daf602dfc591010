#pragma once
// The viewer's camera: a perspective camera that orbits a point on the ground. Looking straight
// down (pitch 90) it shows the plane z = 0 exactly as a map at `metres_per_pixel` would;
// tilted, it shows the city in 3D. Zoom, pan and fly-to keep this one parameterisation, so
// the mouse, the demo tour and `parktwin render --camera` all speak the same language.
//
// Projection: reversed depth with an infinite far plane (depth = near / distance), which keeps
// float depth precise from a car's bumper to the horizon (Reed, "Depth precision visualized",
// NVIDIA 2015; Vulkan clip space: x right, y down, depth in [0, 1]).

#include <array>
#include <optional>

#include "engine/geometry.h"
#include "render/scene_view.h"

namespace parktwin::render {

struct Camera {
  // The ground point looked at (the image centre), relative to the scene's origin.
  double center_x_m = 0.0, center_y_m = 0.0;
  // Scale at that point; sets the camera's distance from it.
  double metres_per_pixel = 1.0;
  // How far below the horizon the camera looks: 90 straight down, kMinPitchDeg a low oblique.
  double pitch_deg = 90.0;
  // Compass direction the camera faces: 0 north (north up in a top view), 90 east.
  double heading_deg = 0.0;
  double fov_y_deg = 40.0;
  // Bands are drawn at least this many pixels wide, vehicles at least this long and wide.
  double min_band_px = 1.5;
  double min_vehicle_length_px = 4.0, min_vehicle_width_px = 2.0;
  // Junction links are drawn below this scale (a lane's width over about 2 pixels); farther
  // out they would be sub-pixel and cost most of a frame on a CPU device.
  double links_below_mpp = 1.5;

  static constexpr double kMinPitchDeg = 12.0;
  static constexpr double kMinMetresPerPixel = 0.02, kMaxMetresPerPixel = 500.0;
};

struct Vec3d {
  double x = 0.0, y = 0.0, z = 0.0;
};

// Where the camera is and how it is turned, for an image `height` pixels high.
struct CameraPose {
  Vec3d eye, right, up, forward;  // forward: into the picture; right and up: its axes
  double distance_m = 0.0;        // from the eye to the point looked at
  double tan_half_fov = 0.0;
  double near_m = 0.0;
};
CameraPose pose_of(const Camera& c, int height);

// Clip coordinates of a scene point: a column-major 4x4 matrix for the shaders.
std::array<float, 16> view_projection(const Camera& c, int width, int height);

// The ray through pixel (px, py) (from the top-left corner), from the eye.
struct PixelRay {
  Vec3d origin, direction;  // direction has unit length
};
PixelRay pixel_ray(const Camera& c, int width, int height, double px, double py);

// The ground point (z = 0) seen at a pixel; none above the horizon.
std::optional<geo::Vec2> ground_point(const Camera& c, int width, int height, double px, double py);

// Zooms by `factor` (< 1 closer) keeping the ground point under the pixel where it is.
void zoom_about(Camera& c, int width, int height, double px, double py, double factor);
// Moves the camera so that the ground point under (from) comes under (to): a drag.
void pan(Camera& c, int width, int height, double from_px, double from_py, double to_px,
         double to_py);
// Turns about the point looked at; pitch stays within [kMinPitchDeg, 90].
void orbit(Camera& c, double d_heading_deg, double d_pitch_deg);
// The camera a fraction t (0..1) of the way from a to b: the point looked at linearly, the
// scale geometrically (a zoom feels even), the heading the short way round.
Camera blend(const Camera& a, const Camera& b, double t);

// Looking straight down at the whole scene in a width x height image with `margin` (a
// fraction of the size) around it.
Camera fit_camera(const SceneView& scene, int width, int height, double margin = 0.03);

}  // namespace parktwin::render
