// The energy learner (ai/learn/energy_ppo.h) and trained energy policies
// (ai/learn/energy_policy.h), on a tiny budget: two trainings with one seed give identical
// weights and curves (another seed, others), for 1 and 2 threads alike; a trained policy's
// evaluation is the same for 1 and 2 threads; its actions follow the traffic (more EVs, other
// charging); a policy for another district, or with a broken card, is refused by name.

// glog (which comes with libtorch) defines a CHECK of its own that would replace Catch's:
// Catch's macros are used by their prefixed names here (DEPENDENCIES.md).
#define CATCH_CONFIG_PREFIX_ALL
#include <catch2/catch.hpp>
#include <torch/script.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "ai/learn/energy_policy.h"
#include "ai/learn/energy_ppo.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "tests/support/energy_learning.h"
#include "tests/support/energy_scenario.h"
#include "tests/support/policy_weights.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;
namespace fs = std::filesystem;

namespace {

using Loaded = test::LoadedEnergyScenario;
const std::string& kScenario = test::kDefaultScenario;

const Loaded& hangzhou() { return test::default_energy_scenario(); }

ai::EnergyPpoConfig tiny(std::uint64_t seed, int threads) {
  ai::EnergyPpoConfig c;
  c.seed = seed;
  c.threads = threads;
  c.episodes = 4;
  c.envs = 2;
  c.hidden = {16};
  c.rollout = 24;
  c.validate_every = 2;
  c.validation_runs = 1;
  c.env.episode_days = 1;
  c.env.start_days = {180, 181, 182, 183, 184};
  return c;
}

}  // namespace

CATCH_TEST_CASE("energy training is bit-reproducible for a seed, for 1 and 2 threads",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir a, b, c, d;
  const ai::EnergyTrainResult ra =
      ai::train_energy_ppo(h.energy, tiny(3, 1), a.path().string(), {}, {});
  const ai::EnergyTrainResult rb =
      ai::train_energy_ppo(h.energy, tiny(3, 1), b.path().string(), {}, {});
  const ai::EnergyTrainResult rd =
      ai::train_energy_ppo(h.energy, tiny(3, 2), d.path().string(), {}, {});
  ai::train_energy_ppo(h.energy, tiny(4, 1), c.path().string(), {}, {});
  CATCH_REQUIRE(ra.updates > 10);  // gradient steps were taken
  CATCH_REQUIRE(ra.curve.size() == 2);
  CATCH_CHECK(ra.curve.back().episode == 4);
  CATCH_CHECK(ra.best_validation_reward == rb.best_validation_reward);
  CATCH_CHECK(ra.best_validation_reward == rd.best_validation_reward);
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(b.path().string())));
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(d.path().string())));
  CATCH_CHECK_FALSE(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(c.path().string())));

  // The policy written loads, says what it is, and evaluates alike on 1 and 2 threads.
  const auto policy = ai::LearnedEnergyPolicy::load(a.path().string());
  CATCH_CHECK(policy->card().control == "energy");
  CATCH_CHECK(policy->card().rules == "time_of_use+immediate+schedule");
  CATCH_CHECK(policy->card().buildings.size() == 56);
  CATCH_CHECK(policy->card().training["validation"]["reward"].get<double>() ==
              ra.best_validation_reward);
  ai::EnergyEnvOptions o;
  policy->configure(o);
  o.episode_days = 2;
  const ai::EnergyPolicyFn act = [&](std::span<const float> obs, std::span<const std::uint8_t> m,
                                     std::span<float> out) { policy->act(obs, m, out); };
  const ai::EnergyEpisodeResult one = ai::run_energy_episode(h.energy, o, 214, 1, act, 1);
  const ai::EnergyEpisodeResult two = ai::run_energy_episode(h.energy, o, 214, 1, act, 2);
  CATCH_CHECK(one.reward_sum == two.reward_sum);
  CATCH_CHECK(one.cost == two.cost);
  CATCH_CHECK(one.discomfort_kh == two.discomfort_kh);
  CATCH_CHECK(one.ev_unserved_kwh == two.ev_unserved_kwh);
}

