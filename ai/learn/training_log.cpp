// The learners' shared bookkeeping: validation, the best policy, the curve, progress.

#include "ai/learn/training_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <utility>
#include <vector>

#include "ai/learn/checkpoint.h"
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

nlohmann::json env_options_json(const EnvOptions& e) {
  return {{"decision_s", e.decision_s},
          {"episode_s", e.episode_s},
          {"reward", traffic::reward_kind_name(e.reward)},
          {"reward_scale", e.reward_scale},
          {"neighbour_reward", e.neighbour_reward},
          {"demand_scales", e.demand_scales},
          {"jitter_s", e.jitter_s},
          {"min_green_s", e.min_green_s},
          {"max_green_s", e.max_green_s}};
}

nlohmann::json checkpoint_settings(const nlohmann::json& learner, const nlohmann::json& record) {
  nlohmann::json run = record.is_object() ? record : nlohmann::json::object();
  run.erase("threads");
  nlohmann::json l = learner;
  l.erase("threads");
  return {{"learner", l}, {"run", run}};
}

TrainingLog::TrainingLog(TrainingSetup setup, const SignalVecEnv& env,
                         std::uint64_t total_decisions)
    : s_(std::move(setup)),
      ranks_(s_.ranks != nullptr ? *s_.ranks : alone_),
      env_(env),
      total_decisions_(total_decisions),
      start_(std::chrono::steady_clock::now()),
      next_validation_(s_.validate_every) {}

