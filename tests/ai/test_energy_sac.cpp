// Soft Actor-Critic for energy control (ai/learn/energy_sac.h), on a tiny budget: two trainings
// with one seed give identical weights (another seed, others), for 1 and 2 threads alike; the
// policy written is the actor's deterministic action and reproduces its validation through
// TorchScript; and learning happens: battery control from idle batteries, rewarded by cost,
// beats the idle rule on the held-out days.

// glog (which comes with libtorch) defines a CHECK of its own that would replace Catch's:
// Catch's macros are used by their prefixed names here (DEPENDENCIES.md).
#define CATCH_CONFIG_PREFIX_ALL
#include <catch2/catch.hpp>
#include <torch/script.h>

#include <algorithm>
#include <string>

#include "ai/learn/energy_policy.h"
#include "ai/learn/energy_sac.h"
#include "tests/support/energy_learning.h"
#include "tests/support/energy_scenario.h"
#include "tests/support/policy_weights.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

ai::EnergySacConfig tiny(std::uint64_t seed, int threads) {
  ai::EnergySacConfig c;
  c.seed = seed;
  c.threads = threads;
  c.episodes = 4;
  c.envs = 2;
  c.hidden = {16};
  c.batch = 64;
  c.buffer = 4096;
  c.learning_starts = 24;
  c.validate_every = 2;
  c.validation_runs = 1;
  c.env.episode_days = 1;
  c.env.start_days = {180, 181, 182, 183, 184};
  return c;
}

}  // namespace

CATCH_TEST_CASE("energy SAC is bit-reproducible for a seed, for 1 and 2 threads",
                "[ai][learn][energy]") {
  const test::LoadedEnergyScenario& h = test::default_energy_scenario();
  test::TempDir a, b, c, d;
  const ai::EnergyTrainResult ra =
      ai::train_energy_sac(h.energy, tiny(3, 1), a.path().string(), {}, {});
  const ai::EnergyTrainResult rb =
      ai::train_energy_sac(h.energy, tiny(3, 1), b.path().string(), {}, {});
  const ai::EnergyTrainResult rd =
      ai::train_energy_sac(h.energy, tiny(3, 2), d.path().string(), {}, {});
  ai::train_energy_sac(h.energy, tiny(4, 1), c.path().string(), {}, {});
  CATCH_REQUIRE(ra.updates > 100);  // gradient steps were taken
  CATCH_REQUIRE(ra.curve.size() == 2);
  CATCH_CHECK(ra.best_validation_reward == rb.best_validation_reward);
  CATCH_CHECK(ra.best_validation_reward == rd.best_validation_reward);
  const std::string wa = a.path().string(), wb = b.path().string(), wc = c.path().string(),
                    wd = d.path().string();
  CATCH_CHECK(torch::equal(test::weights_of(wa), test::weights_of(wb)));
  CATCH_CHECK(torch::equal(test::weights_of(wa), test::weights_of(wd)));
  CATCH_CHECK_FALSE(torch::equal(test::weights_of(wa), test::weights_of(wc)));

  // The policy written says what it is and, through TorchScript, repeats its validation.
  const auto policy = ai::LearnedEnergyPolicy::load(wa);
  CATCH_CHECK(policy->card().agent == "sac");
  CATCH_CHECK(policy->card().rules == "time_of_use+immediate+schedule");
  ai::EnergyEnvOptions o = tiny(3, 1).env;
  policy->configure(o);
  const int day = policy->card().training["validation"]["start_days"][0].get<int>();
  const ai::EnergyPolicyFn act = [&](std::span<const float> obs, std::span<const std::uint8_t> m,
                                     std::span<float> out) { policy->act(obs, m, out); };
  const ai::EnergyEpisodeResult r =
      ai::run_energy_episode(h.energy, o, day, ai::kEnergyValidationSeeds, act, 1);
  CATCH_CHECK(r.reward_sum == Approx(ra.best_validation_reward).epsilon(1e-6));
}

// Learning happened: 48 one-day episodes of battery control from the idle rule, rewarded by
// cost alone, beat the idle rule (the untrained policy: zeros) on the held-out summer and
// winter weeks (3 days each, seeds 1-3), as the PPO learning test asks of PPO.
CATCH_TEST_CASE("energy SAC learns: trained batteries cost less than idle ones on held-out days",
                "[ai][learn][energy]") {
  const test::LoadedEnergyScenario& h = test::default_energy_scenario();
  test::TempDir dir;
  ai::EnergySacConfig c;
  c.threads = 2;
  c.episodes = 48;
  c.envs = 4;
  c.env = test::battery_from_idle();
  ai::train_energy_sac(h.energy, c, dir.path().string(), {}, {});
  const test::HeldOutCosts costs = test::held_out_battery_costs(h.energy, dir.path().string());
  CATCH_CHECK(costs.trained < costs.idle);
}
