#pragma once
// Logging goes through spdlog to stderr, so stdout stays free for a command's results
// (tables, JSON). Code logs with spdlog::info(...) etc.; this file only sets it up.

#include <span>
#include <string_view>

namespace parktwin::log {

enum class Level { trace, debug, info, warn, error, off };

// The names --log-level accepts, in order of verbosity.
std::span<const std::string_view> level_names();
// Throws parktwin::Error naming the accepted values for anything else.
Level parse_level(std::string_view name);
// Installs the stderr logger with the given threshold.
void init(Level level);

}  // namespace parktwin::log
