// The subcommand table. Built twice: for the parktwin binary with the learners (libtorch,
// PARKTWIN_WITH_LEARNING: train and eval, configured through the learning plugin only when
// chosen, tools/learning_plugin.h) and, without them, for the test binaries that run the CLI
// in-process.

#include <array>

#include "tools/command.h"
#ifdef PARKTWIN_WITH_LEARNING
#include "tools/learning_plugin.h"
#endif

namespace parktwin::cli {

// One line per subcommand; each configure function lives in its own cmd_<name>.cpp.
CommandRun configure_compare(CLI::App& sub);
CommandRun configure_export(CLI::App& sub);
CommandRun configure_generate(CLI::App& sub);
CommandRun configure_import(CLI::App& sub);
CommandRun configure_inspect(CLI::App& sub);
CommandRun configure_render(CLI::App& sub);
CommandRun configure_run(CLI::App& sub);
CommandRun configure_selftest(CLI::App& sub);
CommandRun configure_sweep(CLI::App& sub);
CommandRun configure_view(CLI::App& sub);

std::span<const CommandSpec> command_table() {
#ifdef PARKTWIN_WITH_LEARNING
  constexpr std::size_t kCount = 12;
#else
  constexpr std::size_t kCount = 10;
#endif
  static constexpr std::array<CommandSpec, kCount> kCommands{{
      {"compare", "A sweep's KPIs per variant (mean, 95 % interval) and against a baseline",
       &configure_compare},
#ifdef PARKTWIN_WITH_LEARNING
      {"eval", "Compare signal policies (classic and trained) on the same seeds and demands",
       &configure_eval_on_demand, true},
#endif
      {"export", "Write a run file's tables and series as CSV files", &configure_export},
      {"generate", "Write a synthetic scenario (grid) to a folder", &configure_generate},
      {"import", "Make a scenario from an OpenStreetMap file (network via netconvert)",
       &configure_import},
      {"inspect", "Show a run file's metadata, KPIs and series", &configure_inspect},
      {"render", "Draw a frame of a scenario or run file into a PNG (offscreen Vulkan)",
       &configure_render},
      {"run", "Simulate a scenario headless and print its KPIs", &configure_run},
      {"selftest", "Check that this build and machine give correct, reproducible results",
       &configure_selftest},
      {"sweep",
       "Run every variant of a sweep (parameters x seeds) as separate runs, J at a time, into "
       "one summary",
       &configure_sweep},
#ifdef PARKTWIN_WITH_LEARNING
      {"train",
       "Learn a signal policy for a scenario (DQN, CoLight or PPO on libtorch); write it to a "
       "folder",
       &configure_train_on_demand, true},
#endif
      {"view", "Show a scenario live, or a run file replayed, in a window (--demo for forums)",
       &configure_view},
  }};
  return kCommands;
}

}  // namespace parktwin::cli
