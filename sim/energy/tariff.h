#pragma once
// A time-of-use electricity tariff: each month belongs to a season, each minute of a season's
// day to a period (valley, flat or peak), each period has a price per kWh bought; energy sold
// back gets one export price. Built once from a tariff file (scenarios/tariff_toml.h), then
// only read.
//
// The shipped tariff (assets/tariffs/jiangsu_tou_2025.toml) is Jiangsu's industrial and
// commercial scheme of Su Fa Gai Jia Ge [2025] 426 (assets/reference/REFERENCE.md, section C):
// summer and winter (Jun-Aug, Dec-Feb) peak 14-22 h, valley 0-6 h and 11-13 h; spring and
// autumn peak 15-22 h, valley 2-6 h and 10-14 h; flat the rest.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace parktwin::energy {

enum class TouPeriod : std::uint8_t { valley = 0, flat = 1, peak = 2 };
inline constexpr std::size_t kTouPeriods = 3;
inline constexpr int kMinutesPerDay = 1440;

inline const char* tou_period_name(TouPeriod p) {
  switch (p) {
    case TouPeriod::valley:
      return "valley";
    case TouPeriod::flat:
      return "flat";
    case TouPeriod::peak:
      return "peak";
  }
  return "?";
}

struct Tariff {
  std::string name;
  std::string currency = "CNY";
  // Season of each month (index 0: January) into `seasons`; each season gives the period of
  // every minute of the day (local standard time).
  std::array<std::uint8_t, 12> season_of_month{};
  std::vector<std::string> season_name;
  std::vector<std::array<TouPeriod, kMinutesPerDay>> seasons;
  std::array<double, kTouPeriods> price_per_kwh{};  // by TouPeriod
  double export_price_per_kwh = 0.0;

  // month 1..12, minute_of_day 0..1439.
  TouPeriod period(int month, int minute_of_day) const {
    return seasons[season_of_month[static_cast<std::size_t>(month - 1)]]
                  [static_cast<std::size_t>(minute_of_day)];
  }
  double price(TouPeriod p) const { return price_per_kwh[static_cast<std::size_t>(p)]; }
};

// A tariff with one price at all hours (every minute flat): for scenarios without a tariff
// file and for tests.
inline Tariff flat_tariff(double price_per_kwh, double export_price_per_kwh = 0.0) {
  Tariff t;
  t.name = "flat";
  t.season_name = {"all year"};
  std::array<TouPeriod, kMinutesPerDay> day{};
  day.fill(TouPeriod::flat);
  t.seasons = {day};
  t.price_per_kwh = {price_per_kwh, price_per_kwh, price_per_kwh};
  t.export_price_per_kwh = export_price_per_kwh;
  return t;
}

}  // namespace parktwin::energy
