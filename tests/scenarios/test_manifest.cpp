// The scenario manifest (TOML): a valid one loads with its input paths resolved from its own
// folder; every malformed one is rejected with a parktwin::Error naming file, line and key.

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>

#include "engine/error.h"
#include "scenarios/json_file.h"
#include "scenarios/manifest.h"
#include "scenarios/scenario_controls.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using parktwin::Error;
using parktwin::scenarios::Json;
using parktwin::scenarios::load_manifest;
using parktwin::scenarios::Manifest;

using parktwin::test::TempDir;

Json point(double x, double y) { return {{"x", x}, {"y", y}}; }

// Two virtual intersections joined through one real signalised one by two roads.
Json tiny_roadnet() {
  auto lane = [] { return Json{{"width", 4.0}, {"maxSpeed", 10.0}}; };
  Json link = {{"type", "go_straight"},
               {"startRoad", "a"},
               {"endRoad", "b"},
               {"laneLinks", Json::array({{{"startLaneIndex", 0}, {"endLaneIndex", 0}}})}};
  Json phases = Json::array();
  phases.push_back({{"time", 30}, {"availableRoadLinks", Json::array({0})}});
  Json intersections = Json::array();
  intersections.push_back({{"id", "w"}, {"point", point(-50, 0)}, {"virtual", true}});
  intersections.push_back({{"id", "c"},
                           {"point", point(0, 0)},
                           {"width", 8},
                           {"roadLinks", Json::array({link})},
                           {"trafficLight", {{"lightphases", phases}}},
                           {"virtual", false}});
  intersections.push_back({{"id", "e"}, {"point", point(50, 0)}, {"virtual", true}});
  Json roads = Json::array();
  roads.push_back({{"id", "a"},
                   {"points", Json::array({point(-50, 0), point(0, 0)})},
                   {"lanes", Json::array({lane()})},
                   {"startIntersection", "w"},
                   {"endIntersection", "c"}});
  roads.push_back({{"id", "b"},
                   {"points", Json::array({point(0, 0), point(50, 0)})},
                   {"lanes", Json::array({lane(), lane()})},
                   {"startIntersection", "c"},
                   {"endIntersection", "e"}});
  return {{"intersections", intersections}, {"roads", roads}};
}

// One flow of 4 trips (0, 10, 20, 30 s) from a to b.
Json tiny_flow() {
  Json vehicle = {{"length", 5.0},    {"width", 2.0},       {"maxPosAcc", 2.0},
                  {"maxNegAcc", 4.5}, {"usualPosAcc", 2.0}, {"usualNegAcc", 4.5},
                  {"minGap", 2.5},    {"maxSpeed", 10.0},   {"headwayTime", 2}};
  Json flow = {{"vehicle", vehicle},
               {"route", Json::array({"a", "b"})},
               {"interval", 10.0},
               {"startTime", 0},
               {"endTime", 30}};
  return Json::array({flow});
}

// Writes data/roadnet.json and data/flow.json into `dir`.
void write_inputs(const TempDir& dir) {
  dir.write("data/roadnet.json", tiny_roadnet().dump(2));
  dir.write("data/flow.json", tiny_flow().dump(2));
}

const std::string kTraffic =
    "[traffic]\n"
    "network = \"data/roadnet.json\"\n"
    "demand = \"data/flow.json\"\n";

using parktwin::test::error_of;

// Writes `toml` as scenario.toml next to the tiny inputs and returns the error it loads with.
Error manifest_error(const TempDir& dir, const std::string& toml, std::string& path) {
  write_inputs(dir);
  path = dir.write("scenario.toml", toml);
  return error_of([&] { (void)load_manifest(path); });
}

}  // namespace

