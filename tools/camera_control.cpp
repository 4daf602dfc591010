#include "tools/camera_control.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "engine/error.h"

namespace parktwin::cli {

double ease(double u) { return 0.5 - 0.5 * std::cos(std::numbers::pi * std::clamp(u, 0.0, 1.0)); }

DemoTour::DemoTour(const traffic::Network& net, const render::SceneView& scene, int width,
                   int height) {
  stops_.push_back(render::fit_camera(scene, width, height));
  const std::size_t G = net.signal_count();
  for (const double f : {0.3, 0.55, 0.8}) {
    if (G == 0) break;
    const auto g = static_cast<traffic::Index>(
        std::min(static_cast<double>(G - 1), f * static_cast<double>(G)));
    const geo::Vec2 p = net.junction_pos[net.signal_junction[g]];
    render::Camera c = stops_.front();
    c.center_x_m = p.x - scene.origin.x;
    c.center_y_m = p.y - scene.origin.y;
    c.metres_per_pixel = 0.35;
    // Close-ups seen at an angle from a different side each, so the 3D city shows.
    c.pitch_deg = 40.0;
    c.heading_deg = 120.0 * static_cast<double>(stops_.size() - 1);
    stops_.push_back(c);
  }
}

render::Camera DemoTour::at(double t) const {
  const double leg = kHold_s + kMove_s;
  const auto n = stops_.size();
  const auto i = static_cast<std::size_t>(std::floor(t / leg)) % n;
  const double u = std::fmod(t, leg);
  if (u < kHold_s || n == 1) return stops_[i];
  const double e = ease((u - kHold_s) / kMove_s);
  return render::blend(stops_[i], stops_[(i + 1) % n], e);
}

void CameraFlight::start(const render::Camera& from, const render::Camera& to, double now_s,
                         double duration_s) {
  from_ = from;
  to_ = to;
  start_s_ = now_s;
  duration_s_ = duration_s;
  active_ = true;
}

render::Camera CameraFlight::at(double now_s) const {
  return render::blend(from_, to_, ease((now_s - start_s_) / duration_s_));
}

render::Camera parse_camera(const std::string& text, const render::SceneView& scene) {
  double x = 0, y = 0, mpp = 0, pitch = 90.0, heading = 0.0;
  char rest = 0;
  const int n =
      std::sscanf(text.c_str(), "%lf,%lf,%lf,%lf,%lf%c", &x, &y, &mpp, &pitch, &heading, &rest);
  if (n < 3 || n > 5 || !std::isfinite(x) || !std::isfinite(y) || !std::isfinite(mpp) ||
      !(mpp >= render::Camera::kMinMetresPerPixel && mpp <= render::Camera::kMaxMetresPerPixel) ||
      !(pitch >= render::Camera::kMinPitchDeg && pitch <= 90.0) || !std::isfinite(heading)) {
    throw Error("bad camera")
        .field("--camera")
        .expected(fmt::format(
            "X,Y,METRES_PER_PIXEL[,PITCH[,HEADING]]: the point looked at in the network's "
            "metres, the scale there ({}..{}), degrees below the horizon ({}..90, 90 straight "
            "down) and the compass direction faced (0 north)",
            render::Camera::kMinMetresPerPixel, render::Camera::kMaxMetresPerPixel,
            render::Camera::kMinPitchDeg))
        .found(text);
  }
  render::Camera c;
  c.center_x_m = x - scene.origin.x;
  c.center_y_m = y - scene.origin.y;
  c.metres_per_pixel = mpp;
  c.pitch_deg = pitch;
  c.heading_deg = heading;
  return c;
}

}  // namespace parktwin::cli
