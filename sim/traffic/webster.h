#pragma once
// Webster's fixed-time plans, timed from a day's flows: F. V. Webster, "Traffic signal
// settings", Road Research Technical Paper No. 39, HMSO, London (1958). For a cycle of phases
// with critical flow ratios y_i (flow / saturation flow of the most loaded movement the phase
// serves) and lost time L per cycle, the delay-minimising cycle is
//     C0 = (1.5 L + 5) / (1 - Y),   Y = sum of y_i,
// and the effective green (C - L) is shared in proportion to the y_i. Here:
//   - flows: vehicles per hour taking each movement, counted from the run's own demand
//     (movement_flows): what a count survey of that day would give, at the rate of each
//     movement's busiest 15 minutes (the design flow rate of HCM 2010, ch. 18: the peak
//     hour's volume over its peak-hour factor);
//   - saturation flow per lane the movement may use: what the demand's vehicles discharge at
//     in the car-following model, 3600 v / (length + min gap + v headway) with v the speed
//     they cross at (the lane's limit, the turn speed for turns): about 1350 veh/h going
//     straight at 40 km/h with CityFlow's vehicles (measured in the engine: 0.4 veh/s per lane
//     at 60 km/h), where Webster's and HCM's field figures are 1800-1900;
//   - lost time per phase: the plan's clearance after it (amber and all-red), the start-up
//     loss and the use of the amber taken to cancel (HCM 2010's defaults, 2 s each);
//   - the cycle is kept within [min_cycle_s, max_cycle_s] (as SUMO's tlsCycleAdaptation.py
//     does); with Y >= 1 (more demand than the junction can serve) it is max_cycle_s;
//   - which greens: a plan may offer overlapping greens (CityFlow's eight phases: four that
//     serve two approaches and four that serve one); Webster's method wants each movement in
//     one stage. Every set of greens that serves each of the junction's movements at least
//     once is tried, and the one with the shortest C0 (feasible first, fewest greens on a tie)
//     is run, in plan order; a movement served by k chosen greens counts y / k in each.
// The controller drives its signals through the control surface, so the engine runs the
// plan's clearance phases between greens and the minimum and maximum green hold as for every
// other controller. It keeps no memory: the switch is a function of the current phase and its
// clock, both in the simulation state.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/signal_surface.h"

namespace parktwin::traffic {

class TrafficSim;

struct WebsterParams {
  double min_cycle_s = 60.0;
  double max_cycle_s = 120.0;
  // Per movement of the network (webster_inputs): the flows the plans are timed for and the
  // saturation flow of one of its lanes (veh/h).
  std::vector<double> movement_flow_vph;
  std::vector<double> movement_saturation_vph;
};

// The design flows (busiest 15 minutes of [begin_s, end_s)) and saturation flows of every
// movement, from a demand, as above.
WebsterParams webster_inputs(const Network& net, const Demand& demand, double begin_s,
                             double end_s);

// Vehicles per hour taking each movement of `net` (one entry per movement), counted over the
// trips of `demand` that depart in [begin_s, end_s) (by their departure time): the rate of
// each movement's busiest window of peak_window_s (0: the mean over the whole span).
std::vector<double> movement_flows(const Network& net, const Demand& demand, double begin_s,
                                   double end_s, double peak_window_s = 0.0);

// One signal's plan: its greens (plan phase indices, in plan order) with their green times.
struct WebsterPlan {
  std::vector<std::uint32_t> greens;
  std::vector<double> green_s;
  double cycle_s = 0.0;     // greens plus lost time
  double lost_s = 0.0;      // L: the clearances of the chosen greens
  double flow_ratio = 0.0;  // Y
};

class Webster {
 public:
  // `agents`: indices into surface's agents that this controller drives. Throws
  // parktwin::Error when the flows are not one per movement of the network (or negative), or
  // for cycle bounds that are not 0 < min_cycle_s <= max_cycle_s.
  Webster(const SignalSurface& surface, std::vector<Index> agents, const WebsterParams& params);

  // Writes ctrl for its agents: the current green until its time has run, then the next.
  void decide(const TrafficSim& sim, SignalSurface& surface) const;

  // The plan of agent a (one of `agents`), for reports and tests.
  const WebsterPlan& plan(Index a) const { return plan_[a]; }

 private:
  std::vector<Index> agents_;
  std::vector<WebsterPlan> plan_;  // per agent of the surface (empty for other agents)
};

}  // namespace parktwin::traffic
