#pragma once
// A trained energy policy on disk and in use: a folder with the actor's weights as TorchScript
// (`policy.pt`: observations [N, kEnergyFeatures] -> action means [N, kEnergyActions]) and a
// JSON card (`policy.json`) that says what it expects: the observation layout, what it
// controls and the rules for the rest, the decision interval, the district's buildings (so a
// policy for another district is refused), the reward weights and the training run. It acts
// with the actor's mean (no exploration noise), clipped to [-1, 1].

#include <nlohmann/json.hpp>
#include <torch/script.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "ai/energy_policy_card.h"

namespace parktwin::ai {

class LearnedEnergyPolicy {
 public:
  // Reads DIR's card and weights; throws parktwin::Error naming the file for a missing or
  // corrupt one, or weights that do not map the card's features to its actions.
  static std::shared_ptr<const LearnedEnergyPolicy> load(const std::string& dir);

  const EnergyPolicyCard& card() const { return card_; }
  const std::string& dir() const { return dir_; }
  // The environment options it was trained for: its control, rules, decision interval.
  void configure(EnergyEnvOptions& options) const;
  // Throws parktwin::Error naming the card when `scenario`'s district is not the policy's
  // (other buildings, or in another order). `label`: how the user named the policy.
  void check(const EnergyScenario& scenario, const std::string& label) const;
  // The same for a district given by its building ids, in order.
  void check_district(const std::vector<std::string>& building_ids, const std::string& label) const;
  // Actions (agents x kEnergyActions) for the observations of one copy; masked actions are 0.
  void act(std::span<const float> obs, std::span<const std::uint8_t> mask,
           std::span<float> actions) const;

 private:
  EnergyPolicyCard card_;
  std::string dir_;
  mutable torch::jit::Module module_;  // forward() is not const in torch's API
};

}  // namespace parktwin::ai
