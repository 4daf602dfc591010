#include "tools/camera_keyframes.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>

#include "engine/error.h"
#include "engine/input_file.h"
#include "scenarios/csv_cells.h"
#include "tools/camera_control.h"

namespace parktwin::cli {

CameraKeyframes CameraKeyframes::read_csv(const std::string& path, const render::SceneView& scene) {
  require_input_file(path, "a camera path CSV");
  std::ifstream in(path);
  if (!in) throw Error("cannot open file").in_file(path).expected("a readable camera path CSV");
  constexpr std::array<const char*, 6> kColumns = {"video_s",          "x",         "y",
                                                   "metres_per_pixel", "pitch_deg", "heading_deg"};
  const std::string header = "video_s,x,y,metres_per_pixel,pitch_deg,heading_deg";
  constexpr std::size_t kMaxRows = 100000;
  using render::Camera;
  const std::array<std::string, 6> ranges = {
      "seconds into the video, >= 0 and after the row before",
      "metres in the network's coordinates",
      "metres in the network's coordinates",
      fmt::format("{}..{}", Camera::kMinMetresPerPixel, Camera::kMaxMetresPerPixel),
      fmt::format("{}..90 degrees below the horizon", Camera::kMinPitchDeg),
      "degrees, the compass direction faced (0 north)"};
  const auto fail = [&](int line, int column, const std::string& msg, const std::string& expected,
                        const std::string& found) {
    scenarios::throw_csv_error(path, line, column,
                               column >= 1 ? kColumns[static_cast<std::size_t>(column - 1)] : "row",
                               msg, expected, found);
  };
  CameraKeyframes out;
  bool have_header = false;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (scenarios::is_comment_or_blank(line)) continue;
    const std::vector<std::string> cells = scenarios::split_csv(line);
    if (!have_header) {
      if (cells.size() != kColumns.size() ||
          !std::equal(cells.begin(), cells.end(), kColumns.begin())) {
        scenarios::throw_csv_error(path, line_no, 1, "header", "not a camera path header", header,
                                   line.substr(0, 80));
      }
      have_header = true;
      continue;
    }
    if (cells.size() != kColumns.size()) {
      fail(line_no, 0, "wrong number of cells", header, std::to_string(cells.size()));
    }
    std::array<double, 6> v{};
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (!scenarios::parse_double(cells[c], v[c]) || !std::isfinite(v[c])) {
        fail(line_no, static_cast<int>(c + 1), "not a number", ranges[c], "'" + cells[c] + "'");
      }
    }
    const bool in_time = v[0] >= 0.0 && (out.keys_.empty() || v[0] > out.keys_.back().video_s);
    const bool ok[6] = {in_time,
                        true,
                        true,
                        v[3] >= Camera::kMinMetresPerPixel && v[3] <= Camera::kMaxMetresPerPixel,
                        v[4] >= Camera::kMinPitchDeg && v[4] <= 90.0,
                        true};
    for (std::size_t c = 0; c < 6; ++c) {
      if (!ok[c]) fail(line_no, static_cast<int>(c + 1), "out of range", ranges[c], cells[c]);
    }
    if (out.keys_.size() == kMaxRows) {
      fail(line_no, 0, "too many rows", fmt::format("at most {} keyframes", kMaxRows), "more");
    }
    Key key;
    key.video_s = v[0];
    key.camera.center_x_m = v[1] - scene.origin.x;
    key.camera.center_y_m = v[2] - scene.origin.y;
    key.camera.metres_per_pixel = v[3];
    key.camera.pitch_deg = v[4];
    key.camera.heading_deg = v[5];
    out.keys_.push_back(key);
  }
  if (!have_header) {
    scenarios::throw_csv_error(path, line_no, 0, "header", "no header", header, "an empty file");
  }
  if (out.keys_.empty()) {
    scenarios::throw_csv_error(path, line_no, 0, "row", "no keyframes", "at least one row",
                               "only the header");
  }
  return out;
}

render::Camera CameraKeyframes::at(double video_s) const {
  const auto next = std::upper_bound(keys_.begin(), keys_.end(), video_s,
                                     [](double t, const Key& k) { return t < k.video_s; });
  if (next == keys_.begin()) return keys_.front().camera;
  if (next == keys_.end()) return keys_.back().camera;
  const Key& a = *(next - 1);
  const Key& b = *next;
  return render::blend(a.camera, b.camera, ease((video_s - a.video_s) / (b.video_s - a.video_s)));
}

}  // namespace parktwin::cli
