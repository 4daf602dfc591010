#pragma once
// Classic adaptive signal controllers that act through the control surface (signal_surface.h),
// so the engine runs their switches with the same clearance, minimum and maximum green as a
// learned agent's. Each writes the surface's control buffer for its own agents before every
// step and keeps its memory in one value per agent, saved with the World.
//
// SOTL, self-organising traffic lights: Cools, Gershenson & D'Hooghe, "Self-organizing
// traffic lights: a realistic simulation", in Prokopenko (ed.), Advances in Applied
// Self-Organizing Systems, Springer (2008, 2nd ed. 2013), pp. 45-55; rules 1-4 ("sotl-platoon"
// without the downstream-blockage rules 5-6):
//   1. every step, add to a counter the vehicles approaching the red movements within d;
//      when it reaches theta, switch (and reset it);
//   2. a green runs at least the minimum green (the surface's);
//   3. do not switch while a few vehicles (0 < n <= m) are about to cross on green within r,
//      so platoons are not cut;
//   4. switch at once when nothing approaches the green within d and something the red.
// With more than two greens the switch goes to the green whose movements (not already green)
// have the most vehicles approaching within d.
//
// Actuated (gap-out) control, the classic vehicle-actuated logic as in SUMO's
// `type="actuated"` (sumo.dlr.de, "Traffic Lights", actuated control; HCM 2010 ch. 31): a
// green is extended while vehicles keep crossing a detection zone before the stop line of its
// movements; once no vehicle has been in the zone for max_gap seconds (a gap) and the
// minimum green has run, the signal moves on to the next green in plan order that has
// vehicles waiting (skipping greens with none, as SUMO's detectors do); the surface's maximum
// green ends it in any case (max-out).

#include <cstdint>
#include <span>
#include <vector>

#include "sim/traffic/network.h"
#include "sim/traffic/signal_surface.h"

namespace parktwin::traffic {

class TrafficSim;

struct SotlParams {
  double theta_veh_s = 40.0;      // counter threshold (vehicle-seconds)
  double approach_m = 80.0;       // d: how far back the counter looks
  double platoon_m = 25.0;        // r: "about to cross"
  std::uint32_t platoon_max = 3;  // m: a platoon this small is not cut
};

struct ActuatedParams {
  double max_gap_s = 3.0;    // SUMO's max-gap default
  double detector_m = 25.0;  // length of the detection zone before the stop line
};

class Sotl {
 public:
  // `agents`: indices into surface's agents that this controller drives.
  Sotl(const SignalSurface& surface, std::vector<Index> agents, SotlParams params = {});
  // Writes ctrl for its agents; `scratch` has one entry per movement of the network.
  void decide(const TrafficSim& sim, SignalSurface& surface, std::span<std::uint32_t> scratch,
              std::span<std::uint32_t> scratch_close);
  std::vector<double>& counters() { return kappa_; }  // checkpointed
  const std::vector<double>& counters() const { return kappa_; }

 private:
  std::vector<Index> agents_;
  SotlParams params_;
  std::vector<double> kappa_;  // per agent of the surface
};

class Actuated {
 public:
  Actuated(const SignalSurface& surface, std::vector<Index> agents, ActuatedParams params = {});
  void decide(const TrafficSim& sim, SignalSurface& surface, std::span<std::uint32_t> scratch,
              std::span<std::uint32_t> scratch_waiting);
  std::vector<double>& gaps() { return gap_s_; }  // checkpointed
  const std::vector<double>& gaps() const { return gap_s_; }

 private:
  std::vector<Index> agents_;
  ActuatedParams params_;
  std::vector<double> gap_s_;  // per agent of the surface: time since the zone was last used
};

}  // namespace parktwin::traffic
