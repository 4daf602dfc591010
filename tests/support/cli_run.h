#pragma once
// Test support: run the parktwin command line in-process and keep its exit code and output.

#include <sstream>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace parktwin::test {

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

inline CliResult run_cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = cli::run_cli(args, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace parktwin::test
