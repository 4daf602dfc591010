#pragma once
// A camera path for `parktwin render --video --camera-path FILE`: keyframes in a CSV file, one
// camera per row at a time into the video, eased from one to the next (it rests on each).
//
//   video_s,x,y,metres_per_pixel,pitch_deg,heading_deg
//   # the whole grid from above, then a flight to a junction seen from the south-east
//   0,250,250,2.0,90,0
//   8,400,400,0.3,40,120
//
// x, y: the point looked at in the network's coordinates (as --camera); metres_per_pixel the
// scale there; pitch_deg below the horizon (90: straight down); heading_deg the compass
// direction faced. Lines starting with '#' are comments. Before the first row the camera is the
// first row's, after the last the last's.

#include <string>
#include <vector>

#include "render/camera.h"
#include "render/scene_view.h"

namespace parktwin::cli {

class CameraKeyframes {
 public:
  // Reads `path` for `scene` (whose origin the coordinates are shifted by). Throws
  // parktwin::Error naming the file, line and column for anything but the format above
  // (times strictly increasing, every value in its range).
  static CameraKeyframes read_csv(const std::string& path, const render::SceneView& scene);

  render::Camera at(double video_s) const;
  std::size_t size() const { return keys_.size(); }

 private:
  struct Key {
    double video_s = 0.0;
    render::Camera camera;
  };
  std::vector<Key> keys_;
};

}  // namespace parktwin::cli
