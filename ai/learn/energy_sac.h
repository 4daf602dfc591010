#pragma once
// Soft Actor-Critic for the district's energy (issue 19): every building an agent sharing one
// squashed-Gaussian actor (an MLP from its kEnergyFeatures observations to the mean and log
// standard deviation of its kEnergyActions actions, tanh-squashed into [-1, 1]) and two Q
// networks with their target copies, trained off-policy from a replay buffer of every
// building's transitions on the vectorised energy environment (ai/energy_env.h):
//   - SAC: Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905
//     (2018): clipped double Q, target networks by Polyak averaging, the entropy temperature
//     tuned to a target entropy of -(actions that act);
//   - in the form of CleanRL's sac_continuous_action.py (Huang et al., JMLR 23 (2022) 274):
//     ReLU MLPs, the log standard deviation squashed into [-5, 2], Adam, the actor and the
//     temperature updated every `policy_every` critic updates.
// Episodes end at a time limit: a cut episode's last transition bootstraps from the state it
// was cut in (never terminal), as Stable-Baselines3 does for timeouts. Rewards are scaled by
// one constant fixed after the first decisions (1 / their standard deviation), so that every
// transition in the buffer keeps its scale. Actions masked for a building (no battery, no
// chargers, not controlled) take no part in its log-probability, and act not at all.
// Bit-reproducible for a seed and thread count (counter-based draws for the exploration noise
// and the minibatches, torch on one thread); the environment does not depend on the thread
// count at all. The policy written is the actor's deterministic action, tanh(mean).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "ai/learn/energy_ppo.h"

namespace parktwin::ai {

struct EnergySacConfig {
  int episodes = 64;  // training episodes (over all copies)
  int envs = 4;       // copies of the district
  int threads = 1;
  std::uint64_t seed = 0;
  std::vector<int> hidden{64, 64};  // CleanRL's 256 x 256 costs 16 times as much per update
  double gamma = 0.99;              // per decision: a horizon of about a day at 15 minutes
  double tau = 0.005;
  double actor_lr = 3e-4, critic_lr = 1e-3;
  int batch = 256;
  int buffer = 500'000;          // transitions (one per building and decision)
  int learning_starts = 96;      // decisions before the first update (a day)
  int updates_per_decision = 2;  // critic updates after each vectorised decision
  int policy_every = 2;          // critic updates per actor and temperature update
  double initial_alpha = 0.05;
  int validate_every = 8;   // episodes
  int validation_runs = 2;  // validation windows (drawn from the training days)
  EnergyEnvOptions env;
};

nlohmann::json settings_json(const EnergySacConfig& config);

// Trains from scratch and writes the policy with the best validation reward to out_dir
// (policy.pt, policy.json: ai/learn/energy_policy.h); `progress` after each validation (and
// once before training with the rules' point, EnergyTrainResult::rules).
// Throws parktwin::Error for a setting out of range, naming it.
EnergyTrainResult train_energy_sac(const EnergyScenario& scenario, const EnergySacConfig& config,
                                   const std::string& out_dir, const nlohmann::json& card_training,
                                   const std::function<void(const EnergyTrainPoint&)>& progress);

}  // namespace parktwin::ai
