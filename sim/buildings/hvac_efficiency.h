#pragma once
// How much electricity the HVAC of a building draws for the heat it moves: an air-source heat
// pump for heating and an air-cooled chiller or split system for cooling, both depending on
// the outdoor temperature.

#include <algorithm>

namespace parktwin::buildings {

// Heating COP of an air-source heat pump delivering at 35 C (low-temperature emitters or
// warm air) from outdoor air: the quadratic regression over manufacturers' data of
// I. Staffell, D. Brett, N. Brandon, A. Hawkes, "A review of domestic heat pumps", Energy &
// Environmental Science 5 (2012) 9291-9306, ASHP: COP = 6.81 - 0.121 dT + 0.000630 dT^2 with
// dT = sink - source (K), fitted for 15 <= dT <= 60. Outside that range the end value holds.
inline double heating_cop(double outdoor_c) {
  const double dt = std::clamp(35.0 - outdoor_c, 15.0, 60.0);
  return 6.81 - 0.121 * dt + 0.000630 * dt * dt;
}

// Cooling COP (EER in W/W) of an air-cooled system: 40% of the Carnot COP between a 7 C
// evaporator (chilled water or coil) and a condenser 10 K above the outdoor air. Second-law
// efficiencies of 0.35-0.5 are typical of air-cooled chillers (ASHRAE Handbook Fundamentals
// ch. 2, "Thermodynamics and Refrigeration Cycles"; unverified for Chinese stock). Bounded to
// [2, 6]: below 2 only in extreme heat, above 6 only in cold weather, when little cooling runs.
inline double cooling_cop(double outdoor_c) {
  constexpr double kEvaporatorK = 273.15 + 7.0, kApproachK = 10.0, kSecondLaw = 0.4;
  const double lift = std::max(outdoor_c + 273.15 + kApproachK - kEvaporatorK, 1.0);
  return std::clamp(kSecondLaw * kEvaporatorK / lift, 2.0, 6.0);
}

}  // namespace parktwin::buildings
