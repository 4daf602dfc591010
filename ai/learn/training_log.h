#pragma once
// The bookkeeping every signal learner shares: when to validate (every N finished episodes and
// after the last decision), the curve point of the episodes finished since the last one, the
// greedy validation, the best policy so far written with its card, the progress report, and
// the card's figures of the whole run at the end.

#include <nlohmann/json.hpp>
#include <tbb/task_arena.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
};

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
  void finish(TrainResult& result) const;

 private:
  double elapsed_s() const;

  TrainingSetup s_;
  const SignalVecEnv& env_;
  std::uint64_t total_decisions_;
  std::chrono::steady_clock::time_point start_;
  std::size_t reported_ = 0;
  int next_validation_;
  double best_ = 0.0;
};

}  // namespace parktwin::ai
