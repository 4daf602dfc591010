// Augmented Random Search for energy control (ai/learn/energy_ars.h): its window score against
// the best rules (analytic), bit-identical weights for a seed on 1 and 2 threads and a policy
// that loads and acts as the search saw it, and learning (battery control from idle batteries
// scores better on held-out days than the untrained policy).

// glog (which comes with libtorch) defines a CHECK of its own that would replace Catch's:
// Catch's macros are used by their prefixed names here (DEPENDENCIES.md).
#define CATCH_CONFIG_PREFIX_ALL
#include <catch2/catch.hpp>
#include <torch/script.h>

#include <algorithm>
#include <string>

#include "ai/learn/energy_ars.h"
#include "ai/learn/energy_policy.h"
#include "engine/error.h"
#include "scenarios/run_world.h"
#include "tests/support/energy_scenario.h"
#include "tests/support/policy_weights.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

using Loaded = test::LoadedEnergyScenario;

const Loaded& hangzhou() { return test::default_energy_scenario(); }

ai::EnergyArsConfig tiny(std::uint64_t seed, int threads) {
  ai::EnergyArsConfig c;
  c.seed = seed;
  c.threads = threads;
  c.iterations = 2;
  c.directions = 2;
  c.top = 1;
  c.windows = 2;
  c.validation_runs = 1;
  c.env.episode_days = 1;
  c.env.start_days = {180, 181, 182, 183};
  c.reference_rules = {{}};  // the environment's default rules: one combination to run
  return c;
}

}  // namespace

CATCH_TEST_CASE("the ARS window score: points per percent, gains capped, losses counted more",
                "[ai][learn][energy]") {
  ai::EnergyArsConfig c;
  c.violation_weight = 2.0;
  c.gain_cap = 0.01;
  ai::EnergyEpisodeResult best;
  best.cost = 1000.0;
  best.co2_kg = 500.0;
  best.discomfort_kh = 10.0;
  best.ev_unserved_kwh = 20.0;
  best.overload_kwh = 30.0;
  best.feeder_overload_h = 4.0;
  CATCH_CHECK(ai::ars_window_score(best, best, c) == 0.0);
  ai::EnergyEpisodeResult r = best;
  r.cost = 995.0;             // 0.5 %
  r.co2_kg = 450.0;           // 10 %, counted as 1 % (the cap)
  r.feeder_overload_h = 0.0;  // 100 %, counted as 1 %
  r.overload_kwh = 0.0;       // not a count of the score
  CATCH_CHECK(ai::ars_window_score(r, best, c) == Approx(2.5));
  // Comfort and charging are limits: doing better on them earns nothing...
  r.discomfort_kh = 5.0;
  r.ev_unserved_kwh = 10.0;
  CATCH_CHECK(ai::ars_window_score(r, best, c) == Approx(2.5));
  // ... doing worse costs 1 + violation_weight points per percent, as a loss on cost does.
  r.discomfort_kh = 10.5;  // 5 % x 3
  CATCH_CHECK(ai::ars_window_score(r, best, c) == Approx(2.5 - 15.0));
  r.ev_unserved_kwh = 21.0;  // 5 % x 3
  r.cost = 1001.0;           // 0.1 % x 3, and the 0.5 saved are gone
  CATCH_CHECK(ai::ars_window_score(r, best, c) == Approx(2.5 - 0.5 - 0.3 - 15.0 - 15.0));
  // A count near zero is compared against a floor (1 h of overload), not divided by zero.
  best.feeder_overload_h = 0.0;
  r.feeder_overload_h = 0.5;  // 50 % of the 1 h floor, x 3
  CATCH_CHECK(ai::ars_window_score(r, best, c) ==
              Approx(2.5 - 0.5 - 0.3 - 15.0 - 15.0 - 1.0 - 150.0));
}

