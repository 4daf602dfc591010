#pragma once
// Demand multipliers (a scenario's what-if "20% more traffic from 07:30"): the demand is
// rescaled when it is loaded, trip by trip, so that the simulation still knows every vehicle,
// and thus every capacity, before its first step (demand.h).

#include <cstdint>
#include <limits>
#include <span>

#include "sim/traffic/demand.h"

namespace parktwin::traffic {

// Trips departing in [from_s, until_s) are scaled by `factor` (>= 0).
struct DemandScaling {
  double from_s = 0.0;
  double until_s = std::numeric_limits<double>::infinity();
  double factor = 1.0;
};

// Random stream of the scaling draws (engine/rng.h); apart from TrafficStream's.
enum class DemandStream : std::uint32_t { scaling = 101, jitter = 102 };

// The demand with each trip kept floor(f) times and once more with probability f - floor(f),
// where f is the product of the factors of the windows its departure falls in (1 outside
// them): f = 0.5 keeps every other trip on average, f = 1.5 adds a copy to half of them.
// Copies of a trip spread evenly over the headway to the next departure on the same route
// (the previous one for the last), so a flow keeps its even pattern at a shorter headway;
// a trip alone on its route repeats at the same time and its copies queue at the entry.
// A copy's id is the trip's id with "#k" (k = 1, 2, ...). The draw for a trip depends only
// on (seed, trip index), so the same scenario always gives the same demand. Throws
// parktwin::Error for a negative or non-finite factor or an empty window.
Demand scale_demand(const Demand& base, std::span<const DemandScaling> windows, std::uint64_t seed);

// The demand with every departure moved by a draw uniform in [-jitter_s, +jitter_s), a
// function of (seed, trip index) alone, and no earlier than 0 s; trips re-sorted by departure
// (ties in input order). For episodes and evaluations that need another day of the same
// demand where the input itself draws nothing (CityFlow's flows). jitter_s = 0 returns the
// demand unchanged. Throws parktwin::Error for a negative or non-finite jitter_s.
Demand jitter_departures(const Demand& base, double jitter_s, std::uint64_t seed);

}  // namespace parktwin::traffic
