// The building stock (sim/buildings/building_stock.h): geometry, facade bins and the 5R1C
// zone's conductances of small footprints against values worked out by hand from the
// archetype's numbers, orientation independence, every archetype's sanity, and the errors
// for bad specs, each naming the file, line, building and field.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/error.h"
#include "sim/buildings/building_stock.h"
#include "tests/support/error_of.h"

using namespace parktwin;
using buildings::Archetype;
using buildings::BuildingSpec;
using buildings::BuildingStock;
using buildings::UseType;
using Catch::Matchers::Contains;
using geo::Vec2;

namespace {

// Facade bins: N, NE, E, SE, S, SW, W, NW.
constexpr std::size_t kN = 0, kNE = 1, kE = 2, kSE = 3, kS = 4, kSW = 5, kW = 6, kNW = 7;

// The 20 x 10 m box (long sides facing north and south), counter-clockwise.
std::vector<Vec2> box() { return {{0, 0}, {20, 0}, {20, 10}, {0, 10}}; }

BuildingSpec spec(std::string id, std::vector<Vec2> footprint, double height,
                  UseType use = UseType::office) {
  BuildingSpec s;
  s.id = std::move(id);
  s.footprint = std::move(footprint);
  s.height_m = height;
  s.use = use;
  s.file = "buildings.geojson";
  s.line = 7;
  return s;
}

BuildingStock one(const BuildingSpec& s) { return buildings::build_stock({&s, 1}); }

// The error build_stock throws for `s`, checked to name the file, line, id and field.
Error error_for(const std::vector<BuildingSpec>& specs, const std::string& id,
                const std::string& field, int line = 7) {
  const Error e = test::error_of([&] { buildings::build_stock(specs); });
  CHECK(e.context().file == "buildings.geojson");
  CHECK(e.context().line == line);
  CHECK(e.context().field == field);
  CHECK_THAT(e.message(), Contains("'" + id + "'"));
  return e;
}

}  // namespace

