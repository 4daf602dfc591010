#include <array>

#include "tools/command.h"

namespace parktwin::cli {

// One line per subcommand; each configure function lives in its own cmd_<name>.cpp.
CommandRun configure_export(CLI::App& sub);
CommandRun configure_generate(CLI::App& sub);
CommandRun configure_inspect(CLI::App& sub);
CommandRun configure_render(CLI::App& sub);
CommandRun configure_run(CLI::App& sub);
CommandRun configure_selftest(CLI::App& sub);
CommandRun configure_view(CLI::App& sub);

std::span<const CommandSpec> command_table() {
  static constexpr std::array<CommandSpec, 7> kCommands{{
      {"export", "Write a run file's tables and series as CSV files", &configure_export},
      {"generate", "Write a synthetic scenario (grid) to a folder", &configure_generate},
      {"inspect", "Show a run file's metadata, KPIs and series", &configure_inspect},
      {"render", "Draw a frame of a scenario or run file into a PNG (offscreen Vulkan)",
       &configure_render},
      {"run", "Simulate a scenario headless and print its KPIs", &configure_run},
      {"selftest", "Check that this build and machine give correct, reproducible results",
       &configure_selftest},
      {"view", "Show a scenario live, or a run file replayed, in a window (--demo for forums)",
       &configure_view},
  }};
  return kCommands;
}

}  // namespace parktwin::cli
