#pragma once
// The parktwin command line: global options, the subcommand table, error reporting.
// main() is a thin wrapper so that tests can run the whole CLI in-process.

#include <iosfwd>
#include <span>
#include <string>

namespace parktwin::cli {

// Parses `args` (without the program name), runs the chosen subcommand and returns the exit
// code: 0 success, 1 failure (bad input, failed run), 2 bad command line.
int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace parktwin::cli