TEST_CASE("a valid manifest loads and resolves inputs from its own folder",
          "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  const std::string path = dir.write("scenario.toml",
                                     "# a tiny scenario\n"
                                     "name = \"tiny\"\n"
                                     "description = \"one junction\"\n"
                                     "duration = 120\n"
                                     "step = 0.5\n"
                                     "seed = 42\n"
                                     "\n" +
                                         kTraffic);
  // Paths are relative to the manifest's folder, not the working directory.
  struct RestoreCwd {
    fs::path cwd = fs::current_path();
    ~RestoreCwd() { fs::current_path(cwd); }
  } restore;
  fs::current_path(fs::temp_directory_path());
  const Manifest m = load_manifest(path);

  CHECK(m.path == path);
  CHECK(m.name == "tiny");
  CHECK(m.description == "one junction");
  CHECK(m.duration_s == 120.0);
  CHECK(m.step_s == 0.5);
  CHECK(m.seed == 42);
  CHECK(fs::equivalent(m.network_path, dir.path() / "data" / "roadnet.json"));
  CHECK(fs::equivalent(m.demand_path, dir.path() / "data" / "flow.json"));

  const parktwin::traffic::Network net = parktwin::scenarios::load_network(m.network_path);
  CHECK(net.road_count() == 2);
  CHECK(net.lane_count() == 3);
  const parktwin::traffic::Demand demand =
      parktwin::scenarios::load_demand(m.demand_path, net, m.duration_s);
  CHECK(demand.trip_count() == 4);
}

TEST_CASE("manifest defaults and parent-relative paths", "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  const std::string path = dir.write("scenarios/park.toml",
                                     "[traffic]\n"
                                     "network = \"../data/roadnet.json\"\n"
                                     "demand = \"../data/flow.json\"\n");
  const Manifest m = load_manifest(path);
  CHECK(m.name == "park");  // the file's stem
  CHECK(m.description.empty());
  CHECK(m.duration_s == 3600.0);
  CHECK(m.step_s == 1.0);
  CHECK(m.seed == 0);
  // Resolved and normalised: no ".." left in the path.
  CHECK(fs::path(m.network_path) == (dir.path() / "data" / "roadnet.json").lexically_normal());
  CHECK(fs::path(m.demand_path) == (dir.path() / "data" / "flow.json").lexically_normal());
}

TEST_CASE("the shipped hangzhou_4x4 manifest loads", "[scenarios][manifest]") {
  const std::string path =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  const Manifest m = load_manifest(path);
  CHECK(m.name == "hangzhou_4x4");
  CHECK(m.duration_s == 3600.0);
  CHECK(m.step_s == 1.0);
  CHECK(fs::path(m.network_path).filename() == "roadnet_4_4.json");
  CHECK(fs::is_regular_file(m.network_path));
  CHECK(fs::is_regular_file(m.demand_path));
}

TEST_CASE("manifest: an unknown key names its line and key", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  SECTION("top level") {
    const Error e = manifest_error(dir,
                                   "name = \"tiny\"\n"
                                   "duration = 60\n"
                                   "durration = 60\n" +
                                       kTraffic,
                                   path);
    CHECK(e.context().file == path);
    CHECK(e.context().line == 3);
    CHECK(e.context().field == "durration");
    CHECK_THAT(
        std::string(e.what()),
        StartsWith(path + ":3: durration: unknown key") &&
            Contains("expected one of: extends, name, description, start, duration, step, seed, "
                     "threads, traffic, buildings, energy, scene, outputs, events, controllers"));
  }
  SECTION("in [traffic]") {
    const Error e = manifest_error(dir, kTraffic + "netwrok = \"data/roadnet.json\"\n", path);
    CHECK(e.context().file == path);
    CHECK(e.context().line == 4);
    CHECK(e.context().field == "traffic.netwrok");
    CHECK_THAT(std::string(e.what()), StartsWith(path + ":4: traffic.netwrok: unknown key") &&
                                          Contains("expected one of: network, demand"));
  }
}

TEST_CASE("manifest: a wrong type names its line and key", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  SECTION("duration = \"long\"") {
    const Error e = manifest_error(dir, "duration = \"long\"\n" + kTraffic, path);
    CHECK(e.context().file == path);
    CHECK(e.context().line == 1);
    CHECK(e.context().field == "duration");
    CHECK_THAT(std::string(e.what()), StartsWith(path + ":1: duration: wrong type") &&
                                          Contains("expected a number of seconds"));
  }
  SECTION("network = 3") {
    const Error e = manifest_error(dir,
                                   "[traffic]\n"
                                   "network = 3\n"
                                   "demand = \"data/flow.json\"\n",
                                   path);
    CHECK(e.context().line == 2);
    CHECK(e.context().field == "traffic.network");
    CHECK_THAT(std::string(e.what()), StartsWith(path + ":2: traffic.network: wrong type") &&
                                          Contains("expected a file path string"));
  }
  SECTION("traffic = 1") {
    const Error e = manifest_error(dir, "traffic = 1\n", path);
    CHECK(e.context().field == "traffic");
    CHECK_THAT(std::string(e.what()), Contains("missing [traffic] section"));
  }
}

