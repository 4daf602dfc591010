#pragma once
// Deep Q-learning for signal control, every junction an agent sharing one phase-scoring
// network (ai/learn/q_nets.h). The pieces, each from its paper:
//   - DQN with experience replay and a target network: Mnih et al., Nature 518 (2015) 529;
//   - double DQN targets: van Hasselt, Guez & Silver, AAAI 2016;
//   - n-step returns: Sutton & Barto, Reinforcement Learning (2nd ed.), ch. 7; as in Rainbow
//     (Hessel et al., AAAI 2018);
//   - parameters shared across junctions, the phase as the unit of choice: MPLight (Chen et
//     al., AAAI 2020), FRAP (Zheng et al., CIKM 2019).
// Many environment copies step in parallel (ai/signal_env.h). Bit-reproducible for a seed:
// the copies are deterministic for any thread count, every random draw (exploration, replay
// sampling) is counter-based from the seed, and torch runs on one thread (small networks gain
// nothing from more), so two trainings with the same seed give identical weights.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ai/learn/collective.h"
#include "ai/learn/greedy.h"
#include "ai/signal_env.h"
#include "sim/traffic/demand.h"
#include "sim/traffic/network.h"
#include "sim/traffic/traffic_sim.h"

namespace parktwin::ai {

struct DqnConfig {
  std::string model = "phase_q_mlp";  // or "colight" (ai/learn/q_nets.h)
  int episodes = 64;                  // training episodes in all (over every copy)
  int envs = 8;                       // environment copies stepped together
  int threads = 1;                    // for the copies
  std::uint64_t seed = 0;
  std::vector<int> hidden{64, 64};
  double gamma = 0.97;  // per decision
  int n_step = 3;
  double learning_rate = 1e-3;
  int batch = 16;                // states of a whole network per gradient step (x agents rows)
  int replay = 12'500;           // network states kept (each one transition per agent)
  int learning_starts = 300;     // network states before the first update
  int updates_per_decision = 4;  // gradient steps per vectorised decision
  int target_every = 250;        // updates between target network copies
  double epsilon_start = 1.0, epsilon_end = 0.02;
  double epsilon_fraction = 0.3;  // of all decisions, to decay epsilon over
  double grad_clip = 10.0;
  int validate_every = 8;  // episodes between validations (greedy, on validation seeds)
  int validation_runs = 2;
  EnvOptions env;
};

struct TrainPoint {
  int episode = 0;                // episodes finished so far
  double mean_reward = 0.0;       // of the episodes finished since the last point, per agent
  double train_att_s = 0.0;       // their mean average travel time
  double validation_att_s = 0.0;  // greedy policy on the validation seeds (0: not validated)
  double epsilon = 0.0;
  double loss = 0.0;  // mean TD loss since the last point
  double wall_s = 0.0;
};

struct TrainProgress {
  TrainPoint point;
  std::span<const TrainPoint> curve;  // every point so far (this one last), resumed runs too
  int episodes_total = 0;
  double decisions_per_s = 0.0;  // vectorised decisions x copies per wall second
  double best_validation_att_s = 0.0;
  double eta_s = 0.0;
};

struct TrainResult {
  std::vector<TrainPoint> curve;
  double best_validation_att_s = 0.0;
  int best_episode = 0;
  double wall_s = 0.0;
  std::uint64_t decisions = 0;    // environment steps (decisions x copies)
  std::uint64_t transitions = 0;  // stored in replay (one per agent and decision)
  std::uint64_t updates = 0;
  // Where the wall time went: stepping the copies, choosing actions, learning, validating.
  double env_s = 0.0, act_s = 0.0, learn_s = 0.0, validate_s = 0.0;
  bool stopped = false;  // stopped at a checkpoint by TrainHooks::stop, not finished
};

// How a caller follows and steers a training.
struct TrainHooks {
  // After each validation (a new curve point).
  std::function<void(const TrainProgress&)> progress;
  // Continue the training whose checkpoint is in out_dir (ai/learn/checkpoint.h) instead of
  // starting afresh; its settings must be the ones given now (the thread count may differ).
  bool resume = false;
  // Asked after each checkpoint: true stops the training there (TrainResult::stopped), as if
  // it had been killed, but in order (tests; a scheduler's time limit).
  std::function<bool()> stop;
  // At most one checkpoint per this many wall seconds (0: after every round of episodes). A
  // replay buffer can be 100 MB and more; where the checkpoints fall does not change the result.
  double checkpoint_every_s = 0.0;
  // The ranks of a distributed training (ai/learn/collective.h; PPO only); nullptr: this
  // process alone.
  Collective* ranks = nullptr;
};

// The settings as recorded in checkpoints (everything that changes the weights: not threads).
nlohmann::json settings_json(const DqnConfig& config);

// Trains from scratch (or resumes, hooks.resume) and writes the best policy by validation ATT
// to out_dir (policy.pt and policy.json, ai/policy_card.h), with a checkpoint
// (checkpoint.pt) after every round of episodes, the last one excepted. `card_training` goes
// into the card and, with the settings, into the checkpoints. Throws parktwin::Error for a bad
// configuration, naming the setting, or a checkpoint that does not fit.
TrainResult train_dqn(const traffic::Network& net, const traffic::Demand& demand,
                      const traffic::TrafficConfig& traffic, const DqnConfig& config,
                      const std::string& out_dir, const nlohmann::json& card_training,
                      const TrainHooks& hooks);

}  // namespace parktwin::ai
