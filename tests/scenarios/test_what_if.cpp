// What-ifs saved from the viewer (scenarios/what_if.h): the file loads back as the scenario
// with the edits added, and a saved what-if is never overwritten.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/what_if.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

const std::string kBase =
    std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/roadworks.toml";

std::vector<scenarios::EventSpec> edits() {
  scenarios::EventSpec close;
  close.at_s = 1230.0;
  close.type = "close_road";
  close.road = "road_2_3_1";
  scenarios::EventSpec lane;
  lane.at_s = 1230.0;
  lane.type = "close_lane";
  lane.road = "road_1_2_0";
  lane.lane = 2;
  scenarios::EventSpec plan;
  plan.at_s = 1230.5;
  plan.type = "signal_plan";
  plan.junction = "intersection_3_3";
  plan.phases_s = {5, 25.5, 40, 20, 20, 40, 40, 20, 20};
  scenarios::EventSpec more;
  more.at_s = 1231.0;
  more.type = "demand_multiplier";
  more.factor = 1.35;
  more.until_s = 3000.0;
  scenarios::EventSpec forever = more;
  forever.factor = 0.5;
  forever.until_s = std::numeric_limits<double>::infinity();
  return {close, lane, plan, more, forever};
}

}  // namespace

TEST_CASE("a saved what-if loads as its scenario with the edits added", "[what_if]") {
  const test::TempDir dir;
  const std::string out = (dir.path() / "ideas" / "detour.toml").string();
  std::filesystem::create_directories(dir.path() / "ideas");
  const auto added = edits();
  scenarios::save_what_if(kBase, out, "hangzhou detour", added);
  REQUIRE(std::filesystem::exists(out));
  CHECK_FALSE(std::filesystem::exists(out + ".partial"));

  const scenarios::RunMeta base = scenarios::run_meta_of(scenarios::load_manifest(kBase));
  const scenarios::RunMeta what_if = scenarios::run_meta_of(scenarios::load_manifest(out));
  CHECK(what_if.scenario == "hangzhou detour");
  CHECK(what_if.network_path == base.network_path);
  CHECK(what_if.duration_s == base.duration_s);
  // The base's own events first (a what-if's events add to its base's), then the edits.
  REQUIRE(what_if.events.size() == base.events.size() + added.size());
  for (std::size_t i = 0; i < added.size(); ++i) {
    const scenarios::EventSpec& got = what_if.events[base.events.size() + i];
    const scenarios::EventSpec& want = added[i];
    INFO("edit " << i << " " << want.type);
    CHECK(got.at_s == want.at_s);
    CHECK(got.type == want.type);
    CHECK(got.road == want.road);
    CHECK(got.lane == want.lane);
    CHECK(got.junction == want.junction);
    CHECK(got.phases_s == want.phases_s);
    CHECK(got.factor == want.factor);
    CHECK(got.until_s == want.until_s);
    CHECK(got.file == out);  // errors in it will name the what-if
  }
  // The text is what a person would write: whole seconds as integers, the base by a path
  // relative to the what-if.
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find("at = 1230\n") != std::string::npos);
  CHECK(text.str().find("extends = '../") != std::string::npos);
}

TEST_CASE("a saved what-if is never overwritten", "[what_if]") {
  const test::TempDir dir;
  const std::string out = dir.write("taken.toml", "# someone's notes\n");
  CHECK_THROWS_WITH(scenarios::save_what_if(kBase, out, "x", edits()),
                    Catch::Contains("what-if file exists") && Catch::Contains("taken.toml"));
  std::ifstream in(out);
  std::string line;
  std::getline(in, line);
  CHECK(line == "# someone's notes");
  CHECK_THROWS_WITH(scenarios::save_what_if(
                        kBase, (dir.path() / "no" / "such" / "dir.toml").string(), "x", edits()),
                    Catch::Contains("cannot write the what-if"));
}
