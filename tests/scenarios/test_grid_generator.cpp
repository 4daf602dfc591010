// The grid generator (scenarios/cityflow/grid_generator.h): its 4x4 (and 10x10) road network
// equals the team's shared CityFlow-generated files up to float rounding, its demand follows
// the shared files' rules statistically and loads through the CityFlow importers (which
// check that every route is connected), it is a pure function of the spec, and bad specs are
// refused with the field named.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "engine/error.h"
#include "scenarios/cityflow/cityflow.h"
#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/json_file.h"

namespace {

namespace fs = std::filesystem;
using parktwin::Error;
using parktwin::scenarios::grid_counts;
using parktwin::scenarios::grid_flow;
using parktwin::scenarios::grid_roadnet;
using parktwin::scenarios::GridSpec;
using parktwin::scenarios::Json;

std::string shared_file(const std::string& grid, const std::string& name) {
  return std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/cityflow/" + grid + "/" + name;
}

GridSpec spec(int rows, int cols) {
  GridSpec s;
  s.rows = rows;
  s.cols = cols;
  return s;
}

// The first difference between two JSON documents, as "path: what", or "" when they are
// equal: numbers within `tol`, objects with the same keys, arrays element by element except
// availableRoadLinks, which CityFlow writes from a Python set (hash order) and is compared
// as a set.
std::string first_difference(const Json& a, const Json& b, const std::string& path, double tol) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::abs(x - y) <= tol ? "" : fmt::format("{}: {} vs {}", path, x, y);
  }
  if (a.type() != b.type()) return fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
  if (a.is_object()) {
    for (const auto& [key, value] : a.items()) {
      if (!b.contains(key)) return fmt::format("{}.{}: missing in the second", path, key);
      Json x = value, y = b.at(key);
      if (key == "availableRoadLinks") {
        std::sort(x.begin(), x.end());
        std::sort(y.begin(), y.end());
      }
      if (std::string d = first_difference(x, y, fmt::format("{}.{}", path, key), tol); !d.empty())
        return d;
    }
    for (const auto& [key, value] : b.items())
      if (!a.contains(key)) return fmt::format("{}.{}: missing in the first", path, key);
    return "";
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return fmt::format("{}: {} vs {} elements", path, a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::string d = first_difference(a[i], b[i], fmt::format("{}[{}]", path, i), tol);
          !d.empty())
        return d;
    }
    return "";
  }
  return a == b ? "" : fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
}

void check_equals_shared_roadnet(const std::string& grid, int n) {
  const std::string path = shared_file(grid, "roadnet.json");
  if (!fs::exists(path)) {
    WARN("shared " << path << " not found; skipped");
    return;
  }
  const Json shared = parktwin::scenarios::read_json_file(path);
  const Json generated = grid_roadnet(spec(n, n));
  REQUIRE(generated.at("intersections").size() == shared.at("intersections").size());
  REQUIRE(generated.at("roads").size() == shared.at("roads").size());
  const std::string diff = first_difference(generated, shared, "roadnet", 1e-6);
  INFO("first difference: " << diff);
  CHECK(diff.empty());
}

// Integer parts of "road_x_y_d".
struct RoadKey {
  int x, y, d;
};
RoadKey parse_road(const std::string& id) {
  RoadKey k{};
  REQUIRE(std::sscanf(id.c_str(), "road_%d_%d_%d", &k.x, &k.y, &k.d) == 3);
  return k;
}

}  // namespace

TEST_CASE("generated 4x4 grid roadnet equals the shared CityFlow-generated grid_4x4",
          "[scenarios][grid]") {
  check_equals_shared_roadnet("grid_4x4", 4);
}

TEST_CASE("generated 10x10 grid roadnet equals the shared CityFlow-generated grid_10x10",
          "[scenarios][grid]") {
  check_equals_shared_roadnet("grid_10x10", 10);
}

