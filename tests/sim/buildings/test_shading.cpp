// Shading between buildings (sim/buildings/shading.h) against the geometry of a shadow: a
// 30 m block 20 m south of a 10 m one darkens the low one's south wall while the sun is below
// atan(25 / 20) = 51.3 degrees (its samples stand at 5 m), and not above; and the shade takes
// solar gains and PV output away from the building it falls on.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/parallel.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/buildings/shading.h"
#include "tests/sim/buildings/synthetic_stock.h"

using namespace parktwin;
using namespace parktwin::buildings;

namespace {

BuildingSpec box(const std::string& id, double x0, double y0, double w, double d, double h,
                 double pv_kwp = 0.0) {
  BuildingSpec s;
  s.id = id;
  s.footprint = {{x0, y0}, {x0 + w, y0}, {x0 + w, y0 + d}, {x0, y0 + d}};
  s.height_m = h;
  s.floors = std::max(1, static_cast<int>(h / 3.5));
  s.use = UseType::office;
  s.pv_kwp = pv_kwp;
  return s;
}

// "low" (20 x 20 m, 10 m) north of "tower" (20 x 20 m, 30 m) across a 20 m gap.
std::vector<BuildingSpec> pair(double low_pv_kwp = 0.0) {
  return {box("low", 0.0, 40.0, 20.0, 20.0, 10.0, low_pv_kwp),
          box("tower", 0.0, 0.0, 20.0, 20.0, 30.0)};
}

constexpr std::size_t kSouth = 4;  // facade bin facing 180 degrees

const energy::WeatherSeries& shanghai() {
  static const energy::WeatherSeries w = energy::read_epw(
      std::string(PARKTWIN_SOURCE_DIR) +
      "/assets/weather/CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.1956-2023.epw");
  return w;
}

}  // namespace

TEST_CASE("a taller block shades the south wall below the sun's cut-off angle",
          "[buildings][shading]") {
  const BuildingStock stock = build_stock(pair());
  SunShading shading(stock);
  // Bin 45-50 degrees (cast at 47.5): the shadow's top on the low wall is 30 - 20 tan 47.5 =
  // 8.2 m, above its samples at 5 m: dark.
  const auto dark = shading.at(180.0, 47.0);
  CHECK(dark[0].facade[kSouth] == 0.0f);
  // 50-55 (52.5): 30 - 20 tan 52.5 = 3.9 m, below them: lit.
  const auto bright = shading.at(180.0, 53.0);
  CHECK(bright[0].facade[kSouth] == 1.0f);
  // The roof (10.3 m, 23-37 m from the tower) is in the sun at both.
  CHECK(dark[0].roof == 1.0f);
  // Low in the south (12.5 degrees): the roof too.
  CHECK(shading.at(180.0, 12.0)[0].roof == 0.0f);
  // Nothing stands south of the tower, nor does the low block shade it or itself.
  CHECK(dark[1].facade[kSouth] == 1.0f);
  CHECK(dark[1].roof == 1.0f);
  // Walls turned from the sun have no beam to lose: reported lit.
  CHECK(dark[0].facade[0] == 1.0f);
  // From the north, the tower's north wall is in the low block's shadow near the ground only:
  // its samples at 3.75 m and above: the low block's 10 m shadow reaches 10 - 20 tan 12.5 = 5.6 m.
  const auto north = shading.at(0.0, 12.0);
  CHECK(north[1].facade[0] > 0.0f);
  CHECK(north[1].facade[0] < 1.0f);
  // Bins are cast once each.
  CHECK(shading.stats().bins_cast == 4);
  (void)shading.at(180.0, 46.0);
  CHECK(shading.stats().bins_cast == 4);
  CHECK(shading.at(90.0, -5.0)[0].roof == 1.0f);  // night: no beam
}

TEST_CASE("shade takes solar gains and PV from the building it falls on", "[buildings][shading]") {
  const BuildingStock stock = build_stock(pair(/*low_pv_kwp=*/50.0));
  const auto run = [&](bool shading) {
    BuildingsConfig c;
    c.start_year = 2026;
    c.start_month = 12;  // winter: a low sun, long shadows
    c.start_day = 21;
    c.warmup_days = 0;
    c.shading = shading;
    BuildingsSim sim(stock, shanghai(), c);
    for (int i = 0; i < 7 * 1440; ++i) sim.step();
    return sim.state();
  };
  const BuildingsState open = run(false), shaded = run(true);
  // The low block: less sun in, more heating, less PV; the tower: the same as without shading.
  INFO("low: heating " << open.heating_kwh[0] << " -> " << shaded.heating_kwh[0] << " kWh, PV "
                       << open.pv_kwh[0] << " -> " << shaded.pv_kwh[0] << " kWh");
  CHECK(shaded.heating_kwh[0] > open.heating_kwh[0]);
  // (About -14 % over the week: half the roof is in the tower's shadow at the December noon
  // and all of it in the low sun around; the diffuse light, half of the winter's, stays.)
  CHECK(shaded.pv_kwh[0] < 0.9 * open.pv_kwh[0]);
  CHECK(shaded.heating_kwh[1] == open.heating_kwh[1]);
  CHECK(shaded.mass_c[1] == open.mass_c[1]);
}

TEST_CASE("shading shares are the same for 1 and 2 threads",
          "[threads][buildings][shading][determinism]") {
  const BuildingStock stock = build_stock(test::synthetic_buildings(400));
  const auto cast = [&](int threads) {
    const par::ThreadLimit limit(threads);
    SunShading shading(stock);
    std::vector<LitShares> all;
    for (const auto& [az, el] : {std::pair{100.0, 8.0}, {180.0, 30.0}, {250.0, 15.0}}) {
      const auto shares = shading.at(az, el);
      all.insert(all.end(), shares.begin(), shares.end());
    }
    return std::pair{all, shading.stats().rays};
  };
  const auto [one, one_rays] = cast(1);
  const auto [two, two_rays] = cast(2);
  REQUIRE(one.size() == two.size());
  CHECK(one_rays == two_rays);
  std::size_t differ = 0, in_shade = 0;
  for (std::size_t i = 0; i < one.size(); ++i) {
    differ += one[i].roof != two[i].roof || one[i].facade != two[i].facade ? 1 : 0;
    in_shade += one[i].roof < 1.0f ? 1 : 0;
  }
  CHECK(differ == 0);
  CHECK(in_shade > 0);  // the low suns do shade some roofs of the grid
}
