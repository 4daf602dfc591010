#pragma once
// Augmented Random Search for the district's energy (issue 19): a linear policy shared by every
// building, actions = clip(M (obs - mu) / sigma + c) on its kEnergyFeatures observations,
// improved by finite differences along random directions of its parameters (Mania, Guy &
// Recht, "Simple random search of static linear policies is competitive for reinforcement
// learning", NeurIPS 2018: ARS V2-t, observations normalised by the statistics the rules
// see, the top `top` of `directions` directions, steps scaled by the standard deviation of
// their returns).
//
// What it learns against is the test: do better than the best rules on every count.
// Training uses a fixed set of weather windows (drawn from the training days spread over the
// year, seeded); for each the best rule combination is found first (all_energy_rules by
// energy_score), and a candidate's score on a window adds up its relative changes against
// those rules, one point per percent: cost, CO2 and feeder overload hours are to be lowered,
// each gain counted up to `gain_cap` (a policy that halves the overload but burns more CO2 is
// not better on every count, and the cap keeps one large gain from paying for a loss), each
// loss 1 + `violation_weight` times; discomfort and unserved charging are limits, only an
// excess over the rules counting (as a loss). A score above 0 on a window is then nearly a
// policy better there on every count. The parameters start at 0, which is the environment's
// rules (the residual actions' dead band), and the policy with the best score on separate
// validation windows is kept.
//
// Deterministic: the directions are counter-based draws of (seed, iteration, direction), the
// episodes are independent and their results are reduced in a fixed order, so the weights are
// the same for any thread count. Distributed (`ranks`, docs/cluster.md): episode i of each
// batch runs on rank i % N, the results are gathered, and every rank takes the same step from
// all of them: the same weights, bits and all, on any number of ranks; rank 0 writes.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "ai/learn/collective.h"

namespace parktwin::ai {

struct EnergyArsConfig {
  int iterations = 30;
  int directions = 8;              // N: random directions per iteration (each tried + and -)
  int top = 4;                     // b: the best directions used in the step
  double step = 0.02;              // alpha
  double noise = 0.03;             // nu: size of the perturbations
  int windows = 6;                 // training windows
  int validation_runs = 4;         // validation windows
  double violation_weight = 10.0;  // extra weight of a count made worse than the best rules
  double gain_cap = 0.01;          // the most a gain on one count earns (a share: 1 %)
  // The rule combinations whose best on each window is to be beaten; empty: all of them
  // (all_energy_rules).
  std::vector<EnergyRules> reference_rules;
  int threads = 1;
  std::uint64_t seed = 0;
  EnergyEnvOptions env;
};

nlohmann::json settings_json(const EnergyArsConfig& config);

struct EnergyArsPoint {
  int iteration = 0;
  int episodes = 0;               // episodes run so far
  double train_score = 0.0;       // mean over the training windows (saved vs the best rules)
  double validation_score = 0.0;  // the same on the validation windows
  double validation_cost = 0.0, validation_co2_kg = 0.0, validation_discomfort_kh = 0.0;
  double validation_unserved_kwh = 0.0, validation_overload_h = 0.0;
  double wall_s = 0.0;
};

struct EnergyArsResult {
  EnergyArsPoint rules;  // the best rules on the validation windows (their sums; score 0)
  std::vector<EnergyArsPoint> curve;
  double best_validation_score = 0.0;
  int best_iteration = 0;
  int episodes = 0;
  double wall_s = 0.0;
};

// What `r` saves against `best` (the best rules on the same window), as the search scores it.
double ars_window_score(const EnergyEpisodeResult& r, const EnergyEpisodeResult& best,
                        const EnergyArsConfig& config);

// Trains and writes the policy with the best validation score to out_dir (policy.pt, a single
// linear layer with the normalisation folded in, and policy.json: ai/learn/energy_policy.h);
// `progress` once with the rules' point (iteration 0) and after every iteration.
// Throws parktwin::Error for a setting out of range, naming it.
EnergyArsResult train_energy_ars(const EnergyScenario& scenario, const EnergyArsConfig& config,
                                 const std::string& out_dir, const nlohmann::json& card_training,
                                 const std::function<void(const EnergyArsPoint&)>& progress,
                                 Collective* ranks = nullptr);

}  // namespace parktwin::ai
