// CityFlow import: a tiny valid roadnet and flow load, and every malformed input is rejected
// with a parktwin::Error naming the file, the element (JSON path) and what was expected.

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>

#include "engine/error.h"
#include "scenarios/json_file.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using parktwin::Error;
using parktwin::scenarios::Json;
using parktwin::scenarios::load_demand;
using parktwin::scenarios::load_network;

constexpr double kHorizon = 3600.0;

using parktwin::test::TempDir;

Json point(double x, double y) { return {{"x", x}, {"y", y}}; }

Json lanes(int count) {
  Json out = Json::array();
  for (int i = 0; i < count; ++i) out.push_back({{"width", 4.0}, {"maxSpeed", 11.111}});
  return out;
}

// west (virtual) --road_in, 2 lanes--> centre (real, signalised) --road_out, 3 lanes--> east
// (virtual). Roads are 100 m between intersection centres; centre is 10 m wide, so both
// roads' lanes are 90 m long. One road link (straight on) with two lane links; the signal has
// an all-red phase and a phase where the link is green.
Json tiny_roadnet() {
  Json west = {{"id", "west"},
               {"point", point(-100, 0)},
               {"width", 0},
               {"roads", Json::array({"road_in"})},
               {"roadLinks", Json::array()},
               {"virtual", true}};
  Json east = {{"id", "east"},
               {"point", point(100, 0)},
               {"width", 0},
               {"roads", Json::array({"road_out"})},
               {"roadLinks", Json::array()},
               {"virtual", true}};
  Json lane_links = Json::array();
  lane_links.push_back({{"startLaneIndex", 0}, {"endLaneIndex", 0}});
  lane_links.push_back({{"startLaneIndex", 1},
                        {"endLaneIndex", 1},
                        {"points", Json::array({point(-10, -6), point(10, -6)})}});
  Json road_link = {{"type", "go_straight"},
                    {"startRoad", "road_in"},
                    {"endRoad", "road_out"},
                    {"direction", 0},
                    {"laneLinks", lane_links}};
  Json phases = Json::array();
  phases.push_back({{"time", 5}, {"availableRoadLinks", Json::array()}});
  phases.push_back({{"time", 30}, {"availableRoadLinks", Json::array({0})}});
  Json centre = {{"id", "centre"},
                 {"point", point(0, 0)},
                 {"width", 10},
                 {"roads", Json::array({"road_in", "road_out"})},
                 {"roadLinks", Json::array({road_link})},
                 {"trafficLight", {{"roadLinkIndices", Json::array({0})}, {"lightphases", phases}}},
                 {"virtual", false}};
  Json road_in = {{"id", "road_in"},
                  {"points", Json::array({point(-100, 0), point(0, 0)})},
                  {"lanes", lanes(2)},
                  {"startIntersection", "west"},
                  {"endIntersection", "centre"}};
  Json road_out = {{"id", "road_out"},
                   {"points", Json::array({point(0, 0), point(100, 0)})},
                   {"lanes", lanes(3)},
                   {"startIntersection", "centre"},
                   {"endIntersection", "east"}};
  return {{"intersections", Json::array({west, centre, east})},
          {"roads", Json::array({road_in, road_out})}};
}

Json vehicle() {
  return {{"length", 5.0},    {"width", 2.0},       {"maxPosAcc", 2.0},
          {"maxNegAcc", 4.5}, {"usualPosAcc", 2.0}, {"usualNegAcc", 4.5},
          {"minGap", 2.5},    {"maxSpeed", 11.111}, {"headwayTime", 2}};
}

// Flow 0: through the junction every 5 s from 0 to 20 s (5 trips). Flow 1: the same vehicle
// on road_out alone at 0 and 10 s (2 trips).
Json tiny_flow() {
  Json flows = Json::array();
  flows.push_back({{"vehicle", vehicle()},
                   {"route", Json::array({"road_in", "road_out"})},
                   {"interval", 5.0},
                   {"startTime", 0},
                   {"endTime", 20}});
  flows.push_back({{"vehicle", vehicle()},
                   {"route", Json::array({"road_out"})},
                   {"interval", 10.0},
                   {"startTime", 0},
                   {"endTime", 10}});
  return flows;
}

using parktwin::test::error_of;

// The error a roadnet document is rejected with.
Error roadnet_error(const TempDir& dir, const Json& roadnet, std::string& path) {
  path = dir.write_json("roadnet.json", roadnet);
  return error_of([&] { (void)load_network(path); });
}

