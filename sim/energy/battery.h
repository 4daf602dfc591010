#pragma once
// A stationary battery as an energy reservoir with power limits and losses: the "simple"
// storage model of SAM and of CityLearn's early versions, without ageing or a voltage model.
// Power is counted at the battery's AC terminals, + charging and - discharging; the round-trip
// efficiency is split evenly between the two directions (eta_c = eta_d = sqrt(eta_rt)), and
// the state of charge stays within [min_soc, max_soc] of the capacity.
//
// Defaults: 90 % round trip for lithium-ion (Tesla Powerwall 2 datasheet, "90 % round trip
// efficiency"; recalled, not verified), kept between 10 % and 95 % of capacity (assumed: a
// usual reserve and top buffer of stationary storage management).

#include <algorithm>
#include <cmath>

namespace parktwin::energy {

struct BatterySpec {
  double capacity_kwh = 0.0;  // 0: no battery
  double power_kw = 0.0;      // the most it charges or discharges at (AC)
  double round_trip_efficiency = 0.90;
  double min_soc = 0.10, max_soc = 0.95;
  double initial_soc = 0.50;

  double one_way_efficiency() const { return std::sqrt(round_trip_efficiency); }
  double min_kwh() const { return min_soc * capacity_kwh; }
  double max_kwh() const { return max_soc * capacity_kwh; }
};

inline constexpr double kSecondsPerHour = 3600.0;

// The most the battery can take (W, >= 0) for dt seconds from `stored_kwh`.
inline double max_charge_w(const BatterySpec& b, double stored_kwh, double dt_s) {
  const double room_kwh = std::max(0.0, b.max_kwh() - stored_kwh);
  return std::min(b.power_kw * 1000.0,
                  room_kwh / b.one_way_efficiency() * 1000.0 * kSecondsPerHour / dt_s);
}

// The most it can give (W, >= 0) for dt seconds.
inline double max_discharge_w(const BatterySpec& b, double stored_kwh, double dt_s) {
  const double usable_kwh = std::max(0.0, stored_kwh - b.min_kwh());
  return std::min(b.power_kw * 1000.0,
                  usable_kwh * b.one_way_efficiency() * 1000.0 * kSecondsPerHour / dt_s);
}

// The energy stored after dt seconds at `power_w` (within the limits above).
inline double stored_after(const BatterySpec& b, double stored_kwh, double power_w, double dt_s) {
  const double kwh = power_w * dt_s / (1000.0 * kSecondsPerHour);
  return power_w >= 0.0 ? stored_kwh + kwh * b.one_way_efficiency()
                        : stored_kwh + kwh / b.one_way_efficiency();
}

}  // namespace parktwin::energy