CATCH_TEST_CASE("a trained energy policy's charging follows the EVs the traffic brings",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir dir, what_ifs;
  ai::train_energy_ppo(h.energy, tiny(5, 2), dir.path().string(), {}, {});
  const auto policy = ai::LearnedEnergyPolicy::load(dir.path().string());
  const fs::path doubled_path = what_ifs.path() / "ev_share.toml";
  std::ofstream(doubled_path) << "extends = \"" << kScenario << "\"\n[traffic]\nev_share = 0.4\n";
  const Loaded doubled(doubled_path.string());
  policy->check(doubled.energy, "the policy");  // the same district
  // At noon of the same day, with the same actions before: other EVs, other charging caps.
  const auto noon_actions = [&](const ai::EnergyScenario& s) {
    ai::EnergyEnvOptions o;
    policy->configure(o);
    o.episode_days = 1;
    o.start_days = {200};
    ai::EnergyVecEnv env(s, o, 1, 1, 9);
    std::vector<float> a(env.agents() * ai::kEnergyActions, 0.0f);
    for (int t = 0; t < 48; ++t) env.step(a);
    policy->act(env.observations(), env.action_mask(), a);
    return a;
  };
  const std::vector<float> a0 = noon_actions(h.energy), a2 = noon_actions(doubled.energy);
  const energy::DistrictAssets& assets = h.energy.world().energy()->assets();
  int differ = 0;
  for (std::size_t b = 0; b < assets.buildings(); ++b) {
    if (assets.chargers[b] == 0) {
      CATCH_CHECK(a0[b * 3 + 1] == 0.0f);  // no chargers: masked
      continue;
    }
    differ += a0[b * 3 + 1] != a2[b * 3 + 1] ? 1 : 0;
  }
  CATCH_CHECK(differ > 0);
}

CATCH_TEST_CASE("an energy policy for another district or with a broken card is refused",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir dir;
  ai::train_energy_ppo(h.energy, tiny(6, 2), dir.path().string(), {}, {});
  const std::string card_path = (dir.path() / ai::kCardFile).string();
  nlohmann::json card;
  std::ifstream(card_path) >> card;
  const auto rewrite = [&](const nlohmann::json& j) { std::ofstream(card_path) << j.dump(2); };

  nlohmann::json other = card;
  other["district"]["buildings"][3] = "somewhere_else";
  rewrite(other);
  const auto policy = ai::LearnedEnergyPolicy::load(dir.path().string());
  CATCH_CHECK_THROWS_WITH(policy->check(h.energy, "P"),
                          Catch::Contains("energy policy P trained for another district") &&
                              Catch::Contains("district.buildings[3]") &&
                              Catch::Contains("somewhere_else") && Catch::Contains("policy.json"));
  other = card;
  other["district"]["buildings"].erase(0);
  rewrite(other);
  CATCH_CHECK_THROWS_WITH(ai::LearnedEnergyPolicy::load(dir.path().string())->check(h.energy, "P"),
                          Catch::Contains("56 buildings"));
  other = card;
  other["control"]["rules"] = "time_of_use+sometimes+schedule";
  rewrite(other);
  CATCH_CHECK_THROWS_WITH(ai::LearnedEnergyPolicy::load(dir.path().string()),
                          Catch::Contains("control.rules") && Catch::Contains("sometimes"));
  other = card;
  other["model"]["feature_count"] = 11;
  rewrite(other);
  CATCH_CHECK_THROWS_WITH(ai::LearnedEnergyPolicy::load(dir.path().string()),
                          Catch::Contains("another observation or action layout"));
  other = card;
  other["format"] = "parktwin-policy";  // a signal policy's card
  rewrite(other);
  CATCH_CHECK_THROWS_WITH(ai::LearnedEnergyPolicy::load(dir.path().string()),
                          Catch::Contains("parktwin-energy-policy"));
  rewrite(card);
  std::ofstream(dir.path() / ai::kWeightsFile) << "not torchscript";
  CATCH_CHECK_THROWS_WITH(ai::LearnedEnergyPolicy::load(dir.path().string()),
                          Catch::Contains("cannot read the policy's weights"));
}

// Learning happened: 48 one-day episodes (about 10 s) of battery control from the idle rule,
// rewarded by cost alone, beat the idle rule (the untrained policy: zeros) on the held-out
// summer and winter weeks (3 days each, seeds 1-3). How far it goes is in docs/ai.md.
CATCH_TEST_CASE("energy PPO learns: trained batteries cost less than idle ones on held-out days",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir dir;
  ai::EnergyPpoConfig c;
  c.threads = 2;
  c.episodes = 48;
  c.envs = 4;
  c.env = test::battery_from_idle();
  ai::train_energy_ppo(h.energy, c, dir.path().string(), {}, {});
  const test::HeldOutCosts costs = test::held_out_battery_costs(h.energy, dir.path().string());
  CATCH_CHECK(costs.trained < costs.idle);
}