// The error a flow document is rejected with, against the tiny network.
Error flow_error(const TempDir& dir, const Json& flow, std::string& path) {
  const parktwin::traffic::Network net =
      load_network(dir.write_json("roadnet.json", tiny_roadnet()));
  path = dir.write_json("flow.json", flow);
  return error_of([&] { (void)load_demand(path, net, kHorizon); });
}

}  // namespace

TEST_CASE("tiny valid CityFlow roadnet and flow load", "[scenarios][cityflow]") {
  TempDir dir;
  const std::string roadnet = dir.write_json("roadnet.json", tiny_roadnet());
  const std::string flow = dir.write_json("flow.json", tiny_flow());

  const parktwin::traffic::Network net = load_network(roadnet);
  CHECK(net.junction_count() == 3);
  CHECK(net.road_count() == 2);
  CHECK(net.lane_count() == 5);
  CHECK(net.road_lane_count[net.find_road("road_in")] == 2);
  CHECK(net.road_lane_count[net.find_road("road_out")] == 3);
  CHECK(net.movement_count() == 1);
  CHECK(net.link_count() == 2);
  CHECK(net.signal_count() == 1);
  CHECK(net.signal_phases(0).size() == 2);
  CHECK(net.movement_green_phases[0] == 0b10);  // green in phase 1 only
  // Lanes are trimmed by the 10 m real intersection at one end, not at the virtual one.
  for (std::size_t l = 0; l < net.lane_count(); ++l) CHECK(net.seg_length_m[l] == Approx(90.0));
  CHECK(net.lane_reaches_road(net.road_first_lane[0], net.find_road("road_out")));

  const parktwin::traffic::Demand demand = load_demand(flow, net, kHorizon);
  CHECK(demand.trip_count() == 7);
  CHECK(demand.types.size() == 1);  // identical vehicle parameters share one type
  CHECK(demand.trips.front().depart_s == 0.0);
  CHECK(demand.trips.back().depart_s == 20.0);
  // A horizon cuts trips departing at or after it.
  CHECK(load_demand(flow, net, 10.0).trip_count() == 3);
}

