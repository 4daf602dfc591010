#pragma once
// Fuel and CO2 per vehicle and step: the HBEFA 3.1-based continuous emission model of SUMO
// (D. Krajzewicz et al., "Second generation of pollutant emission models for SUMO",
// SUMO 2014, elib.dlr.de/89398), class PC_G_EU4 (petrol passenger car, Euro 4, SUMO's
// default class). Coefficients as in SUMO's src/utils/emissions/HelpersHBEFA3.cpp.
//
//   E [mg/s] = max(0, (c0 + cav1 a v + cav2 a^2 v + c1 v + c2 v^2 + c3 v^3) / 3.6)
//
// with v in m/s and a in m/s^2. The fit ignores grade, and at v = 0 gives an idle fuel
// rate of 1.13 mL/s (4.1 L/h), high for a modern car: a known property of the fit.

#include <algorithm>

namespace parktwin::traffic::emissions {

struct Coefficients {
  double c0, cav1, cav2, c1, c2, c3;
};

inline constexpr Coefficients kPcGEu4Co2{9449.0, 938.4, 0.0, -467.1, 28.26, 0.0};
inline constexpr Coefficients kPcGEu4Fuel{3014.0, 299.3, 0.0, -149.0, 9.014, 0.0};
inline constexpr double kPetrolDensityGPerL = 742.0;  // SUMO's conversion to volume

// The fit's polynomial: 3.6 times the rate in mg/s (E above).
inline double polynomial(const Coefficients& c, double v, double a) {
  return c.c0 + c.cav1 * a * v + c.cav2 * a * a * v + c.c1 * v + c.c2 * v * v + c.c3 * v * v * v;
}

// The unit conversions folded into one factor each, so that the step (which evaluates both
// for every vehicle) multiplies instead of dividing three times.
inline constexpr double kFuelLPerPolynomialS = 1e-3 / (3.6 * kPetrolDensityGPerL);
inline constexpr double kCo2KgPerPolynomialS = 1e-6 / 3.6;

// Litres of petrol burnt over dt seconds at speed v and acceleration a.
inline double fuel_l(double v, double a, double dt) {
  return std::max(0.0, polynomial(kPcGEu4Fuel, v, a)) * (dt * kFuelLPerPolynomialS);
}

// Kilograms of CO2 emitted over dt seconds.
inline double co2_kg(double v, double a, double dt) {
  return std::max(0.0, polynomial(kPcGEu4Co2, v, a)) * (dt * kCo2KgPerPolynomialS);
}

}  // namespace parktwin::traffic::emissions
