#pragma once
// Phase features: what the learned signal policies see, one row per (agent, green phase).
// In the style of FRAP (Zheng et al., "Learning Phase Competition for Traffic Signal
// Control", CIKM 2019) and MPLight (Chen et al., AAAI 2020): a policy scores each green
// phase from the movements it serves, with one set of weights for every phase and every
// junction, so it works for any junction shape and any number of phases. Built on the control
// surface's observation (sim/traffic/signal_surface.h, docs/ai.md); allocates nothing per call.

#include <cstdint>
#include <span>
#include <vector>

#include "sim/traffic/signal_surface.h"

namespace parktwin::ai {

// Features of one (agent, green phase) row, in this order (counts in tens of vehicles, time
// in minutes, so that every feature stays near [0, 1]):
//   0 vehicles planning the competing movements the phase serves
//   1 of them halting
//   2 vehicles per lane on the roads those movements lead to
//   3 1 if the phase is the green now (or the one a clearance leads to)
//   4 time in the current phase (on that phase's row only)
//   5 1 while the signal is in a clearance
//   6 vehicles planning any competing movement of the junction (context)
//   7 mean pressure of the neighbouring agents (context)
//   8 vehicles planning the served movements within the surface's near_m (100 m) of the line
//   9 of them, those moving within 25 m of the line (a platoon about to cross: SOTL's rule 3)
//  10 the summed waiting time of the vehicles planning the served movements (in units of
//     10 vehicle-minutes: SOTL's counter of vehicle-seconds at red)
inline constexpr std::size_t kPhaseFeatures = 11;
inline constexpr double kCrossingM = 25.0;
inline constexpr const char* kPhaseFeatureLayout = "phase_features_v1";

class PhaseFeatures {
 public:
  explicit PhaseFeatures(const traffic::SignalSurface& surface);

  std::size_t agents() const { return agents_; }
  std::size_t phase_slots() const { return slots_; }                  // the surface's action slots
  std::size_t row_floats() const { return slots_ * kPhaseFeatures; }  // one agent

  // Features (agents x phase_slots x kPhaseFeatures) and masks (agents x phase_slots) of the
  // simulation now; padded phase slots are 0 and masked.
  void compute(const traffic::TrafficSim& sim, traffic::SignalSurface& surface,
               std::span<float> features, std::span<std::uint8_t> masks);

 private:
  std::size_t agents_, slots_;
  // Per (agent, green phase): the movement slots it serves (CSR), competing movements only.
  std::vector<std::uint32_t> served_begin_, served_;
  std::vector<std::uint32_t> competing_begin_, competing_;  // per agent
  std::vector<float> obs_;                                  // the surface's observation
  std::vector<std::uint32_t> near_, crossing_;              // per movement of the network
  std::vector<float> waiting_;                              // per movement of the network
};

}  // namespace parktwin::ai
