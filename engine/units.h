#pragma once
// SI units. Every quantity inside parktwin is a plain double (or float in hot arrays) in SI
// base or derived units, and its name ends in the unit: speed_mps, length_m, power_w,
// energy_j, temp_c (Celsius is the one non-SI exception, as in EPW weather and ISO 13790).
// Input formats in other units convert at the loader with the helpers below, and nowhere else.

namespace parktwin::units {

inline constexpr double kSecondsPerMinute = 60.0;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kJoulesPerKwh = 3.6e6;
inline constexpr double kZeroCelsiusK = 273.15;
inline constexpr double kStandardGravity = 9.80665;  // m/s^2, CGPM 1901

constexpr double kmh_to_mps(double kmh) { return kmh / 3.6; }
constexpr double mps_to_kmh(double mps) { return mps * 3.6; }
constexpr double minutes_to_s(double min) { return min * kSecondsPerMinute; }
constexpr double hours_to_s(double h) { return h * kSecondsPerHour; }
constexpr double s_to_hours(double s) { return s / kSecondsPerHour; }
constexpr double kwh_to_j(double kwh) { return kwh * kJoulesPerKwh; }
constexpr double j_to_kwh(double j) { return j / kJoulesPerKwh; }
constexpr double kw_to_w(double kw) { return kw * 1e3; }
constexpr double w_to_kw(double w) { return w * 1e-3; }
constexpr double celsius_to_kelvin(double c) { return c + kZeroCelsiusK; }
constexpr double kelvin_to_celsius(double k) { return k - kZeroCelsiusK; }

// Literals for constants in code and tests: 50.0_kmh, 15.0_min, 7.5_kWh.
namespace literals {
constexpr double operator""_kmh(long double v) { return kmh_to_mps(static_cast<double>(v)); }
constexpr double operator""_min(long double v) { return minutes_to_s(static_cast<double>(v)); }
constexpr double operator""_h(long double v) { return hours_to_s(static_cast<double>(v)); }
constexpr double operator""_kWh(long double v) { return kwh_to_j(static_cast<double>(v)); }
constexpr double operator""_kW(long double v) { return kw_to_w(static_cast<double>(v)); }
}  // namespace literals

}  // namespace parktwin::units
