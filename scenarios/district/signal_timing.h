#pragma once
// Fixed-time signal plans for a street grid by Webster's method, from the flows its demand
// puts through each junction in the design hour.
//
// Flows: every trip takes its fastest route at free flow (length over speed limit, no
// U-turns: what sim/traffic/routing.h gives it at departure), and each movement it makes is
// counted. Settings: Webster, "Traffic signal settings", Road Research Technical Paper 39
// (HMSO, 1958): with y_i the highest ratio of flow to saturation flow among the movements of
// green i (per lane, 1,800 veh/h a lane: HCM 2010's 1,900 base less heavy vehicles and
// turns, an assumption), Y their sum and L the lost time (one clearance per green), the
// optimum cycle is C0 = (1.5 L + 5) / (1 - Y), and the effective green C0 - L is shared in
// proportion to the y_i. Y is capped at 0.85 (an oversaturated junction gets the longest
// cycle), C0 kept within 40-150 s; a green whose share is below 10 s (a pedestrian crossing)
// gets 10 s, lengthening the cycle by the difference: the movements with flow keep theirs.
// Right turns go in every phase and are left out.

#include <string>
#include <vector>

#include "scenarios/district/street_grid.h"

namespace parktwin::scenarios::district {

struct DesignTrip {
  std::string from_road, to_road;  // road ids of the street grid
  double vehicles_per_h = 0.0;     // in the design hour
};

struct TimingSummary {
  std::size_t junctions = 0;   // timed (with more than one green)
  std::size_t unroutable = 0;  // design trips with no route, left out
  double mean_cycle_s = 0.0, max_cycle_s = 0.0;
  std::size_t saturated = 0;  // junctions whose Y reached the cap
};

// Green times per junction (SignalGreens' order). Unknown road ids are an internal error of
// the caller (parktwin::Error naming the road).
SignalGreens webster_greens(const StreetGrid& grid, const std::vector<DesignTrip>& trips,
                            TimingSummary* summary = nullptr);

}  // namespace parktwin::scenarios::district
