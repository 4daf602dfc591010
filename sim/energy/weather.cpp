#include "sim/energy/weather.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include "engine/error.h"
#include "engine/input_file.h"

namespace parktwin::energy {

namespace {

// The fields of an hourly record the models read, with their EPW names, missing-value codes
// and physical ranges (EnergyPlus "Weather File Data Dictionary").
struct FieldRule {
  int index;
  const char* name;
  double missing;  // the code for "no value"; values at or above it are missing
  double min, max;
};
constexpr FieldRule kDryBulb{6, "dry bulb temperature", 99.9, -70.0, 70.0};
constexpr FieldRule kDewPoint{7, "dew point temperature", 99.9, -70.0, 70.0};
constexpr FieldRule kRelativeHumidity{8, "relative humidity", 999.0, 0.0, 110.0};
constexpr FieldRule kPressure{9, "atmospheric station pressure", 999999.0, 31000.0, 120000.0};
constexpr FieldRule kSkyInfrared{12, "horizontal infrared radiation intensity", 9999.0, 0.0,
                                 2000.0};
constexpr FieldRule kGlobal{13, "global horizontal radiation", 9999.0, 0.0, 1500.0};
constexpr FieldRule kDirect{14, "direct normal radiation", 9999.0, 0.0, 1500.0};
constexpr FieldRule kDiffuse{15, "diffuse horizontal radiation", 9999.0, 0.0, 1000.0};
constexpr FieldRule kWindDirection{20, "wind direction", 999.0, 0.0, 360.0};
constexpr FieldRule kWindSpeed{21, "wind speed", 999.0, 0.0, 40.0};
constexpr FieldRule kTotalSkyCover{22, "total sky cover", 99.0, 0.0, 10.0};
constexpr FieldRule kAlbedo{32, "albedo", 999.0, 0.0, 1.0};
constexpr int kRecordFields = 35;
// A year of hourly records, 1 January hour 1 to 31 December hour 24. weather_at reads record k
// as hour k of the year and wraps at the end, so a shorter file would give one season's
// weather for another (January's in July); 29 February is not supported (TMY files have none).
constexpr std::size_t kYearRecords = 8760;
constexpr double kDefaultAlbedo = 0.2;  // grass and bare ground; the usual design value

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  Error error(int line, std::string message) const {
    Error e(std::move(message));
    e.in_file(path_).at_line(line);
    return e;
  }

  // Splits a line at commas (EPW data lines have no quoted fields).
  static void split(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = line.find(',', start);
      out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

  double number(int line, std::string_view text, const char* field) const {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t')) {
      text.remove_suffix(1);
    }
    double v = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(v)) {
      throw error(line, "not a number").field(field).expected("a number").found(std::string(text));
    }
    return v;
  }

