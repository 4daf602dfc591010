#include "tools/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "engine/error.h"
#include "engine/log.h"
#include "engine/parallel.h"
#include "engine/version.h"
#include "tools/command.h"

namespace parktwin::cli {

namespace {

std::string version_line() {
  return fmt::format("parktwin {} (git {}, {})", version(), git_hash(), build_type());
}

std::string subcommand_list() {
  std::string names;
  for (const CommandSpec& c : command_table())
    names += (names.empty() ? "" : ", ") + std::string(c.name);
  return names;
}

// The first argument that is neither an option nor an option's value, if any: what the user
// meant as the subcommand. Global options that take a value are skipped with their value.
std::optional<std::string> first_positional(std::span<const std::string> args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--threads" || a == "--log-level") {
      ++i;
      continue;
    }
    if (!a.starts_with('-')) return a;
  }
  return std::nullopt;
}

bool is_subcommand(const std::string& name) {
  const auto table = command_table();
  return std::any_of(table.begin(), table.end(),
                     [&](const CommandSpec& c) { return c.name == name; });
}

// One clear line for a command-line mistake, then where to look for help.
int report_parse_error(const CLI::ParseError& e, std::span<const std::string> args,
                       std::ostream& err) {
  const auto positional = first_positional(args);
  if (positional && !is_subcommand(*positional)) {
    err << fmt::format("parktwin: error: unknown subcommand '{}' (expected one of: {})\n",
                       *positional, subcommand_list());
  } else {
    err << fmt::format("parktwin{}: error: {}\n", positional ? " " + *positional : "", e.what());
  }
  err << fmt::format("Run 'parktwin{} --help' for usage.\n",
                     positional && is_subcommand(*positional) ? " " + *positional : "");
  return exit_code::usage;
}

}  // namespace

int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  CLI::App app{"parktwin: traffic, buildings and energy of a city district, simulated together.\n",
               "parktwin"};
  app.set_version_flag("--version", version_line(), "Print the version and git hash, then exit");
  // At most one subcommand; its absence is reported after parsing, so that an unknown option
  // given alone is named instead of hidden behind "subcommand required".
  app.require_subcommand(0, 1);
  app.footer("Run 'parktwin <subcommand> --help' for the options of a subcommand.\n");

  GlobalOptions global;
  app.add_option("--threads", global.threads,
                 "Worker threads for parallel stepping (default: all hardware threads); "
                 "results are identical for any value")
      ->check(CLI::Range(1, 4096))
      ->type_name("N");
  std::vector<std::string> levels;
  for (auto l : log::level_names()) levels.emplace_back(l);
  app.add_option("--log-level", global.log_level, "Diagnostics on stderr from this level up")
      ->check(CLI::IsMember(levels))
      ->default_str("info")
      ->type_name("LEVEL");

  std::vector<std::pair<CLI::App*, CommandRun>> commands;
  const std::optional<std::string> given = first_positional(args);
  for (const CommandSpec& spec : command_table()) {
    CLI::App* sub = app.add_subcommand(std::string(spec.name), std::string(spec.summary));
    if (spec.on_demand && given != spec.name) {
      commands.emplace_back(sub, CommandRun{});  // not chosen: its summary only
      continue;
    }
    try {
      commands.emplace_back(sub, spec.configure(*sub));
    } catch (const Error& e) {
      err << fmt::format("parktwin {}: error: {}\n", spec.name, e.what());
      return exit_code::failure;
    }
  }

  // CLI11 takes argc/argv; build them from the strings (argv[0] is the program name).
  std::vector<const char*> argv{"parktwin"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(e, args, err);
  }

  const auto chosen = std::find_if(commands.begin(), commands.end(),
                                   [](const auto& c) { return c.first->parsed(); });
  if (chosen == commands.end()) {
    err << fmt::format("parktwin: error: no subcommand given (expected one of: {})\n",
                       subcommand_list())
        << "Run 'parktwin --help' for usage.\n";
    return exit_code::usage;
  }
  const std::string name = chosen->first->get_name();
  try {
    log::init(log::parse_level(global.log_level));
    std::optional<par::ThreadLimit> limit;
    if (global.threads > 0) limit.emplace(global.threads);
    return chosen->second(CommandContext{global, out, err});
  } catch (const Error& e) {
    err << fmt::format("parktwin {}: error: {}\n", name, e.what());
    return exit_code::failure;
  } catch (const std::filesystem::filesystem_error& e) {
    // The file system refused a path (a name too long, a loop of symbolic links): an error of
    // that path, as any other input's.
    err << fmt::format("parktwin {}: error: {}: {}\n", name, e.path1().string(),
                       e.code().message());
    return exit_code::failure;
  } catch (const std::exception& e) {
    err << fmt::format("parktwin {}: internal error: {}\n", name, e.what());
    return exit_code::failure;
  }
}

}  // namespace parktwin::cli
