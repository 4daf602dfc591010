#pragma once
// PPO with a Gaussian policy for the district's energy (issue 19): every building an agent
// sharing one actor (an MLP from its kEnergyFeatures observations to the means of its
// kEnergyActions actions, one learned log standard deviation per action) and one critic (an
// MLP to its value), trained on the vectorised energy environment (ai/energy_env.h):
//   - PPO, clipped objective: Schulman et al., arXiv:1707.06347 (2017); GAE: Schulman et al.,
//     ICLR 2016;
//   - for continuous actions in the form of CleanRL's ppo_continuous_action.py (Huang et al.,
//     JMLR 23 (2022) 274): state-independent log std, tanh MLPs, advantages
//     normalised per minibatch, rewards scaled by the running standard deviation of the
//     discounted return (Gymnasium's NormalizeReward; here per building, over its copies) and
//     clipped to +-10, the learning rate
//     annealed to 0, gradients clipped at 0.5;
//   - episodes end at a time limit: the value of the state an episode was cut in is added to
//     its last reward (as Stable-Baselines3 does for timeouts), not treated as terminal.
// Actions masked for a building (no battery, no chargers, not controlled) take no part in its
// log-probability or entropy.
// Bit-reproducible for a seed and thread count (counter-based draws for the exploration noise
// and the minibatches, torch on one thread); the environment's results do not depend on the
// thread count at all.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/energy_env.h"

namespace parktwin::ai {

struct EnergyPpoConfig {
  int episodes = 64;  // training episodes (over all copies)
  int envs = 4;       // copies of the district
  int threads = 1;
  std::uint64_t seed = 0;
  std::vector<int> hidden{64, 64};
  int rollout = 96;  // decisions per copy between updates (a day at 15 minutes)
  double gamma = 0.99, gae_lambda = 0.95;  // per decision: a horizon of about a day
  double learning_rate = 3e-4;
  int epochs = 4, minibatches = 4;
  double clip = 0.2, entropy = 0.0, value_coef = 0.5, grad_clip = 0.5;
  double initial_log_std = -0.5;
  int validate_every = 8;   // episodes
  int validation_runs = 2;  // validation windows (drawn from the training days)
  EnergyEnvOptions env;
};

nlohmann::json settings_json(const EnergyPpoConfig& config);

struct EnergyTrainPoint {
  int episode = 0;                 // episodes finished so far
  double mean_reward = 0.0;        // of the episodes finished since the last point
  double train_cost = 0.0;         // their mean cost
  double validation_reward = 0.0;  // mean actions on the validation windows
  double validation_cost = 0.0, validation_co2_kg = 0.0, validation_discomfort_kh = 0.0;
  double validation_unserved_kwh = 0.0;
  double wall_s = 0.0;
};

struct EnergyTrainResult {
  // The rules alone (the environment's rules for everything) on the validation windows: what
  // the validation points compare with (episode 0).
  EnergyTrainPoint rules;
  std::vector<EnergyTrainPoint> curve;
  double best_validation_reward = 0.0;
  int best_episode = 0;
  double wall_s = 0.0;
  std::uint64_t decisions = 0, updates = 0;
  double env_s = 0.0, learn_s = 0.0, validate_s = 0.0;
};

// Trains from scratch and writes the policy with the best validation reward to out_dir
// (policy.pt, policy.json: ai/learn/energy_policy.h); `progress` after each validation (and
// once before training with the rules' point, EnergyTrainResult::rules).
// Throws parktwin::Error for a setting out of range, naming it.
EnergyTrainResult train_energy_ppo(const EnergyScenario& scenario, const EnergyPpoConfig& config,
                                   const std::string& out_dir, const nlohmann::json& card_training,
                                   const std::function<void(const EnergyTrainPoint&)>& progress);

}  // namespace parktwin::ai
