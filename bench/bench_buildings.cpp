// bench_buildings: stepping speed of the buildings subsystem (ISO 13790 5R1C zones, Perez
// irradiance on facades, ideal HVAC with temperature-dependent COP) under the shipped Shanghai
// weather, for synthetic stocks of 1k and 10k buildings with a one-minute step, with 1 and 2
// threads. One CSV line per (buildings, threads) run of one simulated day (1440 steps):
//   buildings,threads,steps,wall_s,building_steps_per_s,year_wall_s,electric_mwh
// year_wall_s extrapolates the day to 525,600 steps; electric_mwh must be equal across thread
// counts (the results are bit-identical).
//
// Then the cost of shading (sim/buildings/shading.h): the sun bins a year of hourly sun
// positions visits, each cast once for the whole stock:
//   shading,buildings,samples,bins_per_year,rays,wall_s
//
// usage: bench_buildings [--days N] [--sizes 1000,10000] [--threads-max N] [--no-shading]

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_cli.h"
#include "engine/parallel.h"
#include "sim/buildings/buildings_sim.h"
#include "sim/buildings/shading.h"
#include "sim/energy/solar_position.h"
#include "sim/energy/weather.h"
#include "tests/sim/buildings/synthetic_stock.h"

using namespace parktwin;

int main(int argc, char** argv) {
  int days = 1, threads_max = 2;
  bool no_shading = false;
  std::vector<std::size_t> sizes{1000, 10000};
  CLI::App app{"Stepping speed of the buildings subsystem, then the cost of shading.",
               "bench_buildings"};
  app.add_option("--days", days, "simulated days per run")->check(CLI::Range(1, 366));
  app.add_option("--sizes", sizes, "stock sizes, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--threads-max", threads_max, "runs with 1..N threads")->check(CLI::Range(1, 256));
  app.add_flag("--no-shading", no_shading, "skip the shading part");
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_buildings", [&]() -> int {
    const bool shading_part = !no_shading;
    const energy::WeatherSeries weather = energy::read_epw(
        std::string(PARKTWIN_SOURCE_DIR) +
        "/assets/weather/CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.1956-2023.epw");
    std::puts("buildings,threads,steps,wall_s,building_steps_per_s,year_wall_s,electric_mwh");
    for (const std::size_t n : sizes) {
      const buildings::BuildingStock stock = buildings::build_stock(test::synthetic_buildings(n));
      for (int threads = 1; threads <= threads_max; ++threads) {
        const par::ThreadLimit limit(threads);
        buildings::BuildingsConfig config;
        config.start_month = 7;
        config.start_day = 15;
        buildings::BuildingsSim sim(stock, weather, config);
        const int steps = days * 1440;
        const auto t0 = std::chrono::steady_clock::now();
        for (int s = 0; s < steps; ++s) sim.step();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double rate = static_cast<double>(steps) * static_cast<double>(n) / wall;
        std::printf("%zu,%d,%d,%.3f,%.4g,%.1f,%.6f\n", n, threads, steps, wall, rate,
                    wall * 525600.0 / steps, sim.kpis().electric_kwh / 1000.0);
        std::fflush(stdout);
      }
    }
    if (!shading_part) return 0;
    std::puts("shading,buildings,samples,bins_per_year,rays,wall_s");
    const energy::SolarSite site{weather.site.latitude_deg, weather.site.longitude_deg,
                                 weather.site.elevation_m, 0.5667};
    for (const std::size_t n : sizes) {
      const buildings::BuildingStock stock = buildings::build_stock(test::synthetic_buildings(n));
      buildings::SunShading shading(stock);
      for (int h = 0; h < 8760; ++h) {
        const double jd = energy::julian_day(2026, 1, 1, 0, 0, 0.0, 0.0, weather.site.timezone_h) +
                          (h + 0.5) / 24.0;
        const energy::SunAngles sun = energy::sun_angles(site, jd, 69.0, 1013.0, 15.0);
        (void)shading.at(sun.azimuth_deg, sun.elevation_deg);
      }
      const buildings::ShadingStats& st = shading.stats();
      std::printf("shading,%zu,%zu,%llu,%llu,%.3f\n", n, shading.samples(),
                  static_cast<unsigned long long>(st.bins_cast),
                  static_cast<unsigned long long>(st.rays), st.seconds);
      std::fflush(stdout);
    }
    return 0;
  });
}