  float checked(int line, const std::vector<std::string_view>& f, const FieldRule& r) const {
    const double v = number(line, f[static_cast<std::size_t>(r.index)], r.name);
    if (v >= r.missing) {
      throw error(line, "missing value")
          .field(r.name)
          .expected(fmt::format("a measured value in [{}, {}] (EPW's {} means none)", r.min, r.max,
                                r.missing))
          .found(fmt::format("{}", v));
    }
    if (v < r.min || v > r.max) {
      throw error(line, "value out of range")
          .field(r.name)
          .expected(fmt::format("[{}, {}]", r.min, r.max))
          .found(fmt::format("{}", v));
    }
    return static_cast<float>(v);
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void read_location(const Reader& r, std::string_view line, WeatherSite& site) {
  std::vector<std::string_view> f;
  Reader::split(line, f);
  if (f.empty() || f[0] != "LOCATION" || f.size() < 10) {
    throw r.error(1, "not an EPW file")
        .expected(
            "a first line LOCATION,city,region,country,source,WMO,latitude,longitude,"
            "time zone,elevation")
        .found(std::string(line.substr(0, 80)));
  }
  site.city = std::string(f[1]);
  site.region = std::string(f[2]);
  site.country = std::string(f[3]);
  site.source = std::string(f[4]);
  site.wmo = std::string(f[5]);
  site.latitude_deg = r.number(1, f[6], "latitude");
  site.longitude_deg = r.number(1, f[7], "longitude");
  site.timezone_h = r.number(1, f[8], "time zone");
  site.elevation_m = r.number(1, f[9], "elevation");
  if (std::abs(site.latitude_deg) > 90.0) {
    throw r.error(1, "latitude out of range").field("latitude").expected("[-90, 90]");
  }
  if (std::abs(site.longitude_deg) > 180.0) {
    throw r.error(1, "longitude out of range").field("longitude").expected("[-180, 180]");
  }
  if (std::abs(site.timezone_h) > 14.0) {
    throw r.error(1, "time zone out of range").field("time zone").expected("[-14, 14] h");
  }
}

}  // namespace

WeatherSeries read_epw(const std::string& path) {
  require_input_file(path, "an EnergyPlus weather file (.epw)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the weather file").in_file(path);
  const Reader r(path);
  WeatherSeries w;
  w.path = path;
  std::string line;
  std::vector<std::string_view> f;
  int line_no = 0;
  int last_record_line = 0;
  int prev_hour = 0, prev_month = 0, prev_day = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) {
      read_location(r, line, w.site);
      continue;
    }
    if (line_no <= 8) {
      if (line.rfind("DATA PERIODS", 0) == 0) {
        Reader::split(line, f);
        if (f.size() > 2 && r.number(line_no, f[2], "records per hour") != 1.0) {
          throw r.error(line_no, "sub-hourly records")
              .field("records per hour")
              .expected("1 (hourly data)")
              .found(std::string(f[2]));
        }
      }
      continue;
    }
    if (line.empty() || line == "\r") continue;
    Reader::split(line, f);
    if (f.size() < kRecordFields) {
      throw r.error(line_no, "short record")
          .expected(fmt::format("{} comma-separated fields", kRecordFields))
          .found(fmt::format("{}", f.size()));
    }
    // Checked as read, before they become integers (7e78 fits no int).
    const double month_read = r.number(line_no, f[1], "month");
    const double day_read = r.number(line_no, f[2], "day");
    const double hour_read = r.number(line_no, f[3], "hour");
    if (!(month_read >= 1 && month_read <= 12 && day_read >= 1 && day_read <= 31 &&
          hour_read >= 1 && hour_read <= 24)) {
      throw r.error(line_no, "date out of range")
          .expected("month 1-12, day 1-31, hour 1-24")
          .found(fmt::format("{}/{} hour {}", month_read, day_read, hour_read));
    }
    const auto month = static_cast<int>(month_read);
    const auto day = static_cast<int>(day_read);
    const auto hour = static_cast<int>(hour_read);
    if (w.hours() == kYearRecords) {
      throw r.error(line_no, "more records than a year")
          .expected(fmt::format("{} hourly records, 1/1 hour 1 to 12/31 hour 24", kYearRecords))
          .found(fmt::format("{}/{} hour {}", month, day, hour));
    }
    if (prev_hour == 0 && (month != 1 || day != 1 || hour != 1)) {
      throw r.error(line_no, "weather file does not start on 1 January")
          .expected(fmt::format("{} hourly records from 1/1 hour 1", kYearRecords))
          .found(fmt::format("{}/{} hour {}", month, day, hour));
    }
    if (month == 2 && day == 29) {
      throw r.error(line_no, "29 February is not supported")
          .expected(fmt::format("{} hourly records of a 365-day year", kYearRecords))
          .found("2/29");
    }
    // Hour after hour: the hour goes up by one, and the date changes exactly when it wraps.
    if (prev_hour != 0) {
      const bool new_day = hour == 1;
      const bool in_order =
          hour == prev_hour % 24 + 1 && new_day == (month != prev_month || day != prev_day);
      if (!in_order) {
        throw r.error(line_no, "records out of hourly order")
            .field("hour")
            .expected(fmt::format("the hour after {}/{} hour {}", prev_month, prev_day, prev_hour))
            .found(fmt::format("{}/{} hour {}", month, day, hour));
      }
    }
    last_record_line = line_no;
    prev_hour = hour;
    prev_month = month;
    prev_day = day;
    w.month.push_back(month);
    w.day.push_back(day);
    w.hour.push_back(hour);
    w.dry_bulb_c.push_back(r.checked(line_no, f, kDryBulb));
    w.dew_point_c.push_back(r.checked(line_no, f, kDewPoint));
    w.relative_humidity_pct.push_back(r.checked(line_no, f, kRelativeHumidity));
    w.pressure_pa.push_back(r.checked(line_no, f, kPressure));
    w.sky_infrared_wm2.push_back(r.checked(line_no, f, kSkyInfrared));
    w.ghi_wm2.push_back(r.checked(line_no, f, kGlobal));
    w.dni_wm2.push_back(r.checked(line_no, f, kDirect));
    w.dhi_wm2.push_back(r.checked(line_no, f, kDiffuse));
    w.wind_direction_deg.push_back(r.checked(line_no, f, kWindDirection));
    w.wind_speed_mps.push_back(r.checked(line_no, f, kWindSpeed));
    w.total_sky_cover_tenths.push_back(r.checked(line_no, f, kTotalSkyCover));
    // Albedo is optional in EPW (many files leave 999): the design value then.
    const double albedo = r.number(line_no, f[kAlbedo.index], kAlbedo.name);
    w.albedo.push_back(albedo >= kAlbedo.missing ? static_cast<float>(kDefaultAlbedo)
                                                 : r.checked(line_no, f, kAlbedo));
  }
  if (line_no == 0) throw Error("empty weather file").in_file(path);
  if (w.hours() == 0) {
    throw Error("no hourly records").in_file(path).expected("records after the 8 header lines");
  }
  if (w.hours() != kYearRecords) {
    throw r.error(last_record_line, "weather file ends before the year does")
        .expected(fmt::format("{} hourly records, 1/1 hour 1 to 12/31 hour 24", kYearRecords))
        .found(fmt::format("{} records, the last {}/{} hour {}", w.hours(), prev_month, prev_day,
                           prev_hour));
  }
  return w;
}

