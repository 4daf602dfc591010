#pragma once
// Battery-electric vehicles in a demand: a share of its car trips driven by EVs (a scenario's
// `ev_share`). Each trip is drawn once, by its index, from a counter-based stream, so a larger
// share keeps every EV of a smaller one (the same seed at 0.2 and 0.4: the 0.4 run's EVs
// include the 0.2 run's) and traffic itself is unchanged: an EV type drives as its petrol
// twin, it only burns no fuel and carries a battery.
//
// EV parameters (assumed, round figures of the Chinese market's compact cars, e.g. the BYD
// Qin Plus EV or Tesla Model 3 class, not measured here): a 60 kWh battery, 0.16 kWh/km at the
// wheels' side of the charger over mixed urban driving, starting trips at 55 % charge on
// average.

#include <cstdint>

#include "sim/traffic/demand.h"

namespace parktwin::traffic {

struct EvParams {
  double battery_kwh = 60.0;
  double consumption_kwh_per_km = 0.16;
  double initial_soc = 0.55;
};

// Random stream of the draws (engine/rng.h); apart from TrafficStream's and DemandStream's.
enum class EvStream : std::uint32_t { electrify = 102 };

// Makes a `share` (0..1) of the car trips electric: each car type gets an EV twin named
// "<name>_ev", appended to the types. Buses and trucks stay as they are. Throws
// parktwin::Error for a share outside [0, 1].
void electrify(Demand& demand, double share, std::uint64_t seed, const EvParams& ev = {});

}  // namespace parktwin::traffic