TEST_CASE("truncated JSON is reported with file, line and column",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  // Cut inside the second line of the roadnet.
  const std::string text = "{\n  \"intersections\": [\n    {\"id\": \"west\", \"point\": {\"x\": ";
  const std::string path = dir.write("roadnet.json", text);
  CHECK_THROWS_WITH(load_network(path), StartsWith(path + ":3:") && Contains(": invalid JSON: ") &&
                                            Contains("unexpected end of input"));
  const Error e = error_of([&] { (void)load_network(path); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == 3);
  CHECK(e.context().column > 0);
}

TEST_CASE("a JSON syntax error in the middle points at its line", "[scenarios][cityflow][errors]") {
  TempDir dir;
  // Missing comma after line 3.
  const std::string text = "[\n  {\n    \"route\": [\"road_in\"]\n    \"vehicle\": {}\n  }\n]\n";
  const std::string path = dir.write("flow.json", text);
  const parktwin::traffic::Network net =
      load_network(dir.write_json("roadnet.json", tiny_roadnet()));
  const Error e = error_of([&] { (void)load_demand(path, net, kHorizon); });
  CHECK(e.context().file == path);
  CHECK(e.context().line == 4);
  CHECK(e.context().column > 0);
  CHECK_THAT(std::string(e.what()), StartsWith(path + ":4:") && Contains("invalid JSON"));
}

TEST_CASE("a file that is neither JSON nor XML is an unknown format",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  SECTION("text") {
    const std::string path = dir.write("roadnet.json", "intersections: 3\n");
    CHECK_THROWS_WITH(load_network(path), StartsWith(path + ": unknown file format") &&
                                              Contains("expected CityFlow JSON") &&
                                              Contains("SUMO XML") && Contains("found 'i'"));
  }
  SECTION("empty file") {
    const std::string path = dir.write("roadnet.json", "  \n");
    CHECK_THROWS_WITH(load_network(path), StartsWith(path + ": unknown file format") &&
                                              Contains("found an empty file"));
  }
  SECTION("demand too") {
    const parktwin::traffic::Network net =
        load_network(dir.write_json("roadnet.json", tiny_roadnet()));
    const std::string path = dir.write("flow.csv", "time,route\n0,road_in\n");
    CHECK_THROWS_WITH(load_demand(path, net, kHorizon),
                      StartsWith(path + ": unknown file format") && Contains("found 't'"));
  }
}

TEST_CASE("a UTF-8 byte order mark before the JSON is not content", "[scenarios][cityflow]") {
  TempDir dir;
  const std::string plain = tiny_roadnet().dump();
  const parktwin::traffic::Network a = load_network(dir.write("plain.json", plain));
  const parktwin::traffic::Network b = load_network(dir.write("bom.json", "\xEF\xBB\xBF" + plain));
  CHECK(a.road_count() == b.road_count());
  CHECK(a.lane_count() == b.lane_count());
}

TEST_CASE("a missing input file is reported by name", "[scenarios][cityflow][errors]") {
  TempDir dir;
  const std::string path = dir.write("placeholder", "") + "_missing.json";
  CHECK_THROWS_WITH(load_network(path), StartsWith(path + ": cannot open file"));
}

TEST_CASE("JSON nested deeper than any input needs is refused, naming where",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  const parktwin::traffic::Network net =
      load_network(dir.write_json("roadnet.json", tiny_roadnet()));
  // A maxSpeed that is an array nested 100000 deep: its message once recursed through all of
  // it and overflowed the stack (fuzz finding 01).
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string flow = dir.write(
      "flow.json", "[{\"route\": [\"road_in\"], \"vehicle\": {\"maxSpeed\": " + deep + "}}]");
  const Error e = error_of([&] { (void)load_demand(flow, net, kHorizon); });
  CHECK(e.context().file == flow);
  CHECK(e.context().line == 1);
  CHECK_THAT(std::string(e.what()),
             Contains("nested too deeply") && Contains("at most 256 levels"));
  // Streamed (a roadnet) the same.
  const std::string roadnet = dir.write("deep_roadnet.json", "{\"intersections\": " + deep + "}");
  CHECK_THROWS_WITH(load_network(roadnet), StartsWith(roadnet + ":1:") && Contains("nested"));
}

TEST_CASE("a value quoted in an error is cut short, whatever its size",
          "[scenarios][cityflow][errors]") {
  using parktwin::scenarios::brief;
  Json nested = Json::array();
  for (int i = 0; i < 200; ++i) nested = Json::array({nested, i});
  const std::string b = brief(nested);
  CHECK(b.size() == 60);
  CHECK_THAT(b, StartsWith("[[[[") && Contains("..."));
  Json wide = Json::array();
  for (int i = 0; i < 100000; ++i) wide.push_back(i);
  CHECK(brief(wide).size() == 60);
  CHECK(brief(Json{{"a", 1}}) == "{\"a\":1}");
  CHECK(brief(Json(2.5)) == "2.5");
  CHECK(brief(Json("x")) == "\"x\"");
}

TEST_CASE("a JSON number beyond a double's range is an error at its place",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  const std::string roadnet =
      dir.write("roadnet.json", "{\n  \"intersections\": [{\"point\": {\"x\": 1e400}}]}");
  const Error e = error_of([&] { (void)load_network(roadnet); });
  CHECK(e.context().file == roadnet);
  CHECK(e.context().line == 2);
  CHECK_THAT(std::string(e.what()), Contains("number out of range") &&
                                        Contains("expected a finite number") &&
                                        Contains("found 1e400"));
  const parktwin::traffic::Network net =
      load_network(dir.write_json("ok_roadnet.json", tiny_roadnet()));
  const std::string flow = dir.write("flow.json", "[{\"interval\": -1e999}]");
  CHECK_THROWS_WITH(load_demand(flow, net, kHorizon),
                    StartsWith(flow + ":1:") && Contains("found -1e999"));
}

TEST_CASE("an input that is not a regular file is refused at once",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  // A named pipe nobody writes to once blocked the reader for ever (fuzz finding 11).
  const std::string fifo = (dir.path() / "net.fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(load_network(fifo),
                    StartsWith(fifo + ": not a readable regular file") && Contains("a named pipe"));
  CHECK_THROWS_WITH(load_network(dir.path().string()), Contains("a folder"));
  // A long file of NUL bytes (no line break) is ruled out after a bounded read.
  const std::string zeros = dir.write("zeros.json", std::string(8 << 20, '\0'));
  CHECK_THROWS_WITH(load_network(zeros), StartsWith(zeros + ": unknown file format"));
  // A name longer than the system allows is the file's error, not an internal one.
  const std::string long_name = (dir.path() / (std::string(300, 'x') + ".json")).string();
  CHECK_THROWS_WITH(
      load_network(long_name),
      StartsWith(long_name + ": not a readable regular file") && Contains("File name too long"));
}

TEST_CASE("JSON of the wrong kind is rejected", "[scenarios][cityflow][errors]") {
  TempDir dir;
  const std::string flow = dir.write_json("flow.json", tiny_flow());
  CHECK_THROWS_WITH(load_network(flow),
                    StartsWith(flow + ": JSON file is not a CityFlow roadnet") &&
                        Contains("\"intersections\" and \"roads\""));
  const std::string roadnet = dir.write_json("roadnet.json", tiny_roadnet());
  const parktwin::traffic::Network net = load_network(roadnet);
  CHECK_THROWS_WITH(load_demand(roadnet, net, kHorizon),
                    StartsWith(roadnet + ": JSON file is not a CityFlow flow file"));
}

TEST_CASE("flow: unknown road in a route names the flow and route position",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[1]["route"] = Json::array({"road_out", "road_nowhere"});
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "[1].route[1]");
  CHECK(e.message() == "unknown road in route");
  CHECK_THAT(std::string(e.what()), StartsWith(path + ": [1].route[1]: unknown road in route") &&
                                        Contains("expected a road id of the network") &&
                                        Contains("road_nowhere"));
}

