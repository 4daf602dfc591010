#pragma once
// The benchmarks' command lines, parsed by CLI11 like parktwin's own: --help prints the usage,
// and an unknown flag or a bad value (a word for a number, a count out of range) gets one clear
// line on stderr and exit status 2, never an uncaught exception.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>

namespace parktwin::bench {

// Parses argv into `app`'s options. Returns -1 to go on with the run, or the status main()
// should return: 0 after --help, 2 after a bad command line (with the message printed).
inline int parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return -1;
}

// Runs a bench's body and returns its status; an error on the way (a missing input file, no
// Vulkan device) ends it with one line on stderr and status 1 rather than std::terminate.
template <class Body>
int run_reporting_errors(const char* bench_name, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: error: {}\n", bench_name, e.what());
    return 1;
  }
}

}  // namespace parktwin::bench
