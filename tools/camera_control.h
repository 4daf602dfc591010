#pragma once
// How `parktwin render` and `parktwin view` place and move the camera: the --camera option,
// and moves that play out over wall time: the --demo tour, the flight to what is inspected.

#include <string>
#include <vector>

#include "render/camera.h"
#include "render/scene_view.h"
#include "sim/traffic/network.h"

namespace parktwin::cli {

// --camera X,Y,METRES_PER_PIXEL[,PITCH[,HEADING]] (X, Y in the network's coordinates) as a
// camera for `scene`. Throws parktwin::Error naming --camera and the form expected.
render::Camera parse_camera(const std::string& text, const render::SceneView& scene);

// 0 -> 0, 1 -> 1 with zero slope at both ends (a half cosine; u clamped to 0..1): moves that
// start and stop gently.
double ease(double u);

// The camera of the demo tour at wall time t: the whole network from above, then close-ups
// of a few signalised junctions seen at an angle, each held for a while, with eased moves.
class DemoTour {
 public:
  DemoTour(const traffic::Network& net, const render::SceneView& scene, int width, int height);
  render::Camera at(double t) const;

 private:
  static constexpr double kHold_s = 7.0, kMove_s = 3.0;
  std::vector<render::Camera> stops_;
};

// A flight from one camera to another, eased in and out over `duration_s` of wall time.
class CameraFlight {
 public:
  void start(const render::Camera& from, const render::Camera& to, double now_s,
             double duration_s = 1.2);
  bool active(double now_s) const { return active_ && now_s < start_s_ + duration_s_; }
  render::Camera at(double now_s) const;
  void stop() { active_ = false; }

 private:
  render::Camera from_, to_;
  double start_s_ = 0.0, duration_s_ = 1.0;
  bool active_ = false;
};

}  // namespace parktwin::cli
