#pragma once
// The learning test the energy learners share (PPO, SAC): battery control learned from the idle
// rule, rewarded by cost alone, must cost less than idle batteries on the held-out summer and
// winter weeks (3 days each, seeds 1-3).

#include <algorithm>
#include <span>
#include <string>

#include "ai/energy_env.h"
#include "ai/learn/energy_policy.h"

namespace parktwin::test {

// The environment of the learning test: one-day episodes of battery control from idle
// batteries, cost the only reward.
inline ai::EnergyEnvOptions battery_from_idle() {
  ai::EnergyEnvOptions env;
  env.episode_days = 1;
  env.control = {false, true, false};
  env.rules.batteries = energy::BatteryPolicy::idle;
  env.reward = {1.0, 0.0, 0.0, 0.0, 0.0, 1.0};
  return env;
}

struct HeldOutCosts {
  double trained = 0.0, idle = 0.0;
};

// The policy in `dir` and idle batteries (its actions all 0) on the held-out days.
inline HeldOutCosts held_out_battery_costs(const ai::EnergyScenario& scenario,
                                           const std::string& dir) {
  const auto policy = ai::LearnedEnergyPolicy::load(dir);
  ai::EnergyEnvOptions o;
  policy->configure(o);
  o.episode_days = 3;
  o.reward = battery_from_idle().reward;
  const ai::EnergyPolicyFn trained = [&](std::span<const float> obs,
                                         std::span<const std::uint8_t> m,
                                         std::span<float> out) { policy->act(obs, m, out); };
  const ai::EnergyPolicyFn zeros = [](std::span<const float>, std::span<const std::uint8_t>,
                                      std::span<float> out) {
    std::fill(out.begin(), out.end(), 0.0f);
  };
  HeldOutCosts c;
  for (const ai::EvaluationWeek& week : ai::kEvaluationWeeks) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      c.trained += ai::run_energy_episode(scenario, o, week.start_day, seed, trained, 2).cost;
      c.idle += ai::run_energy_episode(scenario, o, week.start_day, seed, zeros, 2).cost;
    }
  }
  return c;
}

}  // namespace parktwin::test
