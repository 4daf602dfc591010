// OD matrices with time profiles (scenarios/od_matrix.h): trips per window, evenly spread,
// routed at free flow; every malformed file names line, column and what was expected.

#include <catch2/catch.hpp>

#include <string>

#include "engine/error.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;
using Catch::Matchers::Contains;
using parktwin::test::TempDir;

namespace {
const std::string kNet = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/sumo/grid4.net.xml";
const std::string kOd = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/od/grid4_od.csv";
}  // namespace

TEST_CASE("OD matrix: counts per window, evenly spread departures, fastest routes",
          "[scenarios][od]") {
  const traffic::Network net = scenarios::load_network(kNet);
  CHECK(scenarios::detect_format(kOd) == scenarios::InputFormat::od_csv);
  const traffic::Demand d = scenarios::load_demand(kOd, net, 3600);
  REQUIRE(d.trip_count() == 20 + 40 + 10 + 15 + 30 + 15);
  int first_window = 0;
  for (std::size_t i = 0; i < d.trip_count(); ++i) {
    const traffic::Trip& t = d.trips[i];
    if (i > 0) CHECK(t.depart_s >= d.trips[i - 1].depart_s);
    first_window += t.depart_s < 600 ? 1 : 0;
    const std::string origin = net.road_id[d.route_road(t, 0)];
    const std::string dest = net.road_id[d.route_road(t, t.route_length - 1)];
    CHECK(((origin == "top0A3" && dest == "A0bottom0") ||
           (origin == "left0A0" && dest == "D0right0")));
  }
  CHECK(first_window == 35);
  // 20 vehicles in 0-600 s: the first at 15 s, then every 30 s.
  CHECK(d.trips[0].depart_s == Approx(600.0 / 20 / 2));
  // Horizon cuts the later windows.
  CHECK(scenarios::load_demand(kOd, net, 600).trip_count() == 35);

  traffic::TrafficSim sim(net, d, {});
  for (int i = 0; i < 2400; ++i) sim.step();
  CHECK(sim.kpis().finished == d.trip_count());
}

TEST_CASE("OD matrix: malformed files are rejected with line, column and expectation",
          "[scenarios][od][errors]") {
  const traffic::Network net = scenarios::load_network(kNet);
  TempDir dir;
  auto error_of = [&](const std::string& text) {
    const std::string path = dir.write("od.csv", text);
    try {
      (void)scenarios::load_demand(path, net, 3600);
    } catch (const Error& e) {
      CHECK(e.context().file == path);
      return std::string(e.what());
    }
    FAIL("no error for:\n" << text);
    return std::string();
  };
  CHECK_THAT(error_of("origin,destination,0-600\nnowhere,A0bottom0,3\n"),
             Contains(":2:1: origin: unknown road") && Contains("found 'nowhere'"));
  CHECK_THAT(error_of("origin,destination,0-600,300-900\ntop0A3,A0bottom0,1,1\n"),
             Contains(":1:4: header: time windows overlap or go back"));
  CHECK_THAT(error_of("origin,destination,0-x\n"), Contains(":1:3: header: bad time window"));
  CHECK_THAT(error_of("origin,destination,600-0\n"), Contains("bad time window"));
  CHECK_THAT(error_of("origin,destination,0-600\ntop0A3,A0bottom0,-2\n"),
             Contains(":2:3: vehicles: bad vehicle count") && Contains("a whole number >= 0"));
  CHECK_THAT(error_of("origin,destination,0-600\ntop0A3,A0bottom0,2.5\n"),
             Contains("bad vehicle count"));
  CHECK_THAT(error_of("origin,destination,0-600\ntop0A3,A0bottom0\n"),
             Contains(":2:1: row: wrong number of cells") && Contains("found 2"));
  CHECK_THAT(error_of("origin,destination,0-600\nA0bottom0,A0A1,4\n"),
             Contains(":2:2: destination: destination cannot be reached from the origin"));
  CHECK_THAT(error_of("origin,destination,0-600\ntop0A3,A0bottom0,1e15\n"),
             Contains(":2:3: vehicles: too many trips") && Contains("at most 10000000"));
  // An OD matrix is not a network.
  CHECK_THROWS_WITH(scenarios::load_network(kOd),
                    Contains("an OD matrix is demand, not a road network"));
}
