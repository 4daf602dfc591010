// The learners' shared bookkeeping: validation, the best policy, the curve, progress.

#include "ai/learn/training_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "ai/learn/greedy.h"
#include "ai/policy_card.h"
#include "engine/error.h"

namespace parktwin::ai {

void check_setting(bool ok, const char* setting, const std::string& expected, double value) {
  if (!ok) {
    throw Error("invalid training setting")
        .field(setting)
        .expected(expected)
        .found(fmt::format("{}", value));
  }
}

TrainingLog::TrainingLog(TrainingSetup setup, const SignalVecEnv& env,
                         std::uint64_t total_decisions)
    : s_(std::move(setup)),
      env_(env),
      total_decisions_(total_decisions),
      start_(std::chrono::steady_clock::now()),
      next_validation_(s_.validate_every) {}

double TrainingLog::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void TrainingLog::after_decision(std::uint64_t t, SignalQNet& policy, double epsilon,
                                 double& loss_sum, std::uint64_t& loss_count,
                                 tbb::task_arena& arena, TrainResult& result) {
  const auto& finished = env_.finished();
  const bool last = t + 1 >= total_decisions_;
  if (static_cast<int>(finished.size()) < next_validation_ && !last) return;
  const auto v_start = std::chrono::steady_clock::now();
  next_validation_ = static_cast<int>(finished.size()) + s_.validate_every;
  TrainPoint p;
  p.episode = static_cast<int>(finished.size());
  double rsum = 0.0, att = 0.0;
  const std::size_t n = finished.size() - reported_;
  for (std::size_t i = reported_; i < finished.size(); ++i) {
    rsum += finished[i].reward_sum;
    att += finished[i].kpis.average_travel_time_s;
  }
  if (n > 0) {
    p.mean_reward = rsum / static_cast<double>(n) / static_cast<double>(env_.agents());
    p.train_att_s = att / static_cast<double>(n);
  }
  reported_ = finished.size();
  p.validation_att_s =
      validation_att(policy, s_.net, s_.demand, s_.traffic, s_.env, s_.validation_runs, arena);
  if (best_ == 0.0 || p.validation_att_s < best_) {
    best_ = p.validation_att_s;
    result.best_episode = p.episode;
    std::filesystem::create_directories(s_.out_dir);
    policy.save_torchscript((std::filesystem::path(s_.out_dir) / kWeightsFile).string());
    PolicyCard card = card_for(env_.surface());
    card.agent = s_.agent;
    card.model = policy.kind();
    card.hidden = s_.hidden;
    card.decision_s = s_.env.decision_s;
    card.reward = traffic::reward_kind_name(s_.env.reward);
    card.reward_scale = s_.env.reward_scale;
    card.training = s_.card_training;
    card.training["best_validation_att_s"] = best_;
    card.training["best_episode"] = p.episode;
    card.training["validation_seeds"] = {kValidationSeeds,
                                         kValidationSeeds + s_.validation_runs - 1};
    write_card(card, s_.out_dir);
  }
  p.epsilon = epsilon;
  p.loss = loss_count > 0 ? loss_sum / static_cast<double>(loss_count) : 0.0;
  loss_sum = 0.0;
  loss_count = 0;
  p.wall_s = elapsed_s();
  result.validate_s +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - v_start).count();
  result.curve.push_back(p);
  TrainProgress pr;
  pr.point = p;
  const std::uint64_t done = std::min(t + 1, total_decisions_);
  pr.episodes_total = static_cast<int>(
      total_decisions_ * env_.copies() /
      static_cast<std::uint64_t>(std::lround(s_.env.episode_s / s_.env.decision_s)));
  pr.decisions_per_s = static_cast<double>(done * env_.copies()) / std::max(p.wall_s, 1e-9);
  pr.best_validation_att_s = best_;
  pr.eta_s = p.wall_s / static_cast<double>(done) * static_cast<double>(total_decisions_ - done);
  if (s_.progress) s_.progress(pr);
}

void TrainingLog::finish(TrainResult& result) const {
  result.best_validation_att_s = best_;
  result.decisions = total_decisions_ * env_.copies();
  result.wall_s = elapsed_s();
  PolicyCard card = read_card(s_.out_dir);
  card.training["wall_s"] = result.wall_s;
  card.training["decisions"] = result.decisions;
  card.training["transitions"] = result.transitions;
  card.training["updates"] = result.updates;
  write_card(card, s_.out_dir);
}

}  // namespace parktwin::ai