TEST_CASE("manifest: non-positive durations are rejected", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  SECTION("negative duration") {
    const Error e = manifest_error(dir, "seed = 1\nduration = -60\n" + kTraffic, path);
    CHECK(e.context().file == path);
    CHECK(e.context().line == 2);
    CHECK(e.context().field == "duration");
    CHECK_THAT(std::string(e.what()), StartsWith(path + ":2: duration: must be positive") &&
                                          Contains("expected > 0") && Contains("found -60"));
  }
  SECTION("zero step") {
    const Error e = manifest_error(dir, "step = 0.0\n" + kTraffic, path);
    CHECK(e.context().line == 1);
    CHECK(e.context().field == "step");
    CHECK_THAT(std::string(e.what()), Contains("must be positive") && Contains("found 0"));
  }
}

TEST_CASE("manifest: a bad seed is rejected", "[scenarios][manifest][errors]") {
  const std::string seed = GENERATE(as<std::string>{}, "-1", "1.5", "\"x\"");
  TempDir dir;
  std::string path;
  const Error e = manifest_error(dir, "seed = " + seed + "\n" + kTraffic, path);
  CHECK(e.context().line == 1);
  CHECK(e.context().field == "seed");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ":1: seed: bad seed") && Contains("expected an integer >= 0"));
}

TEST_CASE("manifest: a missing [traffic] section is rejected", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  const Error e = manifest_error(dir, "name = \"tiny\"\nduration = 60\n", path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "traffic");
  CHECK_THAT(std::string(e.what()), StartsWith(path + ": traffic: missing [traffic] section") &&
                                        Contains("expected a table with network and demand"));
}

TEST_CASE("manifest: a missing traffic key is rejected", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  const Error e = manifest_error(dir, "[traffic]\nnetwork = \"data/roadnet.json\"\n", path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "traffic.demand");
  CHECK_THAT(std::string(e.what()), StartsWith(path + ": traffic.demand: missing required key") &&
                                        Contains("expected a file path"));
}

TEST_CASE("manifest: a missing input file names the resolved path",
          "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  const Error e = manifest_error(dir,
                                 "[traffic]\n"
                                 "network = \"data/roadnet.json\"\n"
                                 "demand = \"data/missing_flow.json\"\n",
                                 path);
  const std::string resolved = (dir.path() / "data" / "missing_flow.json").string();
  CHECK(e.context().file == path);
  CHECK(e.context().line == 3);
  CHECK(e.context().field == "traffic.demand");
  CHECK(e.context().found == resolved);
  CHECK_THAT(std::string(e.what()), StartsWith(path + ":3: traffic.demand: input file not found") &&
                                        Contains("expected an existing file") &&
                                        Contains("found " + resolved));
}

TEST_CASE("manifest: a TOML syntax error gives line and column", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  const Error e = manifest_error(dir,
                                 "name = \"tiny\"\n"
                                 "duration = = 60\n" +
                                     kTraffic,
                                 path);
  CHECK(e.context().file == path);
  CHECK(e.context().line == 2);
  CHECK(e.context().column > 0);
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ":2:" + std::to_string(e.context().column) + ": "));
  CHECK_FALSE(e.message().empty());
}

TEST_CASE("manifest: a missing manifest file is reported", "[scenarios][manifest][errors]") {
  TempDir dir;
  const std::string path = (dir.path() / "nope.toml").string();
  CHECK_THROWS_WITH(load_manifest(path),
                    StartsWith(path + ": cannot open scenario") && Contains("a TOML manifest"));
}