TEST_CASE("generated grid demand follows the rules of the shared flow files", "[scenarios][grid]") {
  const GridSpec s = spec(4, 4);
  const Json roadnet = grid_roadnet(s);
  const Json flow = grid_flow(s);
  const double entries = 2.0 * (s.rows + s.cols);
  const double expected = entries * s.rate_veh_per_h * s.horizon_s / 3600.0;  // 3200
  // The total is fixed (as in the shared files); entry roads share it at random.
  REQUIRE(static_cast<double>(flow.size()) == expected);
  const double n = static_cast<double>(flow.size());

  // Every route is connected and uses known roads: the importers check both.
  const auto net = parktwin::scenarios::import_cityflow_roadnet(roadnet, "grid.roadnet");
  const auto demand = parktwin::scenarios::import_cityflow_flow(flow, "grid.flow", net, 3600.0);
  CHECK(demand.trip_count() == flow.size());
  CHECK(demand.types.size() == 1);

  std::map<std::string, int> per_entry;
  int straight = 0, left = 0, right = 0;
  std::map<int, int> turn_position;
  double depart_sum = 0.0;
  long long previous = 0;
  for (const Json& v : flow) {
    const Json& veh = v.at("vehicle");
    CHECK(veh.at("length") == 5.0);
    CHECK(veh.at("width") == 2.0);
    CHECK(veh.at("maxPosAcc") == 2.0);
    CHECK(veh.at("maxNegAcc") == 4.5);
    CHECK(veh.at("usualPosAcc") == 2.0);
    CHECK(veh.at("usualNegAcc") == 4.5);
    CHECK(veh.at("minGap") == 2.5);
    CHECK(veh.at("maxSpeed") == 11.111);
    CHECK(veh.at("headwayTime") == 2.0);
    const long long t = v.at("startTime").get<long long>();
    CHECK(v.at("endTime").get<long long>() == t);
    CHECK(t >= 1);
    CHECK(t <= 3599);
    CHECK(t >= previous);  // ordered by departure
    previous = t;
    depart_sum += static_cast<double>(t);

    const Json& route = v.at("route");
    REQUIRE(route.size() >= 2);
    const RoadKey first = parse_road(route.front().get<std::string>());
    // Enters from the boundary ring and leaves into it.
    CHECK((first.x == 0 || first.y == 0 || first.x == s.cols + 1 || first.y == s.rows + 1));
    const RoadKey last = parse_road(route.back().get<std::string>());
    const int ex = last.x + (last.d == 0 ? 1 : last.d == 2 ? -1 : 0);
    const int ey = last.y + (last.d == 1 ? 1 : last.d == 3 ? -1 : 0);
    CHECK((ex == 0 || ey == 0 || ex == s.cols + 1 || ey == s.rows + 1));
    ++per_entry[route.front().get<std::string>()];
    // At most one change of direction: none (straight), +1 (left) or -1 (right).
    int turns = 0, dir = first.d;
    for (std::size_t k = 1; k < route.size(); ++k) {
      const int d = parse_road(route[k].get<std::string>()).d;
      if (d == dir) continue;
      ++turns;
      ++turn_position[static_cast<int>(k)];
      if ((dir + 1) % 4 == d) {
        ++left;
      } else if ((d + 1) % 4 == dir) {
        ++right;
      } else {
        FAIL("U-turn in route");
      }
      dir = d;
    }
    CHECK(turns <= 1);
    if (turns == 0) {
      ++straight;
      CHECK(route.size() == static_cast<std::size_t>(s.rows + 1));  // square grid
    }
  }

  // Shares within 4 binomial standard deviations.
  auto within = [&](int count, double p) {
    const double sigma = std::sqrt(n * p * (1.0 - p));
    INFO("count " << count << ", expected " << n * p << " +- 4 x " << sigma);
    CHECK(std::abs(count - n * p) < 4.0 * sigma);
  };
  within(straight, 1.0 - 2.0 * s.turn_probability);
  within(left, s.turn_probability);
  within(right, s.turn_probability);
  // Every entry road used, each near the mean.
  CHECK(per_entry.size() == static_cast<std::size_t>(entries));
  for (const auto& [road, count] : per_entry) {
    INFO(road);
    within(count, 1.0 / entries);
  }
  // Turns at each of the 4 intersections along the path equally often.
  CHECK(turn_position.size() == 4);
  for (const auto& [k, count] : turn_position) {
    INFO("turn at intersection " << k);
    const double turning = static_cast<double>(left + right);
    const double sigma = std::sqrt(turning * 0.25 * 0.75);
    CHECK(std::abs(count - turning / 4.0) < 4.0 * sigma);
  }
  // Departures uniform over (0, 3600): mean 1800 within 4 standard errors.
  const double se = 3600.0 / std::sqrt(12.0) / std::sqrt(n);
  CHECK(std::abs(depart_sum / n - 1800.0) < 4.0 * se);
}