TEST_CASE("flow: a route whose roads are not connected is rejected",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  // road_out ends at a virtual intersection; nothing leads from it to road_in.
  flow[0]["route"] = Json::array({"road_out", "road_in"});
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().file == path);
  CHECK_THAT(e.context().field, Contains("route[1]"));
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": ") && Contains("route[1]") &&
                 Contains("consecutive roads of the route are not connected") &&
                 Contains("expected a road reachable from 'road_out'") &&
                 Contains("found 'road_in'"));
}

TEST_CASE("flow: a non-string route entry is a type error", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[0]["route"][0] = 7;
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().field == "[0].route[0]");
  CHECK_THAT(std::string(e.what()), Contains("wrong type") &&
                                        Contains("expected a road id string") &&
                                        Contains("found 7"));
}

TEST_CASE("flow: an empty route is rejected", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[1]["route"] = Json::array();
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().field == "[1].route");
  CHECK_THAT(std::string(e.what()), StartsWith(path + ": [1].route: route is empty"));
}

TEST_CASE("flow: a missing vehicle field is named", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[1]["vehicle"].erase("maxSpeed");
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "[1].vehicle.maxSpeed");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": [1].vehicle.maxSpeed: missing required key"));
}

TEST_CASE("flow: a mistyped vehicle field is named", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[0]["vehicle"]["minGap"] = "2.5";
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().field == "[0].vehicle.minGap");
  CHECK_THAT(std::string(e.what()),
             Contains("wrong type") && Contains("expected a number") && Contains("found \"2.5\""));
}

TEST_CASE("flow: negative or zero vehicle parameters are rejected",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  SECTION("negative length") {
    flow[0]["vehicle"]["length"] = -5.0;
    std::string path;
    const Error e = flow_error(dir, flow, path);
    CHECK(e.context().file == path);
    CHECK(e.context().field == "[0].vehicle.length");
    CHECK_THAT(std::string(e.what()),
               StartsWith(path + ": [0].vehicle.length: vehicle parameter must be positive") &&
                   Contains("expected > 0") && Contains("found -5"));
  }
  SECTION("zero maximum speed") {
    flow[1]["vehicle"]["maxSpeed"] = 0;
    std::string path;
    const Error e = flow_error(dir, flow, path);
    CHECK(e.context().field == "[1].vehicle.maxSpeed");
    CHECK_THAT(std::string(e.what()), Contains("must be positive") && Contains("found 0"));
  }
  SECTION("negative minimum gap") {
    flow[0]["vehicle"]["minGap"] = -1.0;
    std::string path;
    const Error e = flow_error(dir, flow, path);
    CHECK(e.context().field == "[0].vehicle.minGap");
    CHECK_THAT(std::string(e.what()), Contains("negative minimum gap") && Contains(">= 0 m"));
  }
}