double TrainingLog::elapsed_s() const {
  return elapsed_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::size_t TrainingLog::all_copies() const {
  return env_.copies() * static_cast<std::size_t>(ranks_.size());
}

void TrainingLog::absorb_finished() {
  const auto& finished = env_.finished();
  for (; absorbed_ < finished.size(); ++absorbed_) {
    pending_reward_ += finished[absorbed_].reward_sum;
    pending_att_ += finished[absorbed_].kpis.average_travel_time_s;
    ++pending_;
    ++episodes_;
  }
}

void TrainingLog::after_decision(std::uint64_t t, SignalQNet& policy, double epsilon,
                                 double& loss_sum, std::uint64_t& loss_count,
                                 tbb::task_arena& arena, TrainResult& result) {
  absorb_finished();
  const bool last = t + 1 >= total_decisions_;
  // Every rank's copies end their episodes together (episodes are of one length): the count
  // of all ranks, without asking them.
  const int episodes = episodes_ * ranks_.size();
  if (episodes < next_validation_ && !last) return;
  if (ranks_.size() > 1) {  // the episodes of every rank's copies since the last point
    const double mine[3] = {static_cast<double>(pending_), pending_reward_, pending_att_};
    const std::vector<double> all = all_gather<double>(ranks_, mine);
    pending_ = 0;
    pending_reward_ = pending_att_ = 0.0;
    for (std::size_t r = 0; r < all.size(); r += 3) {
      pending_ += static_cast<int>(all[r]);
      pending_reward_ += all[r + 1];
      pending_att_ += all[r + 2];
    }
  }
  const auto v_start = std::chrono::steady_clock::now();
  next_validation_ = episodes + s_.validate_every;
  TrainPoint p;
  p.episode = episodes;
  if (pending_ > 0) {
    p.mean_reward = pending_reward_ / pending_ / static_cast<double>(env_.agents());
    p.train_att_s = pending_att_ / pending_;
  }
  pending_reward_ = pending_att_ = 0.0;
  pending_ = 0;
  p.validation_att_s = validation_att(policy, s_.net, s_.demand, s_.traffic, s_.env,
                                      s_.validation_runs, arena, ranks_);
  const bool better = best_ == 0.0 || p.validation_att_s < best_;
  if (better) {
    best_ = p.validation_att_s;
    result.best_episode = p.episode;
  }
  if (better && ranks_.rank() == 0) {
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
  pr.curve = result.curve;
  const std::uint64_t done = std::min(t + 1, total_decisions_);
  pr.episodes_total = static_cast<int>(
      total_decisions_ * all_copies() /
      static_cast<std::uint64_t>(std::lround(s_.env.episode_s / s_.env.decision_s)));
  // The rate of this process (a resumed training's earlier part ran elsewhen).
  const double here_s = std::max(p.wall_s - elapsed_before_, 1e-9);
  const double rate = static_cast<double>(done - std::min(done, first_decision_)) / here_s;
  pr.decisions_per_s = rate * static_cast<double>(all_copies());
  pr.best_validation_att_s = best_;
  pr.eta_s = rate > 0.0 ? static_cast<double>(total_decisions_ - done) / rate : 0.0;
  if (s_.progress && ranks_.rank() == 0) s_.progress(pr);
}

void TrainingLog::finish(TrainResult& result) {
  result.best_validation_att_s = best_;
  result.decisions = total_decisions_ * all_copies();
  result.wall_s = elapsed_s();
  if (ranks_.size() > 1) {  // every rank's transitions and wall time (the longest)
    const double mine[2] = {static_cast<double>(result.transitions), result.wall_s};
    const std::vector<double> all = all_gather<double>(ranks_, mine);
    result.transitions = 0;
    for (std::size_t r = 0; r < all.size(); r += 2) {
      result.transitions += static_cast<std::uint64_t>(all[r]);
      result.wall_s = std::max(result.wall_s, all[r + 1]);
    }
  }
  if (ranks_.rank() != 0) return;
  PolicyCard card = read_card(s_.out_dir);
  card.training["wall_s"] = result.wall_s;
  card.training["decisions"] = result.decisions;
  card.training["transitions"] = result.transitions;
  card.training["updates"] = result.updates;
  write_card(card, s_.out_dir);
}

bool TrainingLog::checkpoint_due(std::uint64_t t) {
  if (ranks_.size() > 1) return false;  // not yet: each rank's rollout would need its own
  const auto round = static_cast<std::uint64_t>(std::lround(s_.env.episode_s / s_.env.decision_s));
  if ((t + 1) % round != 0 || t + 1 >= total_decisions_) return false;
  const double now = elapsed_s();
  if (now - last_checkpoint_s_ < s_.checkpoint_every_s) return false;
  last_checkpoint_s_ = now;
  return true;
}

bool TrainingLog::save_checkpoint(CheckpointWriter& out, const nlohmann::json& settings,
                                  const TrainHooks& hooks, TrainResult& result) {
  absorb_finished();
  nlohmann::json curve = nlohmann::json::array();
  for (const TrainPoint& p : result.curve) {
    curve.push_back(
        {p.episode, p.mean_reward, p.train_att_s, p.validation_att_s, p.epsilon, p.loss, p.wall_s});
  }
  out.json("settings", settings);
  out.json("log", {{"curve", curve},
                   {"best_validation_att_s", best_},
                   {"best_episode", result.best_episode},
                   {"episodes", episodes_},
                   {"next_validation", next_validation_},
                   {"pending", {pending_, pending_reward_, pending_att_}},
                   {"wall_s", elapsed_s()},
                   {"transitions", result.transitions},
                   {"updates", result.updates},
                   {"split_s", {result.env_s, result.act_s, result.learn_s, result.validate_s}}});
  out.save(s_.out_dir);
  result.stopped = hooks.stop && hooks.stop();
  return result.stopped;
}

void TrainingLog::restore(CheckpointReader& in, std::uint64_t t, TrainResult& result) {
  in.values("log", [&](const nlohmann::json& j) {
    result.curve.clear();
    for (const nlohmann::json& p : j.at("curve")) {
      result.curve.push_back({p.at(0).get<int>(), p.at(1).get<double>(), p.at(2).get<double>(),
                              p.at(3).get<double>(), p.at(4).get<double>(), p.at(5).get<double>(),
                              p.at(6).get<double>()});
    }
    best_ = j.at("best_validation_att_s").get<double>();
    result.best_episode = j.at("best_episode").get<int>();
    episodes_ = j.at("episodes").get<int>();
    next_validation_ = j.at("next_validation").get<int>();
    pending_ = j.at("pending").at(0).get<int>();
    pending_reward_ = j.at("pending").at(1).get<double>();
    pending_att_ = j.at("pending").at(2).get<double>();
    elapsed_before_ = j.at("wall_s").get<double>();
    result.transitions = j.at("transitions").get<std::uint64_t>();
    result.updates = j.at("updates").get<std::uint64_t>();
    const nlohmann::json& split = j.at("split_s");
    result.env_s = split.at(0).get<double>();
    result.act_s = split.at(1).get<double>();
    result.learn_s = split.at(2).get<double>();
    result.validate_s = split.at(3).get<double>();
    return true;
  });
  absorbed_ = env_.finished().size();
  first_decision_ = t + 1;
  last_checkpoint_s_ = elapsed_before_;
  start_ = std::chrono::steady_clock::now();
}

}  // namespace parktwin::ai