TEST_CASE("extends: a what-if is a few lines on top of a base", "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  // The base lives in data/ and names its inputs relative to data/.
  dir.write("data/base.toml",
            "name = \"base\"\nduration = 600\nseed = 1\nthreads = 2\n"
            "[traffic]\nnetwork = \"roadnet.json\"\ndemand = \"flow.json\"\n"
            "[outputs]\nseries_interval = 30\ncheckpoint_interval = 300\n");
  dir.write("middle.toml", "extends = \"data/base.toml\"\nseed = 7\n");
  const std::string path = dir.write(
      "whatif.toml",
      "extends = \"middle.toml\"\nname = \"what-if\"\n[outputs]\nfile = \"out/run.h5\"\n");
  const Manifest m = load_manifest(path);
  CHECK(m.name == "what-if");
  CHECK(m.duration_s == 600.0);  // from the base
  CHECK(m.seed == 7);            // from the middle
  CHECK(m.threads == 2);
  CHECK(m.series_interval_s == 30.0);  // [outputs] merged key by key
  CHECK(m.checkpoint_interval_s == 300.0);
  CHECK(m.run_file == (dir.path() / "out" / "run.h5").lexically_normal().string());
  CHECK(fs::equivalent(m.network_path, dir.path() / "data" / "roadnet.json"));
  REQUIRE(m.extends.size() == 2);
  CHECK(m.extends[0] == (dir.path() / "middle.toml").lexically_normal().string());
}

TEST_CASE("cyclic extends is an error naming file, line and key", "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  dir.write("a.toml", "extends = \"b.toml\"\n" + kTraffic);
  const std::string b = dir.write("b.toml", "name = \"b\"\nextends = \"a.toml\"\n");
  const Error e = error_of([&] { (void)load_manifest((dir.path() / "a.toml").string()); });
  CHECK(e.context().file == b);
  CHECK(e.context().line == 2);
  CHECK(e.context().field == "extends");
  CHECK_THAT(e.what(), Contains("cyclic extends") && Contains("a.toml -> "));
}

TEST_CASE("a key that a base got wrong is reported in the base", "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  const std::string base = dir.write("base.toml", "duration = -5\n" + kTraffic);
  const std::string path = dir.write("whatif.toml", "extends = \"base.toml\"\nseed = 3\n");
  const Error e = error_of([&] { (void)load_manifest(path); });
  CHECK(e.context().file == base);
  CHECK(e.context().line == 1);
  CHECK(e.context().field == "duration");
}

TEST_CASE("bad [outputs] and extends entries are rejected", "[scenarios][manifest]") {
  TempDir dir;
  std::string path;
  Error e = manifest_error(dir, kTraffic + "[outputs]\ncheckpoint_interval = -1\n", path);
  CHECK(e.context().field == "outputs.checkpoint_interval");
  CHECK(e.context().line == 5);
  e = manifest_error(dir, kTraffic + "[outputs]\ntrajectory = true\n", path);
  CHECK(e.context().field == "outputs.trajectory");
  CHECK_THAT(e.what(), Contains("unknown key") && Contains("series_interval"));
  e = manifest_error(dir, "extends = \"missing.toml\"\n" + kTraffic, path);
  CHECK(e.context().field == "extends");
  CHECK_THAT(e.what(), Contains("base scenario not found"));
  e = manifest_error(dir, "threads = -2\n" + kTraffic, path);
  CHECK(e.context().field == "threads");
}

TEST_CASE("start is a local date and time", "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  const std::string path = dir.write("scenario.toml", "start = 2026-07-15T08:30:00\n" + kTraffic);
  CHECK(load_manifest(path).start == "2026-07-15T08:30:00");
  std::string bad;
  Error e = manifest_error(dir, "start = \"tomorrow\"\n" + kTraffic, bad);
  CHECK(e.context().field == "start");
  CHECK(e.context().line == 1);
  e = manifest_error(dir, "start = 2026-07-15T08:30:00+08:00\n" + kTraffic, bad);
  CHECK_THAT(e.what(), Contains("a local date and time"));
}

// ---- [[events]] and [controllers] --------------------------------------------------------