WeatherNow weather_at(const WeatherSeries& w, double seconds) {
  const std::size_t n = w.hours();
  const double period = w.duration_s();
  double t = std::fmod(seconds, period);
  if (t < 0.0) t += period;
  // Radiation: the record of the hour containing t (record k covers [k, k + 1) hours).
  const auto k = std::min(static_cast<std::size_t>(t / 3600.0), n - 1);
  // Instantaneous values: record k is at the end of hour k, i.e. at (k + 1) h; interpolate
  // between the marks around t (before the first mark, from the last record: the year wraps).
  const double marks = t / 3600.0 - 1.0;  // in units of records
  const double below = std::floor(marks);
  const double u = marks - below;
  const auto i0 = static_cast<std::size_t>(
      (static_cast<long long>(below) % static_cast<long long>(n) + static_cast<long long>(n)) %
      static_cast<long long>(n));
  const std::size_t i1 = (i0 + 1) % n;
  const auto lerp = [&](const std::vector<float>& v) {
    return static_cast<double>(v[i0]) * (1.0 - u) + static_cast<double>(v[i1]) * u;
  };
  WeatherNow now;
  now.dry_bulb_c = lerp(w.dry_bulb_c);
  now.dew_point_c = lerp(w.dew_point_c);
  now.relative_humidity_pct = lerp(w.relative_humidity_pct);
  now.pressure_pa = lerp(w.pressure_pa);
  now.wind_speed_mps = lerp(w.wind_speed_mps);
  now.albedo = lerp(w.albedo);
  double turn = static_cast<double>(w.wind_direction_deg[i1] - w.wind_direction_deg[i0]);
  turn -= 360.0 * std::round(turn / 360.0);
  now.wind_direction_deg =
      std::fmod(static_cast<double>(w.wind_direction_deg[i0]) + u * turn + 360.0, 360.0);
  now.ghi_wm2 = w.ghi_wm2[k];
  now.dni_wm2 = w.dni_wm2[k];
  now.dhi_wm2 = w.dhi_wm2[k];
  now.sky_infrared_wm2 = w.sky_infrared_wm2[k];
  return now;
}

}  // namespace parktwin::energy