TEST_CASE("a 20 x 10 m office box of 4 floors: areas, facades and conductances by hand",
          "[buildings][stock]") {
  // The office archetype's numbers the hand calculation uses (archetypes.cpp).
  const Archetype& a = buildings::archetype(UseType::office);
  REQUIRE(a.storey_height_m == 3.5);
  REQUIRE(a.window_to_wall == 0.40);
  REQUIRE(a.u_window == 2.6);
  REQUIRE(a.u_wall == 0.80);
  REQUIRE(a.u_roof == 0.50);
  REQUIRE(a.u_ground_floor == 0.70);
  REQUIRE(a.infiltration_ach == 0.2);
  REQUIRE(a.floor_area_per_person_m2 == 10.0);
  REQUIRE(a.outdoor_air_m3_h_person == 30.0);

  const BuildingStock st = one(spec("box", box(), 14.0));  // floors from 14 m / 3.5 m
  REQUIRE(st.size() == 1);
  CHECK(st.floors[0] == 4);
  CHECK(st.footprint_area_m2[0] == Approx(200.0));
  CHECK(st.roof_area_m2[0] == Approx(200.0));
  CHECK(st.floor_area_m2[0] == Approx(800.0));
  // Facades: 20 m x 14 m = 280 m2 facing N and S, 10 m x 14 m = 140 m2 facing E and W; 40%
  // glazed.
  const auto& win = st.window_area_m2[0];
  const auto& wall = st.wall_area_m2[0];
  CHECK(win[kS] == Approx(112.0));
  CHECK(wall[kS] == Approx(168.0));
  CHECK(win[kN] == Approx(112.0));
  CHECK(wall[kN] == Approx(168.0));
  CHECK(win[kE] == Approx(56.0));
  CHECK(wall[kE] == Approx(84.0));
  CHECK(win[kW] == Approx(56.0));
  CHECK(wall[kW] == Approx(84.0));
  for (std::size_t k : {kNE, kSE, kSW, kNW}) {
    CHECK(win[k] == 0.0f);
    CHECK(wall[k] == 0.0f);
  }
  // H_tr,w = 2.6 x 336 m2 of windows.
  const buildings::ZoneCoefficients& z = st.zone[0];
  CHECK(z.h_tr_w == Approx(873.6));
  // H_tr,op = 0.8 x 504 m2 of wall + 0.5 x 200 m2 of roof + 0.7 x 200 m2 x 0.5 (ground)
  //         = 403.2 + 100 + 70 = 573.2 W/K, split by the 5R1C network into H_tr,ms in series
  // with H_tr,em.
  CHECK(1.0 / (1.0 / z.h_tr_ms + 1.0 / z.h_tr_em) == Approx(573.2));
  CHECK(z.h_tr_ms == Approx(9.1 * 2.5 * 800.0));
  // H_ve: 1200 J/m3K x (0.2 ach x 2800 m3 + 80 people x 30 m3/h) / 3600 s = 986.67 W/K
  // occupied; infiltration alone 1200 x 560 / 3600 = 186.67 W/K.
  CHECK(z.h_ve == Approx(1200.0 * (560.0 + 2400.0) / 3600.0));
  CHECK(st.zone_unoccupied[0].h_ve == Approx(1200.0 * 560.0 / 3600.0));
  CHECK(st.zone_unoccupied[0].h_tr_w == Approx(873.6));
  CHECK(z.c_m == Approx(165000.0 * 800.0));
  // Gains and plant at full schedule: 80 people x 70 W, 9 and 15 W/m2, 80 and 120 W/m2.
  CHECK(st.people_w[0] == Approx(5600.0));
  CHECK(st.lighting_w[0] == Approx(7200.0));
  CHECK(st.equipment_w[0] == Approx(12000.0));
  CHECK(st.heating_capacity_w[0] == Approx(64000.0));
  CHECK(st.cooling_capacity_w[0] == Approx(96000.0));
  CHECK(st.heating_setpoint_c[0] == 20.0f);
  CHECK(st.cooling_setpoint_c[0] == 26.0f);
  CHECK(st.g_value[0] == 0.40f);
  CHECK(st.frame_factor[0] == 0.3f);
  CHECK(st.u_wall[0] == 0.8f);
  CHECK(st.u_roof[0] == 0.5f);
  // One entry per building in every table.
  for (std::size_t size : {st.use.size(),
                           st.footprint.size(),
                           st.height_m.size(),
                           st.floor_area_m2.size(),
                           st.roof_area_m2.size(),
                           st.footprint_area_m2.size(),
                           st.floors.size(),
                           st.window_area_m2.size(),
                           st.wall_area_m2.size(),
                           st.g_value.size(),
                           st.frame_factor.size(),
                           st.u_wall.size(),
                           st.u_roof.size(),
                           st.zone.size(),
                           st.zone_unoccupied.size(),
                           st.people_w.size(),
                           st.lighting_w.size(),
                           st.equipment_w.size(),
                           st.heating_capacity_w.size(),
                           st.cooling_capacity_w.size(),
                           st.heating_setpoint_c.size(),
                           st.cooling_setpoint_c.size(),
                           st.heating_setback_c.size(),
                           st.cooling_setback_c.size(),
                           st.comfort_low_c.size(),
                           st.comfort_high_c.size(),
                           st.pv_kwp.size(),
                           st.feeder.size()}) {
    CHECK(size == 1);
  }
  // The footprint is stored closed.
  const geo::PolylineView ring = st.footprint[0];
  REQUIRE(ring.points().size() == 5);
  CHECK(ring.front() == ring.back());
  CHECK(ring.length() == Approx(60.0));
}

TEST_CASE("clockwise, counter-clockwise and closed rings give the same building",
          "[buildings][stock]") {
  std::vector<Vec2> cw = box();
  std::reverse(cw.begin(), cw.end());
  std::vector<Vec2> closed = box();
  closed.push_back(closed.front());
  std::vector<Vec2> shifted = {{20, 10}, {0, 10}, {0, 0}, {20, 0}};  // another start point
  const std::vector<BuildingSpec> specs = {spec("ccw", box(), 14.0), spec("cw", cw, 14.0),
                                           spec("closed", closed, 14.0),
                                           spec("shifted", shifted, 14.0)};
  const BuildingStock st = buildings::build_stock(specs);
  for (std::size_t b = 1; b < st.size(); ++b) {
    INFO(st.id[b]);
    CHECK(st.footprint_area_m2[b] == st.footprint_area_m2[0]);
    CHECK(st.window_area_m2[b] == st.window_area_m2[0]);
    CHECK(st.wall_area_m2[b] == st.wall_area_m2[0]);
    CHECK(st.zone[b].h_tr_em == Approx(st.zone[0].h_tr_em));
    // Stored counter-clockwise whatever was given.
    const auto pts = st.footprint[b].points();
    std::vector<Vec2> ring(pts.begin(), pts.end() - 1);
    CHECK(geo::signed_area(ring) > 0.0);
  }
}