TEST_CASE("manifest events and controllers load, a what-if adds events to its base's",
          "[scenarios][manifest][events]") {
  TempDir dir;
  write_inputs(dir);
  dir.write("base.toml",
            "start = 2026-07-15T08:00:00\n"
            "duration = 3600\n" +
                kTraffic +
                "[[events]]\n"
                "at = 600\n"
                "type = \"close_road\"\n"
                "road = \"b\"\n"
                "[controllers]\n"
                "signals = \"max_pressure\"\n"
                "min_green = 8\n");
  const std::string path = dir.write("whatif.toml",
                                     "extends = \"base.toml\"\n"
                                     "[[events]]\n"
                                     "at = 2026-07-15T08:15:00\n"
                                     "type = \"close_lane\"\n"
                                     "road = \"b\"\n"
                                     "lane = 1\n"
                                     "[[events]]\n"
                                     "at = 1200\n"
                                     "type = \"signal_plan\"\n"
                                     "junction = \"c\"\n"
                                     "phases = [45]\n"
                                     "[[events]]\n"
                                     "at = 0\n"
                                     "until = 2026-07-15T08:30:00\n"
                                     "type = \"demand_multiplier\"\n"
                                     "factor = 1.5\n"
                                     "[controllers.junctions]\n"
                                     "c = \"fixed_time\"\n");
  const Manifest m = load_manifest(path);
  REQUIRE(m.events.size() == 4);
  CHECK(m.events[0].type == "close_road");  // the base's first
  CHECK(m.events[0].at_s == 600.0);
  CHECK(m.events[0].road == "b");
  CHECK(fs::path(m.events[0].file).filename() == "base.toml");
  CHECK(m.events[1].type == "close_lane");
  CHECK(m.events[1].at_s == 900.0);  // 08:15 is 900 s after the 08:00 start
  CHECK(m.events[1].lane == 1);
  CHECK(m.events[1].line == 2);
  CHECK(m.events[2].phases_s == std::vector<double>{45.0});
  CHECK(m.events[3].factor == 1.5);
  CHECK(m.events[3].until_s == 1800.0);
  CHECK(m.controllers.signals == "max_pressure");
  CHECK(m.controllers.min_green_s == 8.0);
  REQUIRE(m.controllers.junctions.size() == 1);
  CHECK(m.controllers.junctions[0] == std::pair<std::string, std::string>("c", "fixed_time"));

  // Resolved against the network: the lane is road b's second, the signal is c's.
  const parktwin::traffic::Network net = parktwin::scenarios::load_network(m.network_path);
  const auto runtime = parktwin::scenarios::runtime_events(m.events, net, 1.0);
  REQUIRE(runtime.size() == 3);
  CHECK(runtime[0].step == 600);
  CHECK(runtime[1].target == net.road_first_lane[net.find_road("b")] + 1);
  CHECK(runtime[2].kind == parktwin::traffic::EventKind::signal_plan);
  const auto scalings = parktwin::scenarios::demand_scalings(m.events);
  REQUIRE(scalings.size() == 1);
  CHECK(scalings[0].until_s == 1800.0);
  const auto policies = parktwin::scenarios::signal_policies(m.controllers, net);
  CHECK(policies ==
        std::vector<parktwin::traffic::SignalPolicy>{parktwin::traffic::SignalPolicy::fixed_time});
}

TEST_CASE("manifest: a bad event names its file, line and key", "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  const auto event = [&](const std::string& body) {
    return manifest_error(dir, "duration = 3600\n" + kTraffic + "[[events]]\n" + body, path);
  };
  SECTION("unknown type, with the types there are") {
    const Error e = event("at = 60\ntype = \"cold_snap\"\n");
    CHECK(e.context().line == 7);
    CHECK(e.context().field == "events[0].type");
    CHECK_THAT(std::string(e.what()),
               Contains("unknown event type") &&
                   Contains("close_road, open_road, close_lane, open_lane, signal_plan, "
                            "demand_multiplier, heat_wave") &&
                   Contains("found cold_snap"));
  }
  SECTION("a key of another type") {
    const Error e = event("at = 60\ntype = \"close_road\"\nroad = \"b\"\nfactor = 2\n");
    CHECK(e.context().line == 9);
    CHECK(e.context().field == "events[0].factor");
    CHECK_THAT(std::string(e.what()), Contains("key not taken by this event type") &&
                                          Contains("for type 'close_road': at, type, road"));
  }
  SECTION("a missing key, at the event's line") {
    const Error e = event("at = 60\ntype = \"close_lane\"\nroad = \"b\"\n");
    CHECK(e.context().file == path);
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "events[0].lane");
    CHECK_THAT(std::string(e.what()), Contains("missing required key"));
  }
  SECTION("a time outside the run") {
    const Error e = event("at = 3600\ntype = \"close_road\"\nroad = \"b\"\n");
    CHECK(e.context().line == 6);
    CHECK(e.context().field == "events[0].at");
    CHECK_THAT(std::string(e.what()), Contains("0 <= at < duration (3600 s)"));
  }
  SECTION("a negative demand multiplier") {
    const Error e = event("at = 0\ntype = \"demand_multiplier\"\nfactor = -0.5\n");
    CHECK(e.context().line == 8);
    CHECK(e.context().field == "events[0].factor");
  }
  SECTION("a window that ends before it starts") {
    const Error e = event("at = 600\nuntil = 300\ntype = \"demand_multiplier\"\nfactor = 2\n");
    CHECK(e.context().line == 7);
    CHECK(e.context().field == "events[0].until");
  }
  SECTION("a negative phase duration") {
    const Error e = event("at = 60\ntype = \"signal_plan\"\njunction = \"c\"\nphases = [30, -5]\n");
    CHECK(e.context().line == 9);
    CHECK(e.context().field == "events[0].phases");
  }
  SECTION("an unknown signal policy") {
    const Error e = manifest_error(dir, kTraffic + "[controllers]\nsignals = \"smart\"\n", path);
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "controllers.signals");
    CHECK_THAT(std::string(e.what()), Contains("fixed_time") && Contains("max_pressure") &&
                                          Contains("sotl") && Contains("actuated") &&
                                          Contains("agent"));
  }
  SECTION("a maximum green below the minimum") {
    const Error e = manifest_error(
        dir, kTraffic + "[controllers]\nsignals = \"sotl\"\nmin_green = 20\nmax_green = 15\n",
        path);
    CHECK(e.context().line == 7);
    CHECK(e.context().field == "controllers.max_green");
    CHECK_THAT(std::string(e.what()), Contains(">= min_green (20)"));
  }
}

