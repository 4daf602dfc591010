// What the energy learners that count episodes share. See energy_validation.h.

#include "ai/learn/energy_validation.h"

#include <filesystem>

#include "ai/policy_card.h"
#include "engine/rng.h"

namespace parktwin::ai {

EnergyValidation::EnergyValidation(const EnergyScenario& scenario, const EnergyEnvOptions& env,
                                   std::uint64_t seed, std::uint32_t stream, int runs, int threads)
    : scenario_(scenario), threads_(threads) {
  const std::vector<int> pool =
      env.start_days.empty() ? training_start_days(env.episode_days) : env.start_days;
  for (int v = 0; v < runs; ++v) {
    days_.push_back(
        pool[rng::uniform_int(seed, stream, static_cast<std::uint32_t>(v), 0, pool.size())]);
  }
}

void EnergyValidation::run(const EnergyEnvOptions& options, const EnergyPolicyFn& policy,
                           EnergyTrainPoint& p) const {
  const auto n = static_cast<double>(days_.size());
  for (std::size_t v = 0; v < days_.size(); ++v) {
    const EnergyEpisodeResult r = run_energy_episode(scenario_, options, days_[v],
                                                     kEnergyValidationSeeds + v, policy, threads_);
    p.validation_reward += r.reward_sum / n;
    p.validation_cost += r.cost / n;
    p.validation_co2_kg += r.co2_kg / n;
    p.validation_discomfort_kh += r.discomfort_kh / n;
    p.validation_unserved_kwh += r.ev_unserved_kwh / n;
  }
}

void EnergyValidation::run_rules(const EnergyEnvOptions& env, EnergyTrainResult& result) const {
  EnergyEnvOptions rules_only = env;
  rules_only.control = {};
  run(rules_only, {}, result.rules);
}

void EnergyValidation::keep_if_best(
    const EnergyTrainPoint& p, EnergyTrainResult& result, EnergyPolicyCard& card,
    const nlohmann::json& card_training, const nlohmann::json& settings, const std::string& out_dir,
    const std::function<void(const std::string&)>& save_weights) const {
  if (!(p.validation_reward > result.best_validation_reward)) return;
  result.best_validation_reward = p.validation_reward;
  result.best_episode = p.episode;
  std::filesystem::create_directories(out_dir);
  save_weights((std::filesystem::path(out_dir) / kWeightsFile).string());
  card.training = card_training;
  card.training["best_episode"] = p.episode;
  card.training["validation"] = validation_json(p);
  card.training["validation"]["start_days"] = days_;
  card.training["settings"] = settings;
  card.training["validation_rules"] = validation_json(result.rules);
  write_energy_card(card, out_dir);
}

std::vector<float> mask_of_every_copy(const EnergyVecEnv& env) {
  const std::size_t per_copy = env.agents() * kEnergyActions;
  std::vector<float> mask(env.copies() * per_copy);
  for (std::size_t i = 0; i < mask.size(); ++i) {
    mask[i] = env.action_mask()[i % per_copy] != 0 ? 1.0f : 0.0f;
  }
  return mask;
}

void training_stats_since(const EnergyVecEnv& env, std::size_t& seen, EnergyTrainPoint& p) {
  double reward = 0.0, cost = 0.0;
  for (std::size_t i = seen; i < env.finished().size(); ++i) {
    reward += env.finished()[i].reward_sum;
    cost += env.finished()[i].cost;
  }
  const auto n = static_cast<double>(env.finished().size() - seen);
  p.mean_reward = n > 0 ? reward / n : 0.0;
  p.train_cost = n > 0 ? cost / n : 0.0;
  seen = env.finished().size();
}

nlohmann::json validation_json(const EnergyTrainPoint& p) {
  return {{"reward", p.validation_reward},
          {"cost", p.validation_cost},
          {"co2_kg", p.validation_co2_kg},
          {"discomfort_kh", p.validation_discomfort_kh},
          {"ev_unserved_kwh", p.validation_unserved_kwh}};
}

}  // namespace parktwin::ai
