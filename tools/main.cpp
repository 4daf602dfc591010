// parktwin: entry point. Everything happens in run_cli (tools/cli.cpp).

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli.h"

int main(int argc, char** argv) {
  // A file grown past the process's size limit (RLIMIT_FSIZE) is a write error to report,
  // naming the file, like a full disk: not a signal that kills the run mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  return parktwin::cli::run_cli(args, std::cout, std::cerr);
}
