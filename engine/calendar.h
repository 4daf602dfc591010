#pragma once
// Civil dates and the local clock of a run: the date, weekday and time of day at simulated
// time t, for schedules and tariffs. Proleptic Gregorian calendar, local standard time (no
// daylight saving: China has none, and weather files use standard time).

#include <cmath>
#include <cstdint>

namespace parktwin {

// Days from 1970-01-01 to a civil date: H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms", days_from_civil.
constexpr long long days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int year = 1970, month = 1, day = 1;
};

// The inverse: Hinnant's civil_from_days.
constexpr CivilDate civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), static_cast<int>(m),
          static_cast<int>(d)};
}

constexpr int days_in_month(int y, int m) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

struct LocalTime {
  CivilDate date;
  int weekday = 0;  // 0 Monday .. 6 Sunday
  double second_of_day = 0.0;
  int minute_of_day() const { return static_cast<int>(second_of_day / 60.0); }
};

// The local time at simulated t (seconds, may be negative), given the local date and time of
// t = 0.
struct LocalClock {
  long long start_day = 0;  // days since 1970-01-01 of t = 0
  double start_second_of_day = 0.0;

  static LocalClock at(int year, int month, int day, int hour, int minute, double second = 0.0) {
    return {days_from_civil(year, month, day), hour * 3600.0 + minute * 60.0 + second};
  }
  LocalTime at_time(double t_s) const {
    const double s = start_second_of_day + t_s;
    const auto day = static_cast<long long>(std::floor(s / 86400.0));
    LocalTime lt;
    lt.date = civil_from_days(start_day + day);
    lt.weekday = static_cast<int>(((start_day + day + 3) % 7 + 7) % 7);  // 1970-01-01: Thursday
    lt.second_of_day = s - static_cast<double>(day) * 86400.0;
    if (lt.second_of_day >= 86400.0) lt.second_of_day = 86399.999;  // rounding at midnight
    if (lt.second_of_day < 0.0) lt.second_of_day = 0.0;
    return lt;
  }
};

}  // namespace parktwin
