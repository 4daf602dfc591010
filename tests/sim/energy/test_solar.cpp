// Sun position (sim/energy/solar_position.h) and irradiance on tilted planes
// (sim/energy/irradiance.h) against published values: the NREL SPA worked example, NREL spa.c
// reference data (512 azimuth/zenith rows, 128 rise/transit/set rows), extra SPA vectors, and
// the test values of pvlib-python; plus the analytic properties every transposition must keep.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/error.h"
#include "sim/energy/irradiance.h"
#include "sim/energy/solar_position.h"

using namespace parktwin;
using namespace parktwin::energy;

namespace {

// Absolute tolerance only (Catch's Approx also accepts a relative error of ~1e-5 by default,
// which would be 25 days on a Julian day).
Approx near(double expected, double margin) { return Approx(expected).epsilon(0.0).margin(margin); }

double hms(int h, int m, int s) { return h + m / 60.0 + s / 3600.0; }

// Smallest signed difference of two angles in degrees, and of two clock times in hours.
double angle_diff(double a, double b) { return std::remainder(a - b, 360.0); }
double hours_diff(double a, double b) { return std::remainder(a - b, 24.0); }

const std::string kReference = std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/reference/";

// Data lines of a reference file, or none (with a warning, as the other tests that read
// ../shared do) when the shared data is not checked out next to the repository.
// The settings the spa.c reference files were generated with (their headers): UTC, no
// delta UT1 or delta T, sea level, 1000 hPa, 10 C.
void spa_c_reference_settings(SpaInput& in) {
  in.timezone_h = 0.0;
  in.delta_ut1_s = 0.0;
  in.delta_t_s = 0.0;
  in.elevation_m = 0.0;
  in.pressure_hpa = 1000.0;
  in.temperature_c = 10.0;
  in.atmos_refract_deg = 0.5667;
}

std::vector<std::string> data_lines(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    WARN("shared data not found at " << path << "; reference check skipped");
    return {};
  }
  std::ifstream in(path);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream s(line);
  std::string field;
  while (std::getline(s, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();  // trailing empty field
  return fields;
}

// The worked example of Reda & Andreas, NREL/TP-560-34302, Appendix A.5 (Golden, Colorado).
SpaInput worked_example() {
  SpaInput in;
  in.year = 2003;
  in.month = 10;
  in.day = 17;
  in.hour = 12;
  in.minute = 30;
  in.second = 30.0;
  in.timezone_h = -7.0;
  in.delta_ut1_s = 0.0;
  in.delta_t_s = 67.0;
  in.latitude_deg = 39.742476;
  in.longitude_deg = -105.1786;
  in.elevation_m = 1830.14;
  in.pressure_hpa = 820.0;
  in.temperature_c = 11.0;
  in.slope_deg = 30.0;
  in.azimuth_rotation_deg = -10.0;
  in.atmos_refract_deg = 0.5667;
  return in;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sun position

TEST_CASE("SPA: the report's worked example, every intermediate and final value", "[solar]") {
  // Expected values: Reda & Andreas, NREL/TP-560-34302 (2008), Table A5.1, as collected in
  // shared/data/reference/solar-position-tests.md section 1, to the precision printed there.
  const SunPosition p = solar_position(worked_example());
  CHECK(p.julian_day == near(2452930.312847, 1e-6));
  CHECK(p.earth_heliocentric_longitude_deg == near(24.0182616917, 1e-10));
  CHECK(p.earth_heliocentric_latitude_deg == near(-0.0001011219, 1e-10));
  CHECK(p.earth_radius_vector_au == near(0.9965422974, 1e-10));
  CHECK(p.geocentric_longitude_deg == near(204.0182616917, 1e-10));
  CHECK(p.nutation_longitude_deg == near(-0.00399840, 1e-8));
  CHECK(p.nutation_obliquity_deg == near(0.00166657, 1e-8));
  CHECK(p.true_obliquity_deg == near(23.440465, 1e-6));
  CHECK(p.aberration_correction_deg == near(-0.005711, 1e-6));
  CHECK(p.apparent_sun_longitude_deg == near(204.0085519281, 1e-10));
  CHECK(p.greenwich_apparent_sidereal_time_deg == near(318.511910, 1e-6));
  CHECK(p.right_ascension_deg == near(202.227408, 1e-6));
  CHECK(p.declination_deg == near(-9.31434, 1e-5));
  CHECK(p.hour_angle_deg == near(11.105902, 1e-6));
  CHECK(p.topocentric_right_ascension_deg == near(202.22704, 1e-5));
  CHECK(p.topocentric_declination_deg == near(-9.316179, 1e-6));
  // The reference lists H' = 11.10629, which disagrees in the 5th decimal with its own alpha'
  // (H' = H - (alpha' - alpha) = 11.105902 + 0.00037 = 11.10627) and with e0 (39.872046 needs
  // H' = 11.10627 within 5e-6): check the identity tightly and the printed value to 3e-5.
  CHECK(
      p.topocentric_hour_angle_deg ==
      near(p.hour_angle_deg - (p.topocentric_right_ascension_deg - p.right_ascension_deg), 1e-12));
  CHECK(p.topocentric_hour_angle_deg == near(11.10629, 3e-5));
  CHECK(p.elevation_no_refraction_deg == near(39.872046, 1e-6));
  CHECK(p.refraction_correction_deg == near(0.016332, 1e-6));
  CHECK(p.elevation_deg == near(39.888378, 1e-6));
  CHECK(p.zenith_deg == near(50.111622, 1e-6));
  CHECK(p.astronomers_azimuth_deg == near(14.340241, 1e-6));
  CHECK(p.azimuth_deg == near(194.340241, 1e-6));
  CHECK(p.incidence_deg == near(25.18700, 1e-5));
  // Secondary source (a port quoting Table A5.1), see the reference file: agrees to 8e-6 min
  // (0.5 ms), checked to 1e-5 min.
  CHECK(p.equation_of_time_min == near(14.641503, 1e-5));
  // spa.c prints whole seconds (truncated): 06:12:43 and 17:20:19 local (UTC-7).
  CHECK(p.sunrise_h == near(hms(6, 12, 43), 1.0 / 3600.0));
  CHECK(p.sunset_h == near(hms(17, 20, 19), 1.0 / 3600.0));
  // Transit 11:46:04 is klausbrunner/solarpositioning's value (sidereal time at 0 UT, as A.2).
  CHECK(p.transit_h == near(hms(11, 46, 4), 2.0 / 3600.0));
}

TEST_CASE("SPA: the step-loop entry point gives the full algorithm's angles", "[solar]") {
  const SpaInput in = worked_example();
  const SunPosition full = solar_position(in);
  const SolarSite site{.latitude_deg = in.latitude_deg,
                       .longitude_deg = in.longitude_deg,
                       .elevation_m = in.elevation_m};
  const SunAngles fast =
      sun_angles(site, full.julian_day, in.delta_t_s, in.pressure_hpa, in.temperature_c);
  CHECK(fast.zenith_deg == near(full.zenith_deg, 1e-12));
  CHECK(fast.azimuth_deg == near(full.azimuth_deg, 1e-12));
  CHECK(fast.elevation_deg == near(90.0 - full.zenith_deg, 1e-12));
  CHECK(fast.earth_sun_distance_au == near(0.9965422974, 1e-10));
  CHECK(fast.declination_deg == near(-9.316179, 1e-6));

  // 2003-10-17T19:30:30Z as POSIX time: the same Julian day.
  CHECK(julian_day_from_unix(1066419030.0) == near(full.julian_day, 1e-8));
  CHECK(julian_day(2000, 1, 1, 12, 0, 0.0, 0.0, 0.0) == 2451545.0);  // J2000.0
}

TEST_CASE("SPA: out-of-range input is refused, naming the field", "[solar]") {
  const auto message_for = [](SpaInput in) {
    try {
      (void)solar_position(in);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  SpaInput in = worked_example();
  in.latitude_deg = 91.0;
  CHECK_THAT(message_for(in), Catch::Contains("SpaInput.latitude_deg") &&
                                  Catch::Contains("-90..90") && Catch::Contains("91"));
  in = worked_example();
  in.month = 13;
  CHECK_THAT(message_for(in), Catch::Contains("SpaInput.month"));
  in = worked_example();
  in.pressure_hpa = std::nan("");
  CHECK_THAT(message_for(in), Catch::Contains("SpaInput.pressure_hpa"));
  in = worked_example();
  in.second = 60.0;
  CHECK_THAT(message_for(in), Catch::Contains("SpaInput.second"));
}

TEST_CASE("SPA: 512 azimuth/zenith reference points of NREL spa.c within 0.01 deg", "[solar]") {
  // spa_reference_testdata_azimuth_zenith.csv (klausbrunner/solarpositioning, MIT), generated
  // by NREL spa.c of 08-SEP-2014 with the settings of its header, repeated here.
  const std::vector<std::string> rows =
      data_lines(kReference + "spa_reference_testdata_azimuth_zenith.csv");
  if (rows.empty()) return;
  REQUIRE(rows.size() == 512);
  double max_azimuth_error = 0.0;
  double max_zenith_error = 0.0;
  for (const std::string& row : rows) {
    SpaInput in;
    double expected_azimuth = 0.0;
    double expected_zenith = 0.0;
    int second = 0;
    REQUIRE(std::sscanf(row.c_str(), "%d-%d-%dT%d:%d:%dZ,%lf,%lf,%lf,%lf", &in.year, &in.month,
                        &in.day, &in.hour, &in.minute, &second, &in.latitude_deg, &in.longitude_deg,
                        &expected_azimuth, &expected_zenith) == 10);
    in.second = second;
    spa_c_reference_settings(in);
    const SunPosition p = solar_position(in);
    const double azimuth_error = std::abs(angle_diff(p.azimuth_deg, expected_azimuth));
    const double zenith_error = std::abs(p.zenith_deg - expected_zenith);
    INFO(row);
    CHECK(azimuth_error < 0.01);
    CHECK(zenith_error < 0.01);
    max_azimuth_error = std::max(max_azimuth_error, azimuth_error);
    max_zenith_error = std::max(max_zenith_error, zenith_error);
  }
  // The file prints 6 decimals; the same algorithm must reproduce it to its rounding (seen:
  // 5.0e-7 deg for both).
  INFO("512 rows: max |azimuth error| " << max_azimuth_error << " deg, max |zenith error| "
                                        << max_zenith_error << " deg");
  CHECK(max_azimuth_error < 1e-6);
  CHECK(max_zenith_error < 1e-6);
}

TEST_CASE("SPA: 128 sunrise/transit/sunset reference rows of NREL spa.c", "[solar]") {
  // spa_reference_testdata_sunrise.csv (same origin and settings): hh:mm:ss at timezone 0 for
  // the UTC date of the row; empty fields: no sunrise/sunset (polar day or night).
  const std::vector<std::string> rows =
      data_lines(kReference + "spa_reference_testdata_sunrise.csv");
  if (rows.empty()) return;
  REQUIRE(rows.size() == 128);
  double min_error_s = 0.0;
  double max_error_s = 0.0;
  int polar_rows = 0;
  for (const std::string& row : rows) {
    const std::vector<std::string> f = split_commas(row);
    REQUIRE(f.size() == 6);
    SpaInput in;
    REQUIRE(std::sscanf(f[0].c_str(), "%d-%d-%dT%d:%d", &in.year, &in.month, &in.day, &in.hour,
                        &in.minute) == 5);
    in.latitude_deg = std::stod(f[1]);
    in.longitude_deg = std::stod(f[2]);
    spa_c_reference_settings(in);
    const SunPosition p = solar_position(in);
    INFO(row);
    if (f[3].empty()) {
      ++polar_rows;
      CHECK(f[5].empty());
      CHECK(std::isnan(p.sunrise_h));
      CHECK(std::isnan(p.sunset_h));
      CHECK(std::isfinite(p.transit_h));  // the sun still crosses the meridian
      continue;
    }
    const double computed[3] = {p.sunrise_h, p.transit_h, p.sunset_h};
    for (int i = 0; i < 3; ++i) {
      int h = 0;
      int m = 0;
      int s = 0;
      REQUIRE(std::sscanf(f[static_cast<std::size_t>(3 + i)].c_str(), "%d:%d:%d", &h, &m, &s) == 3);
      // spa.c's times are printed truncated to whole seconds: computed - printed in [0, 1).
      const double error_s = hours_diff(computed[i], hms(h, m, s)) * 3600.0;
      CHECK(error_s > -0.01);
      CHECK(error_s < 1.0);
      min_error_s = std::min(min_error_s, error_s);
      max_error_s = std::max(max_error_s, error_s);
    }
  }
  CHECK(polar_rows == 16);  // Longyearbyen in June and December, four years
  INFO("128 rows: computed - printed from " << min_error_s << " to " << max_error_s << " s");
  CHECK(max_error_s - min_error_s < 1.0);
}

TEST_CASE("SPA: extra published vectors (klausbrunner/solarpositioning SPATest)", "[solar]") {
  // shared/data/reference/solar-position-tests.md section 3; values printed to 3-6 decimals.
  struct Case {
    int year, month, day, hour, minute, second;
    double timezone_h, lat, lon, elevation_m, delta_t_s, azimuth, zenith, tolerance;
  };
  const Case cases[] = {
      {2015, 6, 12, 9, 34, 11, -4.0, -3.107, -60.025, 100.0, 69.0, 51.608, 44.1425, 1e-3},
      {2012, 12, 22, 12, 0, 0, 0.0, -41.0, 0.0, 100.0, 0.0, 359.08592, 17.5658, 1e-4},
      {2012, 12, 22, 12, 0, 0, 0.0, -3.0, 0.0, 100.0, 0.0, 180.790356, 20.4285, 1e-4},
  };
  for (const Case& c : cases) {
    SpaInput in;
    in.year = c.year;
    in.month = c.month;
    in.day = c.day;
    in.hour = c.hour;
    in.minute = c.minute;
    in.second = c.second;
    in.timezone_h = c.timezone_h;
    in.latitude_deg = c.lat;
    in.longitude_deg = c.lon;
    in.elevation_m = c.elevation_m;
    in.delta_t_s = c.delta_t_s;
    in.pressure_hpa = 1000.0;
    in.temperature_c = 20.0;
    const SunPosition p = solar_position(in);
    INFO(c.year << "-" << c.month << "-" << c.day << " lat " << c.lat);
    CHECK(std::abs(angle_diff(p.azimuth_deg, c.azimuth)) < c.tolerance);
    CHECK(p.zenith_deg == near(c.zenith, c.tolerance));
  }

  // Midnight sun at Honningsvag, 2015-06-17, UTC+2: no sunrise or sunset, transit 12:16:55
  // (klausbrunner evaluates A.2 slightly differently from spa.c: seconds apart).
  SpaInput in;
  in.year = 2015;
  in.month = 6;
  in.day = 17;
  in.hour = 12;
  in.timezone_h = 2.0;
  in.latitude_deg = 70.978056;
  in.longitude_deg = 25.974722;
  const SunPosition p = solar_position(in);
  CHECK(std::isnan(p.sunrise_h));
  CHECK(std::isnan(p.sunset_h));
  CHECK(p.transit_h == near(hms(12, 16, 55), 10.0 / 3600.0));
}

// ---------------------------------------------------------------------------------------------
// Irradiance. Unless stated otherwise the numbers are pvlib-python's published test values,
// pvlib/tests/test_irradiance.py (commit 002b67159f2288581abfa172347b579a21810fdf): site
// 32.2 N, 111 W, 700 m, 2014-06-24 at 06:00, 12:00 and 18:00 local (the night row omitted),
// tilt 40 deg facing south, dni_extra 1321.1655834833093 W/m2.

namespace {

struct PvlibRow {
  double ghi, dni, dhi, apparent_zenith, azimuth, airmass;
};
constexpr PvlibRow kPvlibRows[3] = {
    {79.73860422, 316.1949056, 40.46149818, 82.85457044, 66.71410338, 7.58831596},
    {1042.48031487, 939.95469881, 118.45831879, 10.56413562, 144.76567754, 1.01688136},
    {257.20751138, 646.22886049, 62.03376265, 72.41687122, 287.04104128, 3.27930443},
};
constexpr double kPvlibDniExtra = 1321.1655834833093;
constexpr SurfaceOrientation kPvlibSurface{.tilt_deg = 40.0, .azimuth_deg = 180.0};

HorizontalIrradiance horizontal(const PvlibRow& r) {
  return HorizontalIrradiance{.ghi_w_m2 = r.ghi, .dni_w_m2 = r.dni, .dhi_w_m2 = r.dhi};
}
SunDirection sun(const PvlibRow& r) {
  return SunDirection{.zenith_deg = r.apparent_zenith, .azimuth_deg = r.azimuth};
}

}  // namespace

TEST_CASE("air mass: Kasten & Young 1989 as in pvlib's test fixture", "[irradiance]") {
  for (const PvlibRow& r : kPvlibRows) {
    CHECK(relative_air_mass(r.apparent_zenith) == near(r.airmass, 1e-7));
  }
  CHECK(relative_air_mass(0.0) == near(1.0, 3e-4));  // Kasten & Young: 0.99976 at zenith 0
  CHECK(std::isnan(relative_air_mass(90.5)));
  CHECK(absolute_air_mass(2.0, 506.625) == near(1.0, 1e-12));
}

TEST_CASE("extraterrestrial irradiance: SPA distance and Spencer agree", "[irradiance]") {
  // E0 = S / R^2 with the worked example's R (0.9965422974 AU, 2003-10-17, day 290).
  CHECK(extraterrestrial_normal_irradiance(0.9965422974) == near(1361.0 / 0.99309655, 1e-3));
  CHECK(extraterrestrial_normal_irradiance_spencer(290) ==
        near(extraterrestrial_normal_irradiance(0.9965422974), 1.0));
  // pvlib test_get_extra_radiation: day 300 of 2016 with S = 1366.1 W/m2 -> 1383.636203 (the
  // value of its "spencer" method; the test accepts all its methods within 10 W/m2).
  CHECK(extraterrestrial_normal_irradiance_spencer(300, 1366.1) == near(1383.636203, 1e-3));
  // Along one year (noon UT each day), Spencer's series stays within 0.15 % of S / R^2 with
  // the SPA's R (it overestimates by up to ~0.1 % around perihelion).
  double worst = 0.0;
  for (int doy = 1; doy <= 365; ++doy) {
    const double jd = julian_day(2023, 1, 1, 12, 0, 0.0, 0.0, 0.0) + (doy - 1);
    const SunAngles s = sun_angles(SolarSite{}, jd, 69.0, 1013.25, 15.0);
    const double spa = extraterrestrial_normal_irradiance(s.earth_sun_distance_au);
    worst = std::max(worst, std::abs(extraterrestrial_normal_irradiance_spencer(doy) / spa - 1));
  }
  INFO("Spencer vs SPA distance over 2023: max relative difference " << worst);  // seen 1.0e-3
  CHECK(worst < 1.5e-3);
}

TEST_CASE("transposition: ground-reflected and isotropic sky as published", "[irradiance]") {
  // pvlib test_get_ground_diffuse_simple_float: tilt 40, GHI 900, albedo 0.25 -> 26.32000014911
  CHECK(ground_reflected(40.0, 900.0, 0.25) == near(26.32000014911496, 1e-9));
  CHECK(ground_reflected(0.0, 900.0, 0.25) == 0.0);                  // a roof sees no ground
  CHECK(ground_reflected(90.0, 900.0, 0.2) == near(90.0, 1e-12));    // a facade sees half
  CHECK(ground_reflected(180.0, 900.0, 0.2) == near(180.0, 1e-12));  // facing down: all ground
  // pvlib test_isotropic_series: isotropic(40, dhi)
  const double expected_isotropic[3] = {35.728402, 104.601328, 54.777191};
  for (int i = 0; i < 3; ++i) {
    const PlaneIrradiance p = plane_irradiance_isotropic(kPvlibSurface, sun(kPvlibRows[i]),
                                                         horizontal(kPvlibRows[i]), 0.0);
    CHECK(p.sky_isotropic_w_m2 == near(expected_isotropic[i], 1e-6));
    CHECK(p.sky_circumsolar_w_m2 == 0.0);
    CHECK(p.ground_w_m2 == 0.0);
  }
}

TEST_CASE("transposition: Hay-Davies components as published by pvlib", "[irradiance]") {
  // pvlib test_haydavies_components (values from PVLIB MATLAB 1.4), 4 decimals.
  const double expected_isotropic[3] = {27.1775, 30.1818, 27.9837};
  const double expected_circumsolar[3] = {0.0, 72.8130, 5.2071};
  for (int i = 0; i < 3; ++i) {
    const PlaneIrradiance p = plane_irradiance_hay_davies(
        kPvlibSurface, sun(kPvlibRows[i]), horizontal(kPvlibRows[i]), kPvlibDniExtra, 0.0);
    INFO("row " << i);
    CHECK(p.sky_isotropic_w_m2 == near(expected_isotropic[i], 1e-4));
    CHECK(p.sky_circumsolar_w_m2 == near(expected_circumsolar[i], 1e-4));
    CHECK(p.sky_horizon_w_m2 == 0.0);
  }
}

TEST_CASE("transposition: Perez 1990 components as published by pvlib", "[irradiance]") {
  SECTION("test_perez_components: tilt 40 south, rows at 06:00 and 18:00") {
    struct Expected {
      int row;
      double sky, isotropic, circumsolar, horizon;
    };
    const Expected expected[] = {
        {0, 31.46046871, 26.84138589, 0.0, 4.62212181},
        {2, 45.45539877, 31.72696071, 4.47966439, 9.25316454},
    };
    for (const Expected& e : expected) {
      const PvlibRow& r = kPvlibRows[e.row];
      const PlaneIrradiance p = plane_irradiance_perez(kPvlibSurface, sun(r), horizontal(r),
                                                       kPvlibDniExtra, r.airmass, 0.0);
      INFO("row " << e.row);
      // pvlib's printed sky_diffuse differs from the sum of its printed components by 3e-3
      // (4e-3 for row 2); the test compares them to 2 decimals. The components match to 1e-6.
      CHECK(p.sky_diffuse_w_m2() == near(e.sky, 5e-3));
      CHECK(p.sky_isotropic_w_m2 == near(e.isotropic, 1e-6));
      CHECK(p.sky_circumsolar_w_m2 == near(e.circumsolar, 1e-6));
      CHECK(p.sky_horizon_w_m2 == near(e.horizon, 1e-6));
    }
  }
  SECTION("test_perez_negative_horizon: Goodwin Creek 2019-01-01 afternoon, tilt 34 south") {
    // Hard-coded inputs of the pvlib test (dni, dhi, zenith, azimuth, dni_extra, airmass) and
    // its expected sky diffuse, isotropic, circumsolar and horizon (6 significant digits).
    struct Case {
      double dni, dhi, zenith, azimuth, dni_extra, airmass;
      double sky, isotropic, circumsolar, horizon;
    };
    const Case cases[] = {
        {158, 249, 57.746951, 171.003315, 1414, 1.869315, 281.410185, 166.785419, 113.548755,
         1.076010},
        {19, 165, 57.564205, 187.346924, 1414, 1.859981, 152.20879, 142.24475, 16.09757, -6.13353},
        {1, 136, 60.813841, 202.974357, 1414, 2.044429, 123.867898, 119.173875, 9.956174,
         -5.262151},
        {0, 93, 66.989435, 216.725599, 1414, 2.544943, 82.836412, 83.525150, 3.142467, -3.831230},
        {0, 50, 75.353368, 228.317233, 1414, 3.900136, 43.517015, 45.725931, 0.0, -2.208923},
    };
    const SurfaceOrientation surface{.tilt_deg = 34.0, .azimuth_deg = 180.0};
    for (const Case& c : cases) {
      const PlaneIrradiance p = plane_irradiance_perez(
          surface, SunDirection{.zenith_deg = c.zenith, .azimuth_deg = c.azimuth},
          HorizontalIrradiance{.ghi_w_m2 = 0.0, .dni_w_m2 = c.dni, .dhi_w_m2 = c.dhi}, c.dni_extra,
          c.airmass, 0.0);
      INFO("zenith " << c.zenith);
      CHECK(p.sky_diffuse_w_m2() == near(c.sky, 2e-4));
      CHECK(p.sky_isotropic_w_m2 == near(c.isotropic, 2e-4));
      CHECK(p.sky_circumsolar_w_m2 == near(c.circumsolar, 2e-4));
      CHECK(p.sky_horizon_w_m2 == near(c.horizon, 2e-4));
    }
  }
}

TEST_CASE("transposition: a horizontal plane gets back GHI under every sky model", "[irradiance]") {
  // With GHI = DNI cos z + DHI (closure), tilt 0: beam = DNI cos z, sky = DHI, ground = 0.
  // (Perez: exact for zenith < 85 deg, where its b = cos z.)
  const SurfaceOrientation roof{.tilt_deg = 0.0, .azimuth_deg = 180.0};
  for (const PvlibRow& r : kPvlibRows) {
    const SunDirection s = sun(r);
    const double ghi = r.dni * std::cos(r.apparent_zenith * std::numbers::pi / 180.0) + r.dhi;
    const HorizontalIrradiance h{.ghi_w_m2 = ghi, .dni_w_m2 = r.dni, .dhi_w_m2 = r.dhi};
    INFO("zenith " << r.apparent_zenith);
    CHECK(plane_irradiance_isotropic(roof, s, h, 0.2).total_w_m2() == near(ghi, 1e-9));
    CHECK(plane_irradiance_hay_davies(roof, s, h, kPvlibDniExtra, 0.2).total_w_m2() ==
          near(ghi, 1e-9));
    CHECK(plane_irradiance_perez(roof, s, h, kPvlibDniExtra, r.airmass, 0.2).total_w_m2() ==
          near(ghi, 1e-9));
  }
}

TEST_CASE("transposition: beam geometry on planes facing, backing and below the sun",
          "[irradiance]") {
  const HorizontalIrradiance h{.ghi_w_m2 = 700.0, .dni_w_m2 = 800.0, .dhi_w_m2 = 100.0};
  const SunDirection s{.zenith_deg = 35.0, .azimuth_deg = 140.0};

  // A plane normal to the sun's rays receives all of DNI.
  const SurfaceOrientation facing{.tilt_deg = 35.0, .azimuth_deg = 140.0};
  CHECK(cos_incidence(facing, s) == near(1.0, 1e-12));
  CHECK(plane_irradiance_perez(facing, s, h, 1361.0, relative_air_mass(35.0), 0.2).beam_w_m2 ==
        near(800.0, 1e-9));
  CHECK(plane_irradiance_hay_davies(facing, s, h, 1361.0, 0.2).beam_w_m2 == near(800.0, 1e-9));

  // A facade turned away from the sun gets no beam and no circumsolar diffuse.
  const SurfaceOrientation away{.tilt_deg = 90.0, .azimuth_deg = 320.0};
  const PlaneIrradiance back = plane_irradiance_perez(away, s, h, 1361.0, 1.22, 0.2);
  CHECK(back.beam_w_m2 == 0.0);
  CHECK(back.sky_circumsolar_w_m2 == 0.0);
  CHECK(back.ground_w_m2 == near(0.2 * 700.0 / 2.0, 1e-9));

  // Sun below the horizon: no beam on any plane, even one whose normal points at the sun.
  const SunDirection night{.zenith_deg = 95.0, .azimuth_deg = 300.0};
  const SurfaceOrientation west_facade{.tilt_deg = 90.0, .azimuth_deg = 300.0};
  const HorizontalIrradiance twilight{.ghi_w_m2 = 5.0, .dni_w_m2 = 3.0, .dhi_w_m2 = 5.0};
  const double am = relative_air_mass(night.zenith_deg);  // NaN below the horizon
  for (const PlaneIrradiance& p :
       {plane_irradiance_isotropic(west_facade, night, twilight, 0.2),
        plane_irradiance_hay_davies(west_facade, night, twilight, 1361.0, 0.2),
        plane_irradiance_perez(west_facade, night, twilight, 1361.0, am, 0.2)}) {
    CHECK(p.beam_w_m2 == 0.0);
    CHECK(p.sky_circumsolar_w_m2 == 0.0);
    CHECK(p.sky_isotropic_w_m2 == near(2.5, 1e-12));  // isotropic: DHI (1 + cos 90) / 2
  }
}

TEST_CASE("transposition: Suzhou facades through a midsummer day", "[irradiance][solar]") {
  // SIP (31.32 N, 120.70 E, UTC+8) on 2024-06-21. At solar noon the sun is high in the south
  // (elevation ~ 90 - 31.32 + 23.44 = 82.1 deg, shared/data/reference section 5), so a north
  // facade gets no beam; in the early morning the sun rises north of east and it does.
  SpaInput in;
  in.year = 2024;
  in.month = 6;
  in.day = 21;
  in.timezone_h = 8.0;
  in.delta_t_s = 69.0;
  in.latitude_deg = 31.32;
  in.longitude_deg = 120.70;
  in.elevation_m = 5.0;
  const double transit_h = solar_position(in).transit_h;
  const SolarSite site{.latitude_deg = 31.32, .longitude_deg = 120.70, .elevation_m = 5.0};
  const double jd_midnight = julian_day(2024, 6, 21, 0, 0, 0.0, 0.0, 8.0);
  const auto sun_at = [&](double local_h) {
    const SunAngles a = sun_angles(site, jd_midnight + local_h / 24.0, 69.0, 1013.25, 28.0);
    return SunDirection{.zenith_deg = a.zenith_deg, .azimuth_deg = a.azimuth_deg};
  };
  const HorizontalIrradiance h{.ghi_w_m2 = 900.0, .dni_w_m2 = 700.0, .dhi_w_m2 = 200.0};
  const SurfaceOrientation north{.tilt_deg = 90.0, .azimuth_deg = 0.0};
  const SurfaceOrientation south{.tilt_deg = 90.0, .azimuth_deg = 180.0};

  const SunDirection noon = sun_at(transit_h);
  CHECK(90.0 - noon.zenith_deg == near(82.1, 0.2));
  CHECK(std::abs(angle_diff(noon.azimuth_deg, 180.0)) < 0.5);
  const double am_noon = relative_air_mass(noon.zenith_deg);
  const PlaneIrradiance north_noon = plane_irradiance_perez(north, noon, h, 1361.0, am_noon, 0.2);
  CHECK(north_noon.beam_w_m2 == 0.0);
  CHECK(north_noon.sky_circumsolar_w_m2 == 0.0);
  CHECK(north_noon.total_w_m2() > 0.0);  // diffuse and ground still reach it
  CHECK(plane_irradiance_perez(south, noon, h, 1361.0, am_noon, 0.2).beam_w_m2 > 0.0);

  const SunDirection morning = sun_at(6.5);
  CHECK(morning.azimuth_deg < 90.0);  // north of east
  CHECK(
      plane_irradiance_perez(north, morning, h, 1361.0, relative_air_mass(morning.zenith_deg), 0.2)
          .beam_w_m2 > 0.0);
}
