#pragma once
// The energy halves of `parktwin eval` and `parktwin train` (with --control): the same
// commands, the same output conventions, on the energy environment (ai/energy_env.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ai/learn/collective.h"
#include "tools/command.h"
#include "tools/energy_options.h"

namespace parktwin::cli {

struct EnergyEvalArgs {
  std::string scenario;
  std::vector<std::string> policies;  // rule combinations, "rules" (all), policy folders
  std::vector<std::string> weeks{"summer", "winter"};
  int seeds = 3;
  std::string csv, out;
  bool force = false, quiet = false;
  EnergyCliOptions energy;
};
int run_energy_eval(const EnergyEvalArgs& args, const CommandContext& ctx);

struct EnergyTrainArgs {
  std::string scenario, out;
  std::string agent = "ppo";
  std::optional<int> episodes, envs;
  std::uint64_t seed = 0;
  std::optional<double> learning_rate, gamma;
  std::vector<int> hidden{64, 64};
  std::optional<int> iterations, directions;  // ars
  bool force = false, quiet = false;
  EnergyCliOptions energy;
  ai::Collective* ranks = nullptr;  // a distributed training's (ars only); nullptr: alone
};
// Refuses what run_energy_train cannot do, before anything is written.
void check_energy_train(const EnergyTrainArgs& args);
int run_energy_train(const EnergyTrainArgs& args, const CommandContext& ctx);

}  // namespace parktwin::cli
