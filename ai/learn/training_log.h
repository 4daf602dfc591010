#pragma once
// The bookkeeping every signal learner shares: when to validate (every N finished episodes and
// after the last decision), the curve point of the episodes finished since the last one, the
// greedy validation, the best policy so far written with its card, the progress report, and
// the card's figures of the whole run at the end; and its part of a checkpoint (the curve,
// the counters, the episodes finished since the last point) so that a resumed training
// reports as if it had never stopped.

#include <nlohmann/json.hpp>
#include <tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/learn/checkpoint.h"
#include "ai/learn/collective.h"
#include "ai/learn/dqn.h"
#include "ai/learn/q_nets.h"
#include "ai/signal_env.h"

namespace parktwin::ai {

struct TrainingSetup {
  const traffic::Network& net;
  const traffic::Demand& demand;
  const traffic::TrafficConfig& traffic;
  EnvOptions env;
  int validate_every = 8;
  int validation_runs = 2;
  std::string out_dir;
  std::string agent;  // the card's: "dqn", "colight", "ppo"
  std::vector<int> hidden;
  nlohmann::json card_training;
  std::function<void(const TrainProgress&)> progress;
  double checkpoint_every_s = 0.0;  // TrainHooks'
  // The ranks of a distributed training (nullptr: this process alone). Every rank keeps a log
  // of its own copies; the curve, validation and rates are of all of them, and rank 0 alone
  // writes files and reports progress.
  Collective* ranks = nullptr;
};

// The environment options as checkpoints record them.
nlohmann::json env_options_json(const EnvOptions& env);
// What a checkpoint must match to be resumed: the learner's settings and the caller's record
// of the run (its scenario...), the thread count left out (it does not change the weights).
nlohmann::json checkpoint_settings(const nlohmann::json& learner, const nlohmann::json& record);

// Throws parktwin::Error "invalid training setting" naming `setting` unless `ok`.
void check_setting(bool ok, const char* setting, const std::string& expected, double value);

class TrainingLog {
 public:
  TrainingLog(TrainingSetup setup, const SignalVecEnv& env, std::uint64_t total_decisions);

  // After vectorised decision t (0-based): when due, validates `policy` greedily, writes it as
  // the best policy when it is, adds a curve point (epsilon as given; the mean of the losses
  // summed since the last point, which are then reset) and reports progress.
  void after_decision(std::uint64_t t, SignalQNet& policy, double epsilon, double& loss_sum,
                      std::uint64_t& loss_count, tbb::task_arena& arena, TrainResult& result);
  // The run's figures into the result and the best policy's card.
  void finish(TrainResult& result);

  // Whether to checkpoint after decision t (from 0): at the end of a round of episodes (every
  // copy has just ended one), the very last excepted, when checkpoint_every_s have passed
  // since the last checkpoint (or the start).
  bool checkpoint_due(std::uint64_t t);

  // Completes the learner's checkpoint `out` with the settings and the log's and result's
  // state, writes it into the output folder, and asks hooks.stop: true when the training is
  // to stop here (result.stopped is set).
  bool save_checkpoint(CheckpointWriter& out, const nlohmann::json& settings,
                       const TrainHooks& hooks, TrainResult& result);
  // The log's and the result's state when training resumes after decision t.
  void restore(CheckpointReader& in, std::uint64_t t, TrainResult& result);

 private:
  double elapsed_s() const;
  std::size_t all_copies() const;
  void absorb_finished();

  TrainingSetup s_;
  Collective alone_;
  Collective& ranks_;  // s_.ranks, or alone_
  const SignalVecEnv& env_;
  std::uint64_t total_decisions_;
  std::chrono::steady_clock::time_point start_;
  double elapsed_before_ = 0.0;       // wall seconds before a resumption
  double last_checkpoint_s_ = 0.0;    // elapsed_s() then
  std::uint64_t first_decision_ = 0;  // decisions done before this process started
  std::size_t absorbed_ = 0;          // of env.finished(), taken into the counts below
  int episodes_ = 0;                  // finished so far
  double pending_reward_ = 0.0, pending_att_ = 0.0;  // since the last point
  int pending_ = 0;
  int next_validation_;
  double best_ = 0.0;
};

}  // namespace parktwin::ai