TEST_CASE("flow: endTime before startTime is rejected", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[0]["startTime"] = 10;
  flow[0]["endTime"] = 5;
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "[0].endTime");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": [0].endTime: flow ends before it starts") &&
                 Contains("expected -1 (no end) or >= startTime 10") && Contains("found 5"));
}

TEST_CASE("flow: a non-positive interval is rejected", "[scenarios][cityflow][errors]") {
  const double interval = GENERATE(0.0, -2.0);
  TempDir dir;
  Json flow = tiny_flow();
  flow[1]["interval"] = interval;
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "[1].interval");
  CHECK_THAT(
      std::string(e.what()),
      StartsWith(path + ": [1].interval: interval must be positive") && Contains("expected > 0 s"));
}

TEST_CASE("flow: an interval that would make more than kMaxTrips trips is rejected",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[1]["interval"] = 1e-9;  // 1e10 departures in ten seconds
  flow[1]["endTime"] = 10;
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().field == "[1].interval");
  CHECK_THAT(std::string(e.what()), Contains("too many trips") &&
                                        Contains("at most 10000000 trips in all") &&
                                        Contains("1e-09 s between departures"));
}

TEST_CASE("flow: a negative startTime is rejected", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json flow = tiny_flow();
  flow[0]["startTime"] = -1;
  std::string path;
  const Error e = flow_error(dir, flow, path);
  CHECK(e.context().field == "[0].startTime");
  CHECK_THAT(std::string(e.what()), Contains("negative start time") && Contains("found -1"));
}

TEST_CASE("roadnet: lane link startLaneIndex out of range", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][1]["roadLinks"][0]["laneLinks"][1]["startLaneIndex"] = 2;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "intersections[1].roadLinks[0].laneLinks[1].startLaneIndex");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": intersections[1].roadLinks[0].laneLinks[1].startLaneIndex: "
                               "lane index out of range") &&
                 Contains("expected 0..1 (lanes of 'road_in')") && Contains("found 2"));
}

TEST_CASE("roadnet: lane link endLaneIndex out of range", "[scenarios][cityflow][errors]") {
  const int index = GENERATE(-1, 3);
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][1]["roadLinks"][0]["laneLinks"][0]["endLaneIndex"] = index;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "intersections[1].roadLinks[0].laneLinks[0].endLaneIndex");
  CHECK_THAT(std::string(e.what()), Contains("lane index out of range") &&
                                        Contains("expected 0..2 (lanes of 'road_out')") &&
                                        Contains("found " + std::to_string(index)));
}

TEST_CASE("roadnet: road link referencing an unknown road", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][1]["roadLinks"][0]["endRoad"] = "road_ghost";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "intersections[1].roadLinks[0].endRoad");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": intersections[1].roadLinks[0].endRoad: unknown road") &&
                 Contains("expected a road id of this roadnet") && Contains("found 'road_ghost'"));
}

TEST_CASE("roadnet: road link joining roads that do not meet there",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  // road_out starts at centre; a link from it cannot be at centre.
  net["intersections"][1]["roadLinks"][0]["startRoad"] = "road_out";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "intersections[1].roadLinks[0]");
  CHECK_THAT(std::string(e.what()),
             Contains("road link does not join roads that meet at this intersection") &&
                 Contains("'centre'") && Contains("found 'road_out' -> 'road_out'"));
}

TEST_CASE("roadnet: unknown road link type", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][1]["roadLinks"][0]["type"] = "go_sideways";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "intersections[1].roadLinks[0].type");
  CHECK_THAT(std::string(e.what()), Contains("unknown road link type") &&
                                        Contains("go_straight, turn_left") &&
                                        Contains("found 'go_sideways'"));
}

TEST_CASE("roadnet: road with an unknown start intersection", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][1]["startIntersection"] = "nowhere";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "roads[1].startIntersection");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": roads[1].startIntersection: unknown intersection") &&
                 Contains("expected an intersection id of this roadnet") &&
                 Contains("found 'nowhere'"));
}

TEST_CASE("roadnet: road without a required key", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][0].erase("endIntersection");
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "roads[0].endIntersection");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": roads[0].endIntersection: missing required key"));
}

TEST_CASE("roadnet: non-positive lane width", "[scenarios][cityflow][errors]") {
  const double width = GENERATE(0.0, -2.0);
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][0]["lanes"][1]["width"] = width;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "roads[0].lanes[1].width");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": roads[0].lanes[1].width: lane width must be positive") &&
                 Contains("expected > 0") && Contains(width < 0.0 ? "found -2" : "found 0"));
}

