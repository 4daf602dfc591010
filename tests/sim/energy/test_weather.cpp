// EPW weather (sim/energy/weather.h): the shipped Shanghai file read whole, values at hours and
// between them, and bad files refused with the file, line and field named.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/error.h"
#include "sim/energy/weather.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

const std::string kEpw =
    std::string(PARKTWIN_SOURCE_DIR) +
    "/assets/weather/CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.1956-2023.epw";

std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The shipped file with line `line` (1-based) replaced by `replacement`.
std::string with_line(int line, const std::string& replacement) {
  std::istringstream in(text_of(kEpw));
  std::string out, l;
  for (int n = 1; std::getline(in, l); ++n) out += (n == line ? replacement : l) + "\n";
  return out;
}

// Line `line` of the shipped file with field `index` (0-based) set to `value`.
std::string with_field(int line, int index, const std::string& value) {
  std::istringstream in(text_of(kEpw));
  std::string l;
  for (int n = 1; n <= line; ++n) std::getline(in, l);
  std::vector<std::string> f;
  std::stringstream fields(l);
  for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
  f[static_cast<std::size_t>(index)] = value;
  std::string joined;
  for (std::size_t i = 0; i < f.size(); ++i) joined += (i ? "," : "") + f[i];
  return with_line(line, joined);
}

double d(float v) { return static_cast<double>(v); }

}  // namespace

TEST_CASE("the shipped Shanghai EPW reads whole", "[weather]") {
  const energy::WeatherSeries w = energy::read_epw(kEpw);
  CHECK(w.site.city == "Shanghai-Hongqiao.Intl.AP");
  CHECK(w.site.wmo == "583670");
  CHECK(w.site.latitude_deg == 31.198);
  CHECK(w.site.longitude_deg == 121.336);
  CHECK(w.site.timezone_h == 8.0);
  CHECK(w.site.elevation_m == 3.0);
  REQUIRE(w.hours() == 8760);
  // First and last records, as in the file.
  CHECK(w.month.front() == 1);
  CHECK(w.hour.front() == 1);
  CHECK(w.dry_bulb_c[0] == 0.7f);
  CHECK(w.dew_point_c[0] == -5.0f);
  CHECK(w.pressure_pa[0] == 101287.0f);
  CHECK(w.sky_infrared_wm2[0] == 218.0f);
  CHECK(w.wind_speed_mps[0] == 3.0f);
  CHECK(w.albedo[0] == 0.28f);
  CHECK(w.month.back() == 12);
  CHECK(w.day.back() == 31);
  CHECK(w.hour.back() == 24);
  // The file's annual and monthly sums as ../shared/data/reference/REFERENCE.md lists them
  // (section A): GHI 1470.8 kWh/m2, DNI 1348.1, DHI 595.0, January GHI 89.4; and its mean
  // temperature, 17.0 C (section D).
  double t_sum = 0.0, ghi = 0.0, dni = 0.0, dhi = 0.0, ghi_jan = 0.0;
  for (std::size_t h = 0; h < w.hours(); ++h) {
    t_sum += d(w.dry_bulb_c[h]);
    ghi += d(w.ghi_wm2[h]);
    dni += d(w.dni_wm2[h]);
    dhi += d(w.dhi_wm2[h]);
    if (w.month[h] == 1) ghi_jan += d(w.ghi_wm2[h]);
  }
  CHECK(ghi / 1000.0 == Approx(1470.8).margin(0.05));
  CHECK(dni / 1000.0 == Approx(1348.1).margin(0.05));
  CHECK(dhi / 1000.0 == Approx(595.0).margin(0.05));
  CHECK(ghi_jan / 1000.0 == Approx(89.4).margin(0.05));
  CHECK(t_sum / 8760.0 == Approx(17.0).margin(0.05));
}

TEST_CASE("weather between the hours: temperatures interpolated, radiation hourly", "[weather]") {
  const energy::WeatherSeries w = energy::read_epw(kEpw);
  // Record k is the hour ending at (k + 1) h: its temperature is the value at that mark.
  const energy::WeatherNow at1 = energy::weather_at(w, 3600.0);
  CHECK(at1.dry_bulb_c == Approx(w.dry_bulb_c[0]));
  const energy::WeatherNow half = energy::weather_at(w, 1.5 * 3600.0);
  CHECK(half.dry_bulb_c == Approx(0.5 * (d(w.dry_bulb_c[0]) + d(w.dry_bulb_c[1]))));
  // Before the first mark the year wraps: between Dec 31 24:00 and Jan 1 01:00.
  const energy::WeatherNow early = energy::weather_at(w, 0.25 * 3600.0);
  CHECK(early.dry_bulb_c ==
        Approx(0.75 * d(w.dry_bulb_c[8759]) + 0.25 * d(w.dry_bulb_c[0])).epsilon(1e-6));
  // Radiation keeps the hour's mean, so energy over whole hours is the file's: noon of July 1
  // (day 182, hour ending 13:00 is record 181 * 24 + 12).
  const std::size_t k = 181 * 24 + 12;
  double energy_wh = 0.0;
  for (int s = 0; s < 3600; s += 60) {
    energy_wh += energy::weather_at(w, 3600.0 * static_cast<double>(k) + s + 30.0).ghi_wm2 / 60.0;
  }
  CHECK(energy_wh == Approx(w.ghi_wm2[k]));
  CHECK(w.ghi_wm2[k] > 100.0f);                               // daylight at noon in July
  CHECK(energy::weather_at(w, 3600.0 * 2.5).ghi_wm2 == 0.0);  // 02:30 in January
  // A year's file runs on into the next year.
  CHECK(energy::weather_at(w, w.duration_s() + 5400.0).dry_bulb_c ==
        Approx(energy::weather_at(w, 5400.0).dry_bulb_c));
  // Wind direction turns the short way: between 350 and 10 degrees lies 0, not 180.
  energy::WeatherSeries two = w;
  two.wind_direction_deg[0] = 350.0f;
  two.wind_direction_deg[1] = 10.0f;
  const double dir = energy::weather_at(two, 1.5 * 3600.0).wind_direction_deg;
  CHECK(std::min(dir, 360.0 - dir) == Approx(0.0).margin(1e-9));
}

