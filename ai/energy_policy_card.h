#pragma once
// The card of a trained energy policy (`policy.json` beside its weights): what it expects (the
// observation layout, what it controls and the rules for the rest, the decision interval, the
// district's buildings) and how it was trained. Reading it needs no libtorch, so the card's
// reader is fuzzed with the others (tests/fuzz); the policy itself is ai/learn/energy_policy.h.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ai/energy_env.h"

namespace parktwin::ai {

inline constexpr const char* kEnergyPolicyFormat = "parktwin-energy-policy";
inline constexpr int kEnergyPolicyFormatVersion = 1;
inline constexpr const char* kEnergyFeatureLayout = "energy_features_v1";

struct EnergyPolicyCard {
  std::string agent = "ppo";
  std::string features = kEnergyFeatureLayout;
  int feature_count = static_cast<int>(kEnergyFeatures);
  int action_count = static_cast<int>(kEnergyActions);
  std::vector<int> hidden;
  std::string control = "energy";  // ai::energy_control_name
  std::string rules;               // ai::energy_rules_name, for what it does not control
  double decision_s = 900.0;
  std::vector<std::string> buildings;  // the district's building ids, in order
  EnergyRewardWeights reward;
  std::string parktwin_version;
  nlohmann::json training = nlohmann::json::object();
};

// The environment options as a training's card records them.
nlohmann::json energy_env_json(const EnergyEnvOptions& options);
// The card of a policy for `scenario` trained with `options`.
EnergyPolicyCard energy_card_for(const EnergyScenario& scenario, const EnergyEnvOptions& options);
void write_energy_card(const EnergyPolicyCard& card, const std::string& dir);
// Throws parktwin::Error naming DIR/policy.json and the field for a missing file, bad JSON,
// another format or layout, or a missing or mistyped field.
EnergyPolicyCard read_energy_card(const std::string& dir);

}  // namespace parktwin::ai
