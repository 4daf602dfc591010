// The street-grid roadnet, Webster's signal settings and the SIP district generator
// (scenarios/district/): the network's structure where junctions are left out, the lanes of
// each movement, bridges over gaps, the settings against Webster's formulas worked by hand,
// and the district's determinism and consistency.

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "scenarios/cityflow/cityflow.h"
#include "scenarios/district/signal_timing.h"
#include "scenarios/district/sip_district.h"
#include "scenarios/district/street_grid.h"
#include "scenarios/od_matrix.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"

using namespace parktwin::scenarios::district;
using parktwin::scenarios::Json;

namespace {

// columns x rows junctions 400 m apart, all collectors unless named arterial.
StreetGrid grid(int columns, int rows, std::set<int> arterial_columns = {},
                std::set<int> arterial_rows = {}) {
  StreetGrid g;
  for (int c = 0; c < columns; ++c) {
    g.column_x_m.push_back(400.0 * c);
    g.column_class.push_back(arterial_columns.count(c) ? StreetClass::arterial
                                                       : StreetClass::collector);
  }
  for (int r = 0; r < rows; ++r) {
    g.row_y_m.push_back(400.0 * r);
    g.row_class.push_back(arterial_rows.count(r) ? StreetClass::arterial : StreetClass::collector);
  }
  g.present.assign(static_cast<std::size_t>(columns * rows), 1);
  return g;
}

void leave_out(StreetGrid& g, int c, int r) {
  g.present[static_cast<std::size_t>(r) * g.columns() + static_cast<std::size_t>(c)] = 0;
}

const Json& junction(const Json& roadnet, const std::string& id) {
  for (const Json& j : roadnet.at("intersections")) {
    if (j.at("id") == id) return j;
  }
  FAIL("no junction " << id);
  return roadnet;
}

const Json* road_link(const Json& j, const std::string& from, const std::string& to) {
  for (const Json& l : j.at("roadLinks")) {
    if (l.at("startRoad") == from && l.at("endRoad") == to) return &l;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("A ring of junctions round a left-out one: two-legged junctions, one phase each",
          "[scenarios][district]") {
  StreetGrid g = grid(3, 3);
  leave_out(g, 1, 1);
  const Json roadnet = street_grid_roadnet(g);
  CHECK(roadnet.at("intersections").size() == 8);  // no gates: collectors only
  CHECK(roadnet.at("roads").size() == 16);         // 8 links, both ways
  const auto net = parktwin::scenarios::import_cityflow_roadnet(roadnet, "ring.roadnet");
  CHECK(net.road_count() == 16);
  CHECK(net.lane_count() == 48);  // three lanes per direction
  for (const Json& j : roadnet.at("intersections")) {
    INFO(j.at("id"));
    CHECK(j.at("roadLinks").size() == 2);  // in along the ring, out along it; no U-turns
    CHECK(j.at("trafficLight").at("lightphases").size() == 1);
    CHECK(j.at("trafficLight").at("lightphases")[0].at("availableRoadLinks").size() == 2);
  }
  // The middle of the south side goes straight through, from the straight lane to all three.
  const Json* straight = road_link(junction(roadnet, "j_1_0"), "r_0_0_0", "r_1_0_0");
  REQUIRE(straight != nullptr);
  CHECK(straight->at("type") == "go_straight");
  CHECK(straight->at("laneLinks").size() == 3);
  for (const Json& ll : straight->at("laneLinks")) CHECK(ll.at("startLaneIndex") == 1);
}

TEST_CASE(
    "Arterials cross: left from lane 0, straight from lanes 1-2, right from lane 3, gates "
    "at their ends and four greens with clearances",
    "[scenarios][district]") {
  const StreetGrid g = grid(3, 3, {1}, {1});
  const Json roadnet = street_grid_roadnet(g);
  const Json& centre = junction(roadnet, "j_1_1");
  CHECK(centre.at("roadLinks").size() == 12);
  const auto lanes_of = [&](const std::string& from, const std::string& to) {
    const Json* l = road_link(centre, from, to);
    REQUIRE(l != nullptr);
    std::set<int> start;
    for (const Json& ll : l->at("laneLinks")) start.insert(ll.at("startLaneIndex").get<int>());
    return std::pair{start, l->at("laneLinks").size()};
  };
  // From the west (r_0_1_0, arriving heading east): north is a left turn, south a right one.
  CHECK(lanes_of("r_0_1_0", "r_1_1_1") == std::pair{std::set<int>{0}, std::size_t{4}});
  CHECK(lanes_of("r_0_1_0", "r_1_1_0") == std::pair{std::set<int>{1, 2}, std::size_t{8}});
  CHECK(lanes_of("r_0_1_0", "r_1_1_3") == std::pair{std::set<int>{3}, std::size_t{4}});
  CHECK(centre.at("trafficLight").at("lightphases").size() == 8);
  std::size_t gates = 0;
  for (const Json& j : roadnet.at("intersections")) gates += j.at("virtual").get<bool>() ? 1 : 0;
  CHECK(gates == 4);
  CHECK(junction(roadnet, "gate_-1_1").at("virtual") == true);
  const auto net = parktwin::scenarios::import_cityflow_roadnet(roadnet, "cross.roadnet");
  CHECK(net.junction_count() == 13);
}

TEST_CASE("An arterial bridges a gap of left-out junctions in one road but a collector does not",
          "[scenarios][district]") {
  StreetGrid g = grid(5, 3, {}, {1});
  leave_out(g, 2, 1);
  std::set<std::string> ids;
  for (const StreetRoad& r : street_roads(g)) {
    ids.insert(road_id(r.column, r.row, r.direction));
    if (r.column == 1 && r.row == 1 && r.direction == 0) {
      CHECK(r.end_column == 3);  // across the gap to the next junction
      CHECK(r.end_row == 1);
      CHECK(r.lanes == 4);
    }
  }
  CHECK(ids.count("r_1_1_0") == 1);
  CHECK(ids.count("r_3_1_2") == 1);
  CHECK(ids.count("r_2_0_1") == 0);  // the collector along column 2 stops at the gap
  g.bridge_gaps = false;
  std::set<std::string> without;
  for (const StreetRoad& r : street_roads(g)) without.insert(road_id(r.column, r.row, r.direction));
  CHECK(without.count("r_1_1_0") == 0);
  const auto net =
      parktwin::scenarios::import_cityflow_roadnet(street_grid_roadnet(g), "gap.roadnet");
  CHECK(net.road_count() == without.size());
}

TEST_CASE("Webster's settings for one junction equal the formulas worked by hand",
          "[scenarios][district]") {
  // A 3x3 grid of collectors (one straight lane each way): 540 veh/h east through the centre,
  // 360 veh/h north through it. y = 540 / 1800 = 0.3 and 360 / 1800 = 0.2, Y = 0.5; four
  // greens exist, L = 4 x 5 s = 20 s; C0 = (1.5 x 20 + 5) / (1 - 0.5) = 70 s; the effective
  // 50 s split 0.3 : 0.2, 30 / 20; the left-turn greens (no flow) get the 10 s minimum, which
  // lengthens the cycle to 90 s.
  const StreetGrid g = grid(3, 3);
  TimingSummary summary;
  const SignalGreens greens =
      webster_greens(g, {{"r_0_1_0", "r_1_1_0", 540.0}, {"r_1_0_1", "r_1_1_1", 360.0}}, &summary);
  REQUIRE(greens.count("j_1_1") == 1);
  CHECK(greens.at("j_1_1") == std::array<double, 4>{30.0, 10.0, 20.0, 10.0});
  CHECK(summary.unroutable == 0);
  CHECK(summary.saturated == 0);
  // The plans go into the roadnet in that order.
  const Json timed = street_grid_roadnet(g, greens);
  const Json& centre = junction(timed, "j_1_1");
  const Json& phases = centre.at("trafficLight").at("lightphases");
  REQUIRE(phases.size() == 8);
  CHECK(phases[0].at("time") == 30.0);
  CHECK(phases[1].at("time") == 5.0);
  CHECK(phases[4].at("time") == 20.0);
  // Oversaturated: Y capped at 0.85, C0 at 150 s: 130 s of green, 65 / 65, and the minimum
  // left-turn greens on top.
  const SignalGreens heavy =
      webster_greens(g, {{"r_0_1_0", "r_1_1_0", 1800.0}, {"r_1_0_1", "r_1_1_1", 1800.0}}, &summary);
  CHECK(summary.saturated >= 1);
  const auto& h = heavy.at("j_1_1");
  CHECK(h == std::array<double, 4>{65.0, 10.0, 65.0, 10.0});
  const auto unknown = parktwin::test::error_of([&] {
    webster_greens(g, {{"r_9", "r_1_1_1", 1}});
  });
  CHECK(std::string(unknown.what()).find("r_9") != std::string::npos);
}

TEST_CASE("The SIP district is deterministic, consistent and every trip has a route",
          "[scenarios][district]") {
  SipSpec spec;
  spec.demand_scale = 0.2;
  const SipDistrict a = make_sip_district(spec);
  const SipDistrict b = make_sip_district(spec);
  CHECK(a.roadnet == b.roadnet);
  CHECK(a.buildings == b.buildings);
  CHECK(a.od_csv == b.od_csv);
  spec.seed = 1;
  const SipDistrict c = make_sip_district(spec);
  CHECK(c.od_csv != a.od_csv);
  CHECK(c.buildings != a.buildings);  // the towers' heights

  const SipCounts& n = a.counts;
  CHECK(n.junctions >= 100);  // "on the order of 150 signalised junctions"
  CHECK(n.junctions <= 200);
  CHECK(n.buildings >= 1000);
  CHECK(n.trips > 3000);
  CHECK(n.timed_junctions > 100);

  // Every building's car park opens onto a road of the network and hangs on a feeder of the
  // grid file; every use is one of the archetypes.
  const auto net = parktwin::scenarios::import_cityflow_roadnet(a.roadnet, "sip.roadnet");
  std::set<std::string> roads(net.road_id.begin(), net.road_id.end());
  for (const Json& f : a.buildings.at("features")) {
    const Json& p = f.at("properties");
    INFO(p.at("id"));
    CHECK(roads.count(p.at("car_park_road").get<std::string>()) == 1);
    CHECK(a.grid_toml.find("name = \"" + p.at("feeder").get<std::string>() + "\"") !=
          std::string::npos);
  }
  // The OD matrix loads and routes every trip.
  parktwin::test::TempDir dir;
  const std::string od = dir.write("od.csv", a.od_csv);
  const auto demand = parktwin::scenarios::import_od_matrix(od, net, spec.duration_s);
  CHECK(demand.trip_count() == n.trips);

  const auto bad = parktwin::test::error_of([] {
    SipSpec s;
    s.demand_scale = 0.0;
    make_sip_district(s);
  });
  CHECK(bad.context().field == "demand_scale");
}
