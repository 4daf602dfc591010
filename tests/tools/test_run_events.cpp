// parktwin run with a scenario's events: each is announced as it happens and acts on the run;
// an event that does not fit the network stops the run before anything is written.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

namespace {

std::string shipped(const std::string& name) {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/" + name;
}

}  // namespace

TEST_CASE("run: the roadworks what-if announces its events and reroutes around them",
          "[cli][events]") {
  const auto r = parktwin::test::run_cli(
      {"--threads", "2", "run", shipped("roadworks.toml"), "--duration", "1200"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("t = 600 s: close_road 'road_1_4_0'") &&
                        Catch::Contains("t = 600 s: close_lane 'road_2_4_0' lane 1") &&
                        Catch::Contains("t = 900 s: signal_plan 'intersection_2_4'"));
  CHECK_THAT(r.out, Catch::Contains("rerouted around closures"));
}

TEST_CASE(
    "run: an event on a road the network lacks exits 1 naming file and line, writing "
    "nothing",
    "[cli][events][errors]") {
  parktwin::test::TempDir dir;
  const std::string scenario =
      dir.write("bad_event.toml", "extends = \"" + shipped("scenario.toml") +
                                      "\"\n"
                                      "[[events]]\n"
                                      "at = 60\n"
                                      "type = \"close_road\"\n"
                                      "road = \"no_such_road\"\n");
  const std::string out = (dir.path() / "run.h5").string();
  const auto r = parktwin::test::run_cli({"run", scenario, "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(scenario + ":2: events.road: unknown road") &&
                        Catch::Contains("found no_such_road"));
  CHECK_FALSE(std::filesystem::exists(out));
}
