#pragma once
// Weather for the buildings and energy models: an EnergyPlus weather file (EPW) read once into
// hourly series, and the weather at any time of the run from them.
//
// Format: EnergyPlus Auxiliary Programs, "EnergyPlus Weather File (EPW) Data Dictionary":
// 8 header lines (LOCATION first), then one record per hour with 35 comma-separated fields.
// Record h (hour field 1..24) is the hour ending at h o'clock local standard time:
// instantaneous quantities (temperatures, humidity, pressure, wind) are values at that
// moment, radiation fields are energies over the hour before it (Wh/m2, i.e. its mean power).

#include <cstddef>
#include <string>
#include <vector>

namespace parktwin::energy {

struct WeatherSite {
  std::string city, region, country, source;
  std::string wmo;
  double latitude_deg = 0.0;   // north positive
  double longitude_deg = 0.0;  // east positive
  double timezone_h = 0.0;     // of the records' local standard time, hours east of UTC
  double elevation_m = 0.0;
};

// One value per hour of the file, in file order (first record: the hour ending at 01:00 on
// the first day). Sizes: hours() each.
struct WeatherSeries {
  WeatherSite site;
  std::string path;
  std::vector<int> month, day, hour;  // as in the file, hour 1..24
  std::vector<float> dry_bulb_c, dew_point_c, relative_humidity_pct, pressure_pa;
  std::vector<float> ghi_wm2, dni_wm2, dhi_wm2;  // global horizontal, direct normal, diffuse
  std::vector<float> sky_infrared_wm2;           // horizontal infrared from the sky
  std::vector<float> wind_direction_deg, wind_speed_mps;
  std::vector<float> total_sky_cover_tenths;
  std::vector<float> albedo;  // of the ground, 0..1 (0.2 where the file has none)

  std::size_t hours() const { return dry_bulb_c.size(); }
  double duration_s() const { return 3600.0 * static_cast<double>(hours()); }
};

// Reads an EPW file: its LOCATION line and every hourly record. Throws parktwin::Error naming
// the file, the line and the field (by its EPW name) with what was expected: a missing or
// malformed LOCATION, a record with fewer than 35 fields, a field that is not a number, a
// missing-value code (EPW's 99.9, 999, 9999, ...) in a field the models need (never filled in
// silently), a value outside its physical range, records out of hourly order, a file with no
// records, or one that is not a whole year: exactly 8760 records from 1/1 hour 1 to 12/31
// hour 24, no 29 February (weather_at reads record k as hour k of the year).
WeatherSeries read_epw(const std::string& path);

// The weather at one moment.
struct WeatherNow {
  double dry_bulb_c = 0.0, dew_point_c = 0.0, relative_humidity_pct = 0.0, pressure_pa = 0.0;
  double ghi_wm2 = 0.0, dni_wm2 = 0.0, dhi_wm2 = 0.0, sky_infrared_wm2 = 0.0;
  double wind_speed_mps = 0.0, wind_direction_deg = 0.0, albedo = 0.2;
};

// The weather `seconds` after the start of the file's first record hour (00:00 local standard
// time on its first day), wrapping around the end of the file (a year's file runs on into
// the next year). Instantaneous quantities are interpolated linearly between the hour marks
// (wind direction the short way round); radiation keeps its hourly mean over the hour it was
// measured in, so that energy over any whole hours equals the file's. Allocation-free.
WeatherNow weather_at(const WeatherSeries& w, double seconds);

}  // namespace parktwin::energy
