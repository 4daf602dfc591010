#pragma once
// Proximal policy optimisation for signal control, every junction an agent sharing one
// phase-scoring actor (its scores are the logits of a categorical over the allowed greens) and
// one critic (on the mean of the agent's phase rows):
//   - PPO with the clipped objective: Schulman, Wolski, Dhariwal, Radford & Klimov,
//     arXiv:1707.06347 (2017);
//   - generalized advantage estimation: Schulman, Moritz, Levine, Jordan & Abbeel, ICLR 2016;
//   - in the form of CleanRL's ppo.py (Huang et al., JMLR 23 (2022) 274): rollouts of T
//     decisions from K copies, advantages normalised per minibatch, value loss, entropy
//     bonus, gradients clipped, the learning rate annealed.
// Bit-reproducible like the DQN (dqn.h): counter-based draws for actions and minibatches,
// torch on one thread.
// Distributed (synchronous data parallel, hooks.ranks; docs/cluster.md): each of N ranks steps
// envs / N of the copies; the rollouts are gathered, and each minibatch's gradient is the sum
// of `shards` shard gradients (each shard a fixed slice of the minibatch, shards / N of them on
// each rank), gathered and added in shard order rather than by MPI_Allreduce, whose order of
// addition is the library's. One process computes its shards the same way, on tensors of the
// same shapes: for the same seed, copies and shards the weights are the same bits on 1, 2 or
// any N dividing `shards`.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/learn/dqn.h"
#include "ai/signal_env.h"

namespace parktwin::ai {

struct PpoConfig {
  int episodes = 64;
  int envs = 8;
  int threads = 1;
  std::uint64_t seed = 0;
  std::vector<int> hidden{64, 64};
  int rollout = 64;  // decisions per copy between updates
  double gamma = 0.97, gae_lambda = 0.95;
  double learning_rate = 3e-4;
  int epochs = 4, minibatches = 4;
  int shards = 0;  // 0: default_ppo_shards(envs, ranks)
  double clip = 0.2, entropy = 0.01, value_coef = 0.5, grad_clip = 0.5;
  int validate_every = 8;
  int validation_runs = 2;
  EnvOptions env;
};

nlohmann::json settings_json(const PpoConfig& config);  // as the DQN's

// The gradient shards when not given: the smallest multiple of `ranks` that is at least 4 and
// divides `envs` (so 1, 2 and 4 ranks agree by default), else the smallest multiple of `ranks`
// dividing `envs`; 0 when none does.
int default_ppo_shards(int envs, int ranks);

// Trains from scratch (or resumes) and writes the best policy by validation ATT and the
// checkpoints to out_dir, as train_dqn.
TrainResult train_ppo(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const PpoConfig& config,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const TrainHooks& hooks);

}  // namespace parktwin::ai