TEST_CASE("an L-shaped footprint and a diamond: area and facade bins", "[buildings][stock]") {
  // L: a 30 x 10 m wing and a 10 x 15 m wing on its west end: 300 + 150 = 450 m2. Facades
  // (m of edge): S 30, E 10 + 15, N 20 + 10, W 25.
  const std::vector<Vec2> l = {{0, 0}, {30, 0}, {30, 10}, {10, 10}, {10, 25}, {0, 25}};
  // A square of side 10 sqrt 2 turned 45 degrees: 200 m2, one side facing each diagonal.
  const std::vector<Vec2> diamond = {{0, -10}, {10, 0}, {0, 10}, {-10, 0}};
  const std::vector<BuildingSpec> specs = {spec("L", l, 7.0), spec("diamond", diamond, 7.0)};
  const BuildingStock st = buildings::build_stock(specs);
  CHECK(st.footprint_area_m2[0] == Approx(450.0));
  CHECK(st.floors[0] == 2);
  CHECK(st.floor_area_m2[0] == Approx(900.0));
  const double h = 7.0;
  auto facade = [&](std::size_t b, std::size_t k) {
    return double(st.window_area_m2[b][k]) + double(st.wall_area_m2[b][k]);
  };
  CHECK(facade(0, kS) == Approx(30.0 * h));
  CHECK(facade(0, kE) == Approx(25.0 * h));
  CHECK(facade(0, kN) == Approx(30.0 * h));
  CHECK(facade(0, kW) == Approx(25.0 * h));
  CHECK(st.footprint_area_m2[1] == Approx(200.0));
  const double side = std::sqrt(200.0) * h;
  for (std::size_t k : {kNE, kSE, kSW, kNW}) CHECK(facade(1, k) == Approx(side));
  for (std::size_t k : {kN, kE, kS, kW}) CHECK(facade(1, k) == 0.0);
}

TEST_CASE("spec values override the archetype's", "[buildings][stock]") {
  BuildingSpec s = spec("custom", box(), 14.0);
  s.floors = 5;  // 2.8 m storeys
  s.window_to_wall = 0.5;
  s.u_window = 2.0;
  s.u_wall = 0.5;
  s.u_roof = 0.4;
  s.g_value = 0.3;
  s.heating_setpoint_c = 21.0;
  s.cooling_setpoint_c = 25.0;
  s.pv_kwp = 12.5;
  s.feeder = "feeder_north";
  const BuildingStock st = one(s);
  CHECK(st.floors[0] == 5);
  CHECK(st.floor_area_m2[0] == Approx(1000.0));
  CHECK(st.window_area_m2[0][kS] == Approx(140.0));
  CHECK(st.zone[0].h_tr_w == Approx(2.0 * 420.0));
  // 0.5 x 420 m2 of wall + 0.4 x 200 + 0.7 x 200 x 0.5.
  CHECK(1.0 / (1.0 / st.zone[0].h_tr_ms + 1.0 / st.zone[0].h_tr_em) == Approx(210.0 + 80.0 + 70.0));
  CHECK(st.g_value[0] == 0.3f);
  CHECK(st.u_wall[0] == 0.5f);
  CHECK(st.u_roof[0] == 0.4f);
  CHECK(st.heating_setpoint_c[0] == 21.0f);
  CHECK(st.cooling_setpoint_c[0] == 25.0f);
  CHECK(st.pv_kwp[0] == 12.5f);
  CHECK(st.feeder[0] == "feeder_north");
  CHECK(st.people_w[0] == Approx(100.0 * 70.0));
}