TEST_CASE("roadnet: mistyped lane width", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][1]["lanes"][0]["width"] = "wide";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "roads[1].lanes[0].width");
  CHECK_THAT(std::string(e.what()),
             Contains("wrong type") && Contains("expected a number") && Contains("found \"wide\""));
}

TEST_CASE("roadnet: non-positive lane maxSpeed", "[scenarios][cityflow][errors]") {
  const double speed = GENERATE(0.0, -11.0);
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][1]["lanes"][2]["maxSpeed"] = speed;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "roads[1].lanes[2].maxSpeed");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": roads[1].lanes[2].maxSpeed: lane speed limit must be positive") &&
                 Contains("expected > 0 m/s") && Contains(speed < 0.0 ? "found -11" : "found 0"));
}

TEST_CASE("roadnet: a road not longer than the intersections it joins",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  SECTION("zero length left after trimming") {
    // road_in is 100 m long and ends at centre: a 100 m wide centre leaves nothing of it.
    net["intersections"][1]["width"] = 100;
  }
  SECTION("negative length after trimming") {
    // A 150 m wide centre would cut 150 m off a 100 m road: its lanes would run backwards.
    net["intersections"][1]["width"] = 150;
  }
  SECTION("both ends trimmed by more than the road's length") {
    // A 40 m road between two real 30 m wide intersections.
    net["intersections"][0]["virtual"] = false;
    net["intersections"][0]["width"] = 30;
    net["intersections"][0]["point"] = point(-40, 0);
    net["roads"][0]["points"][0] = point(-40, 0);
    net["intersections"][1]["width"] = 30;
  }
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "roads[0]");
  CHECK_THAT(std::string(e.what()),
             StartsWith(path + ": roads[0]: road is not longer than the intersections it joins") &&
                 Contains("expected end segments longer than the intersection widths"));
}

TEST_CASE("roadnet: duplicate road id", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["roads"][1]["id"] = "road_in";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "roads[1].id");
  CHECK_THAT(std::string(e.what()), StartsWith(path + ": roads[1].id: duplicate road id") &&
                                        Contains("expected a unique id") &&
                                        Contains("found 'road_in'"));
}

TEST_CASE("roadnet: duplicate intersection id", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][2]["id"] = "west";
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "intersections[2].id");
  CHECK_THAT(std::string(e.what()), Contains("duplicate intersection id") && Contains("'west'"));
}

TEST_CASE("roadnet: lightphases availableRoadLinks index out of range",
          "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  Json& available = net["intersections"][1]["trafficLight"]["lightphases"][1]["availableRoadLinks"];
  std::string found;
  SECTION("past the end") {
    available = Json::array({0, 1});
    found = "found 1";
  }
  SECTION("negative") {
    available = Json::array({0, -1});
    found = "found -1";
  }
  SECTION("not an integer") {
    available = Json::array({0, "0"});
    found = "found \"0\"";
  }
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "intersections[1].trafficLight.lightphases[1].availableRoadLinks[1]");
  CHECK_THAT(
      std::string(e.what()),
      StartsWith(path + ": intersections[1].trafficLight.lightphases[1].availableRoadLinks[1]: "
                        "road link index out of range") &&
          Contains("expected an integer in 0..0") && Contains(found));
}

TEST_CASE("roadnet: a signal plan whose phases all last 0 s", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  for (Json& phase : net["intersections"][1]["trafficLight"]["lightphases"]) phase["time"] = 0;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().file == path);
  CHECK(e.context().field == "intersections[1].trafficLight.lightphases");
  CHECK_THAT(std::string(e.what()),
             Contains("signal plan without a positive cycle") && Contains("found a cycle of 0 s"));
}

TEST_CASE("roadnet: negative phase duration", "[scenarios][cityflow][errors]") {
  TempDir dir;
  Json net = tiny_roadnet();
  net["intersections"][1]["trafficLight"]["lightphases"][0]["time"] = -5;
  std::string path;
  const Error e = roadnet_error(dir, net, path);
  CHECK(e.context().field == "intersections[1].trafficLight.lightphases[0].time");
  CHECK_THAT(std::string(e.what()), Contains("negative phase duration") && Contains("found -5"));
}