TEST_CASE("a trained policy is named in a manifest by its folder", "[scenarios][manifest]") {
  const Manifest m = load_manifest(std::string(PARKTWIN_SOURCE_DIR) +
                                   "/assets/scenarios/hangzhou_4x4/learned_signals.toml");
  CHECK(m.controllers.signals == "agent");
  CHECK(fs::path(m.controllers.policy_path) ==
        fs::path(PARKTWIN_SOURCE_DIR "/assets/policies/hangzhou_4x4_colight").lexically_normal());
  TempDir dir;
  write_inputs(dir);
  std::string path;
  const auto error = [&](const std::string& value) {
    return manifest_error(dir, kTraffic + "[controllers]\nsignals = \"" + value + "\"\n", path);
  };
  Error e = error("policy:nowhere");
  CHECK(e.context().field == "controllers.signals");
  CHECK(e.context().line == 5);
  CHECK_THAT(std::string(e.what()), Contains("policy folder not found") && Contains("nowhere"));
  e = error("policy:");
  CHECK_THAT(std::string(e.what()), Contains("policy without a folder"));
}

TEST_CASE("a trained energy policy is named in a manifest by its folder", "[scenarios][manifest]") {
  const Manifest m = load_manifest(std::string(PARKTWIN_SOURCE_DIR) +
                                   "/assets/scenarios/hangzhou_4x4/learned_energy.toml");
  CHECK(
      fs::path(m.controllers.energy_policy_path) ==
      fs::path(PARKTWIN_SOURCE_DIR "/assets/policies/hangzhou_4x4_energy_ars").lexically_normal());
  CHECK(m.controllers.charging == "llf");
  CHECK(m.controllers.policy_path.empty());  // the signals keep their own controller
  CHECK(m.controllers.signals == "fixed_time");
  TempDir dir;
  write_inputs(dir);
  std::string path;
  const auto error = [&](const std::string& value) {
    return manifest_error(dir, kTraffic + "[controllers]\nenergy = " + value + "\n", path);
  };
  Error e = error("\"policy:nowhere\"");
  CHECK(e.context().field == "controllers.energy");
  CHECK(e.context().line == 5);
  CHECK_THAT(std::string(e.what()), Contains("policy folder not found") && Contains("nowhere"));
  e = error("\"policy:\"");
  CHECK_THAT(std::string(e.what()), Contains("policy without a folder"));
  e = error("\"smart\"");
  CHECK(e.context().field == "controllers.energy");
  CHECK_THAT(std::string(e.what()), Contains("unknown energy control") && Contains("smart"));
  e = error("1");
  CHECK_THAT(std::string(e.what()), Contains("unknown energy control"));
  const Manifest rules =
      load_manifest(dir.write("rules.toml", kTraffic + "[controllers]\nenergy = \"rules\"\n"));
  CHECK(rules.controllers.energy_policy_path.empty());
}

