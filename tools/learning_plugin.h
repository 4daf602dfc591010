#pragma once
// The learners (libtorch) as a plugin, parktwin_learning.so beside the parktwin binary, loaded
// only by what needs them: `train`, `eval`, and a run whose scenario names a trained policy.
// libtorch's static initialisation costs ~0.5 s of every process that links it (its operator
// registry), which `parktwin --help`, every `parktwin run` and every run of a sweep would
// otherwise pay. The binary and the plugin are built from the same sources in one build; the
// ABI number guards against a plugin of another build.

#include <CLI/CLI.hpp>

#include "scenarios/run_file.h"
#include "sim/world.h"
#include "tools/command.h"

namespace parktwin::cli {

inline constexpr int kLearningPluginAbi = 1;

struct LearningPlugin {
  int abi = kLearningPluginAbi;
  CommandRun (*configure_train)(CLI::App& sub) = nullptr;
  CommandRun (*configure_eval)(CLI::App& sub) = nullptr;
  void (*attach_policy_agent)(const scenarios::RunMeta& meta, World& world) = nullptr;
};

// The binary's side: the plugin, loaded on first use (from $PARKTWIN_LEARNING_PLUGIN, else
// parktwin_learning.so beside the binary) and kept loaded. Throws parktwin::Error naming the
// file and dlopen's reason when it cannot be loaded.
const LearningPlugin& learning_plugin();

// The subcommands that need the plugin, configured through it (command_table()).
CommandRun configure_train_on_demand(CLI::App& sub);
CommandRun configure_eval_on_demand(CLI::App& sub);

}  // namespace parktwin::cli

// The plugin's one entry point.
extern "C" const parktwin::cli::LearningPlugin* parktwin_learning_plugin();