CATCH_TEST_CASE("energy ARS is bit-reproducible for a seed, for 1 and 2 threads",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir a, b, d;
  const ai::EnergyArsResult ra =
      ai::train_energy_ars(h.energy, tiny(3, 1), a.path().string(), {}, {});
  const ai::EnergyArsResult rb =
      ai::train_energy_ars(h.energy, tiny(3, 2), b.path().string(), {}, {});
  CATCH_REQUIRE(ra.curve.size() == 3);  // iteration 0 (the rules' policy) and 2 steps
  CATCH_CHECK(ra.episodes == rb.episodes);
  for (std::size_t i = 0; i < ra.curve.size(); ++i) {
    CATCH_CHECK(ra.curve[i].train_score == rb.curve[i].train_score);
    CATCH_CHECK(ra.curve[i].validation_score == rb.curve[i].validation_score);
  }
  CATCH_CHECK(
      torch::equal(test::weights_of(a.path().string()), test::weights_of(b.path().string())));
  // Another seed searches other directions (its first step differs).
  CATCH_CHECK(
      ra.curve[1].train_score !=
      ai::train_energy_ars(h.energy, tiny(5, 1), d.path().string(), {}, {}).curve[1].train_score);

  // The policy written is ARS's, loads, and acts as the search saw it: its validation score,
  // recomputed through the TorchScript weights, is the one recorded.
  const auto policy = ai::LearnedEnergyPolicy::load(a.path().string());
  CATCH_CHECK(policy->card().agent == "ars");
  CATCH_CHECK(policy->card().hidden.empty());
  CATCH_CHECK(policy->card().training["validation"]["score"].get<double>() ==
              ra.best_validation_score);
  ai::EnergyEnvOptions o;
  policy->configure(o);
  o.episode_days = 1;
  const int day = policy->card().training["windows"]["validation_start_days"][0].get<int>();
  const ai::EnergyEpisodeResult again =
      ai::run_energy_episode(h.energy, o, day, ai::kEnergyValidationSeeds,
                             [&](std::span<const float> obs, std::span<const std::uint8_t> m,
                                 std::span<float> out) { policy->act(obs, m, out); });
  // (float weights with the normalisation folded in, against the search's doubles)
  CATCH_CHECK(again.cost ==
              Approx(policy->card().training["validation"]["cost"].get<double>()).epsilon(1e-4));
}

// Learning happened: battery control from idle batteries, with the best rules (time-of-use
// batteries among them) to beat on every window, scores better on held-out days (the summer
// and winter weeks' first 2 days, seeds 1-2) than where it started, the idle rule.
CATCH_TEST_CASE("energy ARS learns: trained batteries score better than idle ones on held-out days",
                "[ai][learn][energy]") {
  const Loaded& h = hangzhou();
  test::TempDir dir;
  ai::EnergyArsConfig c;
  c.threads = 2;
  c.iterations = 8;
  c.directions = 4;
  c.top = 2;
  c.windows = 3;
  c.validation_runs = 2;
  c.env.episode_days = 2;
  c.env.control = {false, true, false};
  c.env.rules.batteries = energy::BatteryPolicy::idle;
  c.reference_rules = {{}};  // time-of-use batteries (the default rules) to beat
  const ai::EnergyArsResult r = ai::train_energy_ars(h.energy, c, dir.path().string(), {}, {});
  CATCH_REQUIRE(r.best_iteration > 0);  // a step improved on the rules' policy in validation
  const auto policy = ai::LearnedEnergyPolicy::load(dir.path().string());
  ai::EnergyEnvOptions o;
  policy->configure(o);
  o.episode_days = 2;
  const ai::EnergyPolicyFn trained = [&](std::span<const float> obs,
                                         std::span<const std::uint8_t> m,
                                         std::span<float> out) { policy->act(obs, m, out); };
  double trained_score = 0.0, idle_score = 0.0;
  for (const ai::EvaluationWeek& week : ai::kEvaluationWeeks) {
    for (std::uint64_t seed = 1; seed <= 2; ++seed) {
      trained_score -= ai::energy_score(
          ai::run_energy_episode(h.energy, o, week.start_day, seed, trained, 2), o.reward);
      idle_score -= ai::energy_score(
          ai::run_energy_episode(h.energy, o, week.start_day, seed, {}, 2), o.reward);
    }
  }
  CATCH_CHECK(trained_score > idle_score);
}
