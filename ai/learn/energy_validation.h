#pragma once
// What the energy learners that count episodes (PPO, SAC) share: validation windows drawn once
// (seeded) from the training days, the mean results of a policy (or of the rules alone) on
// them, the training figures of the episodes finished since the last curve point, and the
// card's record of a validation.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "ai/learn/energy_policy.h"
#include "ai/learn/energy_ppo.h"

namespace parktwin::ai {

class EnergyValidation {
 public:
  // `runs` windows drawn from env's start days (all training days when it names none) with
  // `stream` of the counter-based generator under `seed`; the scenario must outlive this.
  EnergyValidation(const EnergyScenario& scenario, const EnergyEnvOptions& env, std::uint64_t seed,
                   std::uint32_t stream, int runs, int threads);
  const std::vector<int>& days() const { return days_; }
  // The mean results of `policy` (empty: the rules alone) with `options` on the windows, into
  // p's validation fields.
  void run(const EnergyEnvOptions& options, const EnergyPolicyFn& policy,
           EnergyTrainPoint& p) const;
  // The rules alone (env's, nothing driven) on the windows, into result.rules: the point the
  // learners' curves start from.
  void run_rules(const EnergyEnvOptions& env, EnergyTrainResult& result) const;
  // When validated point p beats result's best: records it there and writes the policy to
  // out_dir, its weights by `save_weights` (given the path) and `card` with the run's
  // record (`card_training`), the learner's settings and both validations.
  void keep_if_best(const EnergyTrainPoint& p, EnergyTrainResult& result, EnergyPolicyCard& card,
                    const nlohmann::json& card_training, const nlohmann::json& settings,
                    const std::string& out_dir,
                    const std::function<void(const std::string&)>& save_weights) const;

 private:
  const EnergyScenario& scenario_;
  std::vector<int> days_;
  int threads_ = 1;
};

// The action mask of every copy of env, 1 or 0 as float: copies x agents x kEnergyActions.
std::vector<float> mask_of_every_copy(const EnergyVecEnv& env);

// The mean reward and cost of env's episodes finished since `seen` into p (mean_reward,
// train_cost); `seen` moves on to now.
void training_stats_since(const EnergyVecEnv& env, std::size_t& seen, EnergyTrainPoint& p);

// A validation point as the card records it.
nlohmann::json validation_json(const EnergyTrainPoint& p);

}  // namespace parktwin::ai