TEST_CASE("bad weather files are refused naming the file, line and field", "[weather][errors]") {
  const test::TempDir dir;
  const auto refused = [&](const std::string& text) {
    const std::string path = dir.write("bad.epw", text);
    try {
      energy::read_epw(path);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    FAIL("accepted");
    return std::string();
  };
  CHECK_THAT(refused("not a weather file\n"),
             Catch::Contains("bad.epw:1") && Catch::Contains("not an EPW file"));
  CHECK_THAT(refused(with_field(100, 6, "hot")), Catch::Contains("bad.epw:100") &&
                                                     Catch::Contains("dry bulb temperature") &&
                                                     Catch::Contains("not a number"));
  CHECK_THAT(refused(with_field(101, 13, "9999")),
             Catch::Contains("bad.epw:101") && Catch::Contains("global horizontal radiation") &&
                 Catch::Contains("missing value"));
  CHECK_THAT(refused(with_field(102, 8, "140")), Catch::Contains("bad.epw:102") &&
                                                     Catch::Contains("relative humidity") &&
                                                     Catch::Contains("out of range"));
  CHECK_THAT(refused(with_field(103, 3, "7")),
             Catch::Contains("bad.epw:103") && Catch::Contains("out of hourly order"));
  // A month no int holds (found by fuzz_weather, 2026-12-07: UB converting it) is out of range.
  CHECK_THAT(refused(with_field(103, 1, "7.1e78")),
             Catch::Contains("bad.epw:103") && Catch::Contains("date out of range"));
  CHECK_THAT(refused(with_line(104, "2013,1,5,8,30,flags,1.0")),
             Catch::Contains("bad.epw:104") && Catch::Contains("short record"));
  CHECK_THAT(refused(with_field(1, 6, "95.0")),
             Catch::Contains("bad.epw:1") && Catch::Contains("latitude"));
  std::string header_only;
  {
    std::istringstream in(text_of(kEpw));
    std::string l;
    for (int n = 1; n <= 8 && std::getline(in, l); ++n) header_only += l + "\n";
  }
  CHECK_THAT(refused(header_only), Catch::Contains("no hourly records"));
  // Not a whole year: a short file would give January's weather to a July run.
  std::string first_days;
  {
    std::istringstream in(text_of(kEpw));
    std::string l;
    for (int n = 1; n <= 107 && std::getline(in, l); ++n) first_days += l + "\n";
  }
  CHECK_THAT(refused(first_days), Catch::Contains("bad.epw:107") &&
                                      Catch::Contains("weather file ends before the year does") &&
                                      Catch::Contains("8760 hourly records") &&
                                      Catch::Contains("found 99 records, the last 1/5 hour 3"));
  std::string from_day_two = header_only;
  {
    std::istringstream in(text_of(kEpw));
    std::string l;
    for (int n = 1; std::getline(in, l); ++n) {
      if (n > 8 + 24) from_day_two += l + "\n";
    }
  }
  CHECK_THAT(refused(from_day_two), Catch::Contains("bad.epw:9") &&
                                        Catch::Contains("does not start on 1 January") &&
                                        Catch::Contains("found 1/2 hour 1"));
  const std::string year = text_of(kEpw);
  const std::size_t first_record = [&] {
    std::size_t at = 0;
    for (int n = 0; n < 8; ++n) at = year.find('\n', at) + 1;
    return at;
  }();
  const std::string two_years = year + year.substr(first_record);
  CHECK_THAT(refused(two_years), Catch::Contains("bad.epw:8769") &&
                                     Catch::Contains("more records than a year") &&
                                     Catch::Contains("found 1/1 hour 1"));
  CHECK_THROWS_WITH(energy::read_epw((dir.path() / "none.epw").string()),
                    Catch::Contains("none.epw") && Catch::Contains("cannot open"));
}
