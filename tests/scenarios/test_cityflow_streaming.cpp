// The CityFlow readers stream their files one intersection, road or flow at a time
// (scenarios/json_file.h, stream_json_file). They must build exactly what the in-memory
// importers build from the parsed document, whatever order the file lists its arrays in.

#include <catch2/catch.hpp>

#include <string>

#include "scenarios/cityflow/cityflow.h"
#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/json_file.h"
#include "tests/support/temp_dir.h"

namespace {

using parktwin::scenarios::Json;
using parktwin::test::TempDir;
namespace traffic = parktwin::traffic;

void check_same_network(const traffic::Network& a, const traffic::Network& b) {
  CHECK(a.junction_id == b.junction_id);
  CHECK(a.road_id == b.road_id);
  CHECK(a.road_first_lane == b.road_first_lane);
  CHECK(a.seg_length_m == b.seg_length_m);
  CHECK(a.seg_speed_limit_mps == b.seg_speed_limit_mps);
  CHECK(a.lane_links_begin == b.lane_links_begin);
  CHECK(a.link_from_lane == b.link_from_lane);
  CHECK(a.link_to_lane == b.link_to_lane);
  CHECK(a.link_movement == b.link_movement);
  CHECK(a.movement_green_phases == b.movement_green_phases);
  CHECK(a.link_yield_begin == b.link_yield_begin);
  CHECK(a.link_yield_to == b.link_yield_to);
  REQUIRE(a.seg_shape.size() == b.seg_shape.size());
  for (std::size_t s = 0; s < a.seg_shape.size(); ++s) {
    const auto pa = a.seg_shape[s].points(), pb = b.seg_shape[s].points();
    REQUIRE(pa.size() == pb.size());
    for (std::size_t i = 0; i < pa.size(); ++i) REQUIRE(pa[i] == pb[i]);
  }
}

parktwin::scenarios::GridSpec small_grid() {
  parktwin::scenarios::GridSpec spec;
  spec.rows = 3;
  spec.cols = 4;
  return spec;
}

}  // namespace

TEST_CASE("streamed CityFlow files build what the in-memory importers build",
          "[scenarios][cityflow]") {
  TempDir dir;
  const Json roadnet = parktwin::scenarios::grid_roadnet(small_grid());
  const Json flow = parktwin::scenarios::grid_flow(small_grid());
  const std::string roadnet_path = dir.write_json("roadnet.json", roadnet);
  const std::string flow_path = dir.write_json("flow.json", flow);

  const traffic::Network streamed = parktwin::scenarios::read_cityflow_roadnet(roadnet_path);
  const traffic::Network parsed = parktwin::scenarios::import_cityflow_roadnet(roadnet, "x");
  check_same_network(streamed, parsed);
  CHECK(streamed.link_count() > 0);
  CHECK(streamed.signal_count() == 12);

  const traffic::Demand d1 = parktwin::scenarios::read_cityflow_flow(flow_path, streamed, 3600);
  const traffic::Demand d2 = parktwin::scenarios::import_cityflow_flow(flow, "x", parsed, 3600);
  REQUIRE(d1.trip_count() == d2.trip_count());
  CHECK(d1.trip_count() > 0);
  CHECK(d1.route_roads == d2.route_roads);
  CHECK(d1.trip_id == d2.trip_id);
  for (std::size_t i = 0; i < d1.trip_count(); ++i) {
    REQUIRE(d1.trips[i].depart_s == d2.trips[i].depart_s);
    REQUIRE(d1.trips[i].route_begin == d2.trips[i].route_begin);
  }
}

TEST_CASE("a roadnet listing its roads before its intersections reads the same",
          "[scenarios][cityflow]") {
  TempDir dir;
  const Json roadnet = parktwin::scenarios::grid_roadnet(small_grid());
  // nlohmann writes keys sorted ("intersections" first); write them the other way round.
  const std::string text = "{\"roads\": " + roadnet["roads"].dump() +
                           ",\n \"intersections\": " + roadnet["intersections"].dump() + "}\n";
  const std::string path = dir.write("roadnet.json", text);
  check_same_network(parktwin::scenarios::read_cityflow_roadnet(path),
                     parktwin::scenarios::import_cityflow_roadnet(roadnet, "x"));
}

TEST_CASE("stream_json_file hands over elements in order and keeps the rest", "[scenarios][json]") {
  TempDir dir;
  const std::string path =
      dir.write("doc.json", R"({"a": [1, {"b": 2}, [3]], "keep": {"c": [4, 5]}, "z": []})");
  parktwin::scenarios::JsonStream stream;
  stream.array_keys = {"a", "z"};
  std::vector<std::string> seen;
  stream.on_element = [&](std::string_view key, std::size_t index, const Json& element) {
    seen.push_back(std::string(key) + "[" + std::to_string(index) + "]=" + element.dump());
  };
  const Json rest = parktwin::scenarios::stream_json_file(path, stream);
  CHECK(seen == std::vector<std::string>{"a[0]=1", "a[1]={\"b\":2}", "a[2]=[3]"});
  CHECK(rest == Json::parse(R"({"a": [], "keep": {"c": [4, 5]}, "z": []})"));

  // A root of the other kind is returned whole, without streaming.
  seen.clear();
  const std::string array_path = dir.write("array.json", "[1, 2]");
  CHECK(parktwin::scenarios::stream_json_file(array_path, stream) == Json::parse("[1, 2]"));
  CHECK(seen.empty());
}
