// parktwin: entry point. Everything happens in run_cli (tools/cli.cpp).

#include <iostream>
#include <string>
#include <vector>

#include "tools/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return parktwin::cli::run_cli(args, std::cout, std::cerr);
}