TEST_CASE("generated grid is a pure function of the spec", "[scenarios][grid]") {
  GridSpec s = spec(3, 5);
  const std::string roadnet = grid_roadnet(s).dump();
  const std::string flow = grid_flow(s).dump();
  CHECK(grid_roadnet(s).dump() == roadnet);
  CHECK(grid_flow(s).dump() == flow);
  s.seed = 43;
  CHECK(grid_roadnet(s).dump() == roadnet);  // the seed is the demand's only
  CHECK(grid_flow(s).dump() != flow);
  CHECK(grid_flow(s).size() == grid_flow(spec(3, 5)).size());
}

TEST_CASE("a rectangular grid has consistent counts and loads", "[scenarios][grid]") {
  GridSpec s = spec(2, 5);
  s.rate_veh_per_h = 300.0;
  s.horizon_s = 1200.0;
  const Json roadnet = grid_roadnet(s);
  const auto n = grid_counts(s);
  CHECK(n.vehicles == 1400);  // 14 entry roads x 300 veh/h x 1/3 h
  CHECK(roadnet.at("intersections").size() ==
        static_cast<std::size_t>(n.intersections + n.virtual_intersections));
  CHECK(roadnet.at("roads").size() == static_cast<std::size_t>(n.roads));
  const auto net = parktwin::scenarios::import_cityflow_roadnet(roadnet, "grid.roadnet");
  CHECK(net.road_count() == static_cast<std::size_t>(n.roads));
  CHECK(net.lane_count() == static_cast<std::size_t>(n.lanes));
  const auto demand =
      parktwin::scenarios::import_cityflow_flow(grid_flow(s), "grid.flow", net, s.horizon_s);
  CHECK(demand.trip_count() == 1400);
}

TEST_CASE("generated 30x30 grid has the expected size and 24000 vehicles", "[scenarios][grid]") {
  const GridSpec s = spec(30, 30);
  const Json roadnet = grid_roadnet(s);
  const Json flow = grid_flow(s);
  CHECK(roadnet.at("intersections").size() == 30 * 30 + 4 * 30);  // signalised + boundary
  CHECK(roadnet.at("roads").size() == 4 * 30 * 30 + 4 * 30);      // 3720
  std::size_t lanes = 0, real = 0;
  for (const Json& r : roadnet.at("roads")) lanes += r.at("lanes").size();
  for (const Json& i : roadnet.at("intersections")) real += i.at("virtual").get<bool>() ? 0 : 1;
  CHECK(lanes == 11160);  // 3 x 3720
  CHECK(real == 900);
  // SOURCE.md: 200 veh/h per boundary entry road, 4 x 30 = 120 entry roads.
  CHECK(flow.size() == 24000);
  const auto n = grid_counts(s);
  CHECK(n.entry_roads == 120);
  CHECK(n.lanes == 11160);
  const auto net = parktwin::scenarios::import_cityflow_roadnet(roadnet, "grid30.roadnet");
  CHECK(net.road_count() == 3720);
  CHECK(net.lane_count() == 11160);
  CHECK(parktwin::scenarios::import_cityflow_flow(flow, "grid30.flow", net, 3600.0).trip_count() ==
        24000);
}

TEST_CASE("bad grid specs are refused with the field named", "[scenarios][grid]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto expect_field = [](GridSpec s, const std::string& field) {
    INFO("field " << field);
    try {
      (void)grid_roadnet(s);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.context().field == field);
      CHECK_THAT(e.what(), Catch::Contains(field) && Catch::Contains("expected"));
    }
    CHECK_THROWS_AS(grid_flow(s), Error);
  };
  GridSpec s = spec(4, 4);
  s.rows = 0;
  expect_field(s, "rows");
  s = spec(4, -2);
  expect_field(s, "cols");
  s = spec(4, 4);
  s.link_m = 0.0;
  expect_field(s, "link_m");
  s = spec(4, 4);
  s.link_m = 60.0;  // not more than 2 x the 30 m intersection width
  expect_field(s, "link_m");
  s = spec(4, 4);
  s.intersection_width_m = -1.0;
  expect_field(s, "intersection_width_m");
  s = spec(4, 4);
  s.lane_speed_mps = nan;
  expect_field(s, "lane_speed_mps");
  s = spec(4, 4);
  s.rate_veh_per_h = -1.0;
  expect_field(s, "rate_veh_per_h");
  s = spec(4, 4);
  s.horizon_s = 0.0;
  expect_field(s, "horizon_s");
  s = spec(4, 4);
  s.turn_probability = 0.6;
  expect_field(s, "turn_probability");
  s = spec(4, 4);
  s.turn_probability = -0.1;
  expect_field(s, "turn_probability");
  s = spec(4, 4);
  s.vehicle.max_speed_mps = 0.0;
  expect_field(s, "vehicle.max_speed_mps");
}