TEST_CASE("the classic adaptive controllers and the agent surface are named in a manifest",
          "[scenarios][manifest]") {
  TempDir dir;
  write_inputs(dir);
  const std::string path =
      dir.write("s.toml", kTraffic +
                              "[controllers]\nsignals = \"actuated\"\nmax_green = 90\n"
                              "[controllers.junctions]\nc = \"sotl\"\n");
  const Manifest m = load_manifest(path);
  CHECK(m.controllers.signals == "actuated");
  CHECK(m.controllers.max_green_s == 90.0);
  CHECK(m.controllers.min_green_s == 10.0);
  REQUIRE(m.controllers.junctions.size() == 1);
  CHECK(m.controllers.junctions[0].second == "sotl");
}

TEST_CASE("events and controllers that do not fit the network name their file and line",
          "[scenarios][manifest][errors]") {
  TempDir dir;
  write_inputs(dir);
  const auto resolve = [&](const std::string& body) {
    const std::string path =
        dir.write("scenario.toml", "duration = 3600\n" + kTraffic + "[[events]]\n" + body);
    const Manifest m = load_manifest(path);
    const parktwin::traffic::Network net = parktwin::scenarios::load_network(m.network_path);
    return error_of([&] {
      (void)parktwin::scenarios::runtime_events(m.events, net, 1.0);
      (void)parktwin::scenarios::signal_policies(m.controllers, net);
    });
  };
  SECTION("unknown road") {
    const Error e = resolve("at = 60\ntype = \"close_road\"\nroad = \"z\"\n");
    CHECK(fs::path(e.context().file).filename() == "scenario.toml");
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "events.road");
    CHECK_THAT(std::string(e.what()), Contains("unknown road") && Contains("found z"));
  }
  SECTION("a lane the road does not have") {
    const Error e = resolve("at = 60\ntype = \"close_lane\"\nroad = \"b\"\nlane = 2\n");
    CHECK_THAT(std::string(e.what()), Contains("expected 0..1 (road 'b' has 2 lanes"));
  }
  SECTION("a plan with another number of phases") {
    const Error e =
        resolve("at = 60\ntype = \"signal_plan\"\njunction = \"c\"\nphases = [30, 5]\n");
    CHECK(e.context().field == "events.phases");
    CHECK_THAT(std::string(e.what()), Contains("1 durations, one per phase of 'c'"));
  }
  SECTION("a junction without a signal") {
    const Error e = resolve("at = 60\ntype = \"signal_plan\"\njunction = \"w\"\nphases = [30]\n");
    CHECK_THAT(std::string(e.what()), Contains("junction has no signal"));
  }
  SECTION("a controller for a junction the network lacks") {
    const std::string path =
        dir.write("scenario.toml",
                  kTraffic + "[controllers]\n[controllers.junctions]\nq = \"max_pressure\"\n");
    const Manifest m = load_manifest(path);
    const parktwin::traffic::Network net = parktwin::scenarios::load_network(m.network_path);
    const Error e =
        error_of([&] { (void)parktwin::scenarios::signal_policies(m.controllers, net); });
    CHECK(e.context().line == 4);
    CHECK(e.context().field == "controllers.junctions.q");
    CHECK_THAT(std::string(e.what()), Contains("unknown junction"));
  }
}

