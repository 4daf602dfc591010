#include <catch2/catch.hpp>

#include <string>

#include "render/scene_view.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"
#include "tools/camera_keyframes.h"

using parktwin::cli::CameraKeyframes;
using parktwin::test::error_of;
using parktwin::test::TempDir;

namespace {

constexpr const char* kHeader = "video_s,x,y,metres_per_pixel,pitch_deg,heading_deg\n";

parktwin::render::SceneView scene_at(double x, double y) {
  parktwin::render::SceneView scene;
  scene.origin = {x, y};
  return scene;
}

}  // namespace

TEST_CASE("Camera keyframes hold before the first and after the last, and pass through each",
          "[cli]") {
  TempDir dir;
  const std::string path = dir.write(
      "path.csv", std::string(kHeader) + "# comment lines and blank lines are skipped\n\n" +
                      "1,100,200,2,90,0\n3,300,200,0.5,40,90\n");
  const CameraKeyframes keys = CameraKeyframes::read_csv(path, scene_at(100.0, 50.0));
  REQUIRE(keys.size() == 2);
  for (const double t : {0.0, 1.0}) {
    const auto c = keys.at(t);
    CHECK(c.center_x_m == 0.0);  // x 100 less the scene's origin
    CHECK(c.center_y_m == 150.0);
    CHECK(c.metres_per_pixel == 2.0);
    CHECK(c.pitch_deg == 90.0);
  }
  for (const double t : {3.0, 10.0}) {
    const auto c = keys.at(t);
    CHECK(c.center_x_m == Approx(200.0));
    CHECK(c.metres_per_pixel == Approx(0.5));
    CHECK(c.pitch_deg == Approx(40.0));
    CHECK(c.heading_deg == Approx(90.0));
  }
  // Half way in time is half way along (the easing is symmetric), the zoom geometric.
  const auto mid = keys.at(2.0);
  CHECK(mid.center_x_m == Approx(100.0));
  CHECK(mid.metres_per_pixel == Approx(1.0));
  CHECK(mid.pitch_deg == Approx(65.0));
  // Eased: a quarter of the way in time is less than a quarter of the way along.
  CHECK(keys.at(1.5).center_x_m < 50.0);
  CHECK(keys.at(1.5).center_x_m > 0.0);
}

TEST_CASE("A bad camera keyframe file names the file, line, column and field", "[cli]") {
  TempDir dir;
  const auto error = [&](const std::string& text) {
    const std::string path = dir.write("bad.csv", text);
    return std::string(error_of([&] { CameraKeyframes::read_csv(path, scene_at(0, 0)); }).what());
  };
  CHECK_THAT(error(""), Catch::Contains("bad.csv") && Catch::Contains("no header"));
  CHECK_THAT(error("time,x,y\n"), Catch::Contains("bad.csv:1:1: header: not a camera path header"));
  CHECK_THAT(error(kHeader), Catch::Contains("no keyframes"));
  CHECK_THAT(error(std::string(kHeader) + "0,1,2,3\n"),
             Catch::Contains("bad.csv:2") && Catch::Contains("wrong number of cells"));
  CHECK_THAT(error(std::string(kHeader) + "0,1,two,3,90,0\n"),
             Catch::Contains("bad.csv:2:3: y: not a number"));
  CHECK_THAT(error(std::string(kHeader) + "0,1,2,3,90,nan\n"),
             Catch::Contains("bad.csv:2:6: heading_deg: not a number"));
  CHECK_THAT(error(std::string(kHeader) + "-1,1,2,3,90,0\n"),
             Catch::Contains("bad.csv:2:1: video_s: out of range"));
  CHECK_THAT(error(std::string(kHeader) + "2,1,2,3,90,0\n2,1,2,3,90,0\n"),
             Catch::Contains("bad.csv:3:1: video_s: out of range"));
  CHECK_THAT(error(std::string(kHeader) + "0,1,2,0,90,0\n"),
             Catch::Contains("bad.csv:2:4: metres_per_pixel: out of range"));
  CHECK_THAT(error(std::string(kHeader) + "0,1,2,1,91,0\n"),
             Catch::Contains("bad.csv:2:5: pitch_deg: out of range"));
  CHECK_THAT(error_of([&] {
               CameraKeyframes::read_csv((dir.path() / "none.csv").string(), scene_at(0, 0));
             }).what(),
             Catch::Contains("none.csv"));
}
