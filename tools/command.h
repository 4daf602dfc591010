#pragma once
// The contract between the CLI front end (cli.cpp) and its subcommands (cmd_*.cpp): one file
// per subcommand, each exposing one configure function, all listed in one table
// (commands.cpp), as git does with builtin/*.c and its commands[] array.

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace parktwin::cli {

// Options that every subcommand honours; parsed before the subcommand runs.
struct GlobalOptions {
  int threads = 0;  // 0: all hardware threads
  std::string log_level = "info";
};

// What a running subcommand may touch: the global options and its output streams (results on
// `out`, diagnostics on `err`; tests pass string streams).
struct CommandContext {
  const GlobalOptions& global;
  std::ostream& out;
  std::ostream& err;
};

// Runs the subcommand once its options are parsed; returns the process exit code
// (parktwin::exit_code). May throw parktwin::Error for bad input.
using CommandRun = std::function<int(const CommandContext&)>;

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  // Adds the subcommand's options and positionals to `sub`, binding them to storage that the
  // returned runner owns.
  CommandRun (*configure)(CLI::App& sub);
  // Configured only when it is the subcommand given (its configure loads the learning
  // plugin, tools/learning_plugin.h): --help lists it by its summary.
  bool on_demand = false;
};

// Every subcommand, in the order --help lists them.
std::span<const CommandSpec> command_table();

}  // namespace parktwin::cli