TEST_CASE("manifest: bad EV, energy and controller settings name their file, line and key",
          "[scenarios][manifest][errors]") {
  TempDir dir;
  std::string path;
  dir.write("b.geojson", "{}");  // the manifest checks only that inputs exist
  dir.write("w.epw", "");
  const std::string buildings =
      "[buildings]\nfile = \"b.geojson\"\nweather = \"w.epw\"\n";  // lines 4-6 after kTraffic
  SECTION("an EV share above 1") {
    const Error e = manifest_error(dir, kTraffic + "ev_share = 1.5\n", path);
    CHECK(e.context().file == path);
    CHECK(e.context().line == 4);
    CHECK(e.context().field == "traffic.ev_share");
    CHECK_THAT(std::string(e.what()), Contains("[0, 1]") && Contains("found 1.5"));
  }
  SECTION("a buildings step that does not divide an hour") {
    const Error e = manifest_error(dir, kTraffic + buildings + "step = 7\n", path);
    CHECK(e.context().line == 7);
    CHECK(e.context().field == "buildings.step");
    CHECK_THAT(std::string(e.what()), Contains("buildings step out of range") &&
                                          Contains("a divisor of an hour") &&
                                          Contains("found 7 s"));
  }
  SECTION("a site latitude out of range, or without its longitude") {
    Error e = manifest_error(dir, kTraffic + buildings + "latitude = 95\nlongitude = 0\n", path);
    CHECK(e.context().line == 7);
    CHECK(e.context().field == "buildings.latitude");
    CHECK_THAT(std::string(e.what()), Contains("out of range") && Contains("-90..90"));
    e = manifest_error(dir, kTraffic + buildings + "latitude = 31.3\n", path);
    CHECK(e.context().field == "buildings.latitude");
    CHECK_THAT(std::string(e.what()), Contains("both coordinates"));
    e = manifest_error(dir, kTraffic + buildings + "latitude = 31.3\nlongitude = \"E\"\n", path);
    CHECK(e.context().field == "buildings.longitude");
    CHECK_THAT(std::string(e.what()), Contains("wrong type"));
  }
  SECTION("a site's coordinates are read") {
    write_inputs(dir);
    path =
        dir.write("scenario.toml", kTraffic + buildings + "latitude = 31.3\nlongitude = 120.68\n");
    const Manifest m = load_manifest(path);
    CHECK(m.site_latitude_deg == 31.3);
    CHECK(m.site_longitude_deg == 120.68);
  }
  SECTION("a seed beyond the integers, written as a float (a fuzz finding's kind)") {
    const Error e = manifest_error(dir, "seed = -9223372067348575881.0\n" + kTraffic, path);
    CHECK(e.context().field == "seed");
  }
  SECTION("[energy] without buildings") {
    const Error e = manifest_error(dir, kTraffic + "[energy]\ncarbon = 0.5\n", path);
    CHECK(e.context().line == 4);
    CHECK(e.context().field == "energy");
    CHECK_THAT(std::string(e.what()), Contains("[buildings]"));
  }
  SECTION("a carbon factor out of range") {
    const Error e = manifest_error(dir, kTraffic + buildings + "[energy]\ncarbon = 3\n", path);
    CHECK(e.context().line == 8);
    CHECK(e.context().field == "energy.carbon");
    CHECK_THAT(std::string(e.what()), Contains("0..2 kg CO2 per kWh"));
  }
  SECTION("a tariff file that is not there") {
    const Error e =
        manifest_error(dir, kTraffic + buildings + "[energy]\ntariff = \"none.toml\"\n", path);
    CHECK(e.context().line == 8);
    CHECK(e.context().field == "energy.tariff");
    CHECK_THAT(std::string(e.what()), Contains("input file not found"));
  }
  SECTION("an unknown [energy] key") {
    const Error e = manifest_error(dir, kTraffic + buildings + "[energy]\ntarif = \"x\"\n", path);
    CHECK(e.context().line == 8);
    CHECK(e.context().field == "energy.tarif");
    CHECK_THAT(std::string(e.what()), Contains("grid, tariff, carbon"));
  }
  SECTION("an unknown battery policy") {
    const Error e = manifest_error(dir, kTraffic + "[controllers]\nbatteries = \"smart\"\n", path);
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "controllers.batteries");
    CHECK_THAT(std::string(e.what()),
               Contains("\"time_of_use\", \"self_consumption\", \"idle\"") && Contains("smart"));
  }
  SECTION("an unknown charging policy") {
    const Error e = manifest_error(dir, kTraffic + "[controllers]\ncharging = \"later\"\n", path);
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "controllers.charging");
    CHECK_THAT(std::string(e.what()), Contains("\"immediate\", \"delayed\""));
  }
  SECTION("a feeder outage without its feeder") {
    const Error e = manifest_error(
        dir, "duration = 600\n" + kTraffic + "[[events]]\nat = 60\ntype = \"feeder_outage\"\n",
        path);
    CHECK(e.context().line == 5);
    CHECK(e.context().field == "events[0].feeder");
    CHECK_THAT(std::string(e.what()), Contains("missing required key"));
  }
}