TEST_CASE("every archetype is sane and builds a valid zone for typical buildings",
          "[buildings][stock]") {
  struct Typical {
    std::vector<Vec2> footprint;
    double height;
  };
  const std::vector<Typical> shapes = {
      {{{0, 0}, {40, 0}, {40, 25}, {0, 25}}, 0.0},   // office plate, height from storeys
      {{{0, 0}, {60, 0}, {60, 15}, {0, 15}}, 0.0},   // residential slab
      {{{0, 0}, {80, 0}, {80, 50}, {0, 50}}, 0.0},   // shed
      {{{0, 0}, {12, 0}, {12, 12}, {0, 12}}, 0.0}};  // small pavilion
  for (std::size_t u = 0; u < buildings::kUseTypes; ++u) {
    const auto use = static_cast<UseType>(u);
    const Archetype& a = buildings::archetype(use);
    INFO(buildings::use_type_name(use));
    CHECK(a.use == use);
    CHECK(buildings::parse_use_type(buildings::use_type_name(use)) == use);
    for (double v :
         {a.u_wall, a.u_roof, a.u_ground_floor, a.u_window, a.storey_height_m,
          a.floor_area_per_person_m2, a.sensible_heat_per_person_w, a.lighting_w_m2,
          a.equipment_w_m2, a.outdoor_air_m3_h_person, a.infiltration_ach, a.heating_capacity_w_m2,
          a.cooling_capacity_w_m2, a.heat_capacity_j_km2, a.mass_area_factor}) {
      CHECK(v > 0.0);
    }
    CHECK((a.window_to_wall > 0.0 && a.window_to_wall < 1.0));
    CHECK((a.g_value > 0.0 && a.g_value < 1.0));
    CHECK((a.frame_factor >= 0.0 && a.frame_factor < 1.0));
    CHECK(a.heating_setback_c <= a.heating_setpoint_c);
    CHECK(a.heating_setpoint_c < a.cooling_setpoint_c);
    CHECK(a.cooling_setpoint_c <= a.cooling_setback_c);
    CHECK(a.comfort_low_c < a.comfort_high_c);
    for (const buildings::DaySchedule* day :
         {&a.occupancy_weekday, &a.occupancy_weekend, &a.lighting_weekday, &a.lighting_weekend,
          &a.equipment_weekday, &a.equipment_weekend}) {
      for (float f : *day) CHECK((f >= 0.0f && f <= 1.0f));
    }
    // Occupied some time in the week.
    CHECK(*std::max_element(a.occupancy_weekday.begin(), a.occupancy_weekday.end()) > 0.5f);

    for (int floors : {1, 3, 10, 30}) {
      for (const Typical& t : shapes) {
        BuildingSpec s = spec("typical", t.footprint, floors * a.storey_height_m, use);
        const BuildingStock st = one(s);  // throws if the zone does not fit the 5R1C model
        CHECK(st.floors[0] == floors);
        CHECK(st.zone[0].h_tr_em > 0.0);
        CHECK(st.zone[0].share_surface >= 0.0);
        CHECK(st.zone_unoccupied[0].h_ve < st.zone[0].h_ve);
      }
    }
  }
  CHECK_FALSE(buildings::parse_use_type("hospital").has_value());
}

TEST_CASE("bad specs are rejected naming the file, line, building and field",
          "[buildings][stock]") {
  SECTION("a self-intersecting bow-tie") {
    const Error e =
        error_for({spec("bow", {{0, 0}, {10, 10}, {10, 0}, {0, 10}}, 10.0)}, "bow", "footprint");
    CHECK_THAT(e.message(), Contains("edges 0 and 2 cross"));
  }
  SECTION("a spike folding back on itself") {
    error_for({spec("spike", {{0, 0}, {10, 0}, {5, 0}, {5, 5}}, 10.0)}, "spike", "footprint");
  }
  SECTION("a repeated point") {
    error_for({spec("rep", {{0, 0}, {10, 0}, {10, 0}, {10, 10}}, 10.0)}, "rep", "footprint[2]");
  }
  SECTION("too few points") {
    error_for({spec("line", {{0, 0}, {10, 0}, {0, 0}}, 10.0)}, "line", "footprint");
  }
  SECTION("a duplicate id, at the second one's line") {
    BuildingSpec first = spec("twin", box(), 14.0), second = spec("twin", box(), 14.0);
    second.line = 9;
    const Error e = error_for({first, second}, "twin", "id", 9);
    CHECK_THAT(e.context().found, Contains("buildings.geojson:7"));
  }
  SECTION("a negative height") {
    const Error e = error_for({spec("neg", box(), -3.0)}, "neg", "height");
    CHECK(e.context().found == "-3");
  }
  SECTION("floors that do not fit the height") {
    BuildingSpec s = spec("squashed", box(), 14.0);
    s.floors = 10;  // 1.4 m storeys
    error_for({s}, "squashed", "floors");
  }
  SECTION("a window share of 1.2") {
    BuildingSpec s = spec("glass", box(), 14.0);
    s.window_to_wall = 1.2;
    const Error e = error_for({s}, "glass", "window_to_wall");
    CHECK(e.context().found == "1.2");
  }
  SECTION("a heating set-point above the cooling set-point") {
    BuildingSpec s = spec("hot", box(), 14.0);
    s.heating_setpoint_c = 27.0;  // office cooling 26 C
    const Error e = error_for({s}, "hot", "heating_setpoint");
    CHECK_THAT(e.context().expected, Contains("26"));
  }
  SECTION("a zero U-value") {
    BuildingSpec s = spec("ideal", box(), 14.0);
    s.u_wall = 0.0;
    error_for({s}, "ideal", "u_wall");
  }
  SECTION("a g-value of 1") {
    BuildingSpec s = spec("clear", box(), 14.0);
    s.g_value = 1.0;
    error_for({s}, "clear", "g_value");
  }
  SECTION("negative PV") {
    BuildingSpec s = spec("pv", box(), 14.0);
    s.pv_kwp = -1.0;
    error_for({s}, "pv", "pv_kwp");
  }
}
