#pragma once
// A trained energy policy running a World's district (`[controllers] energy = "policy:DIR"`):
// every decision interval it observes every building as in training (ai/energy_surface.h) and
// sets the batteries, charging caps and HVAC set-points its card says it drives; the rules of
// its card run the rest. It keeps no state of its own (decisions fall on whole multiples of
// the interval from t = 0, the departure forecast's errors are drawn per session from the
// run's seed), so runs with it checkpoint, resume and replay like any other.

#include <cstdint>
#include <memory>
#include <vector>

#include "ai/energy_surface.h"
#include "ai/learn/energy_policy.h"
#include "sim/world.h"

namespace parktwin::ai {

class LearnedEnergyAgent : public WorldAgent {
 public:
  // Throws parktwin::Error naming the policy's card when `world` has no buildings and energy,
  // its district is not the policy's (other buildings, or in another order), its battery or
  // charging policy is not the card's rule for what the policy does not drive, or the
  // decision interval is not a whole number of building steps.
  LearnedEnergyAgent(std::shared_ptr<const LearnedEnergyPolicy> policy, World& world);
  void act(World& world) override;

 private:
  std::shared_ptr<const LearnedEnergyPolicy> policy_;
  EnergyEnvOptions options_;  // control, rules, decision interval: as trained
  DepartureForecast forecast_;
  std::int64_t interval_steps_ = 1;
  std::vector<std::uint8_t> mask_;
  std::vector<float> obs_, actions_;
};

}  // namespace parktwin::ai
