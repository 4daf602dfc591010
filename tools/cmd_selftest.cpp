// parktwin selftest: runs the engine's self-check (engine/selftest.h) and prints one line
// per check. Exit 0 when all pass, 1 otherwise.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ostream>

#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/selftest.h"
#include "tools/command.h"

namespace parktwin::cli {

CommandRun configure_selftest(CLI::App& sub) {
  sub.footer(
      "Checks Philox known answers, RNG moments, reductions bit-identical across thread "
      "counts (up to --threads), clock arithmetic and state hashing.");
  return [](const CommandContext& ctx) {
    const std::vector<SelfCheck> checks = run_engine_selftest(par::max_threads());
    int failed = 0;
    for (const SelfCheck& c : checks) {
      ctx.out << fmt::format("{}  {:<58} {}\n", c.passed ? "ok  " : "FAIL", c.name, c.detail);
      failed += c.passed ? 0 : 1;
    }
    if (failed == 0) {
      ctx.out << fmt::format("selftest: all {} checks passed\n", checks.size());
      return exit_code::ok;
    }
    ctx.out << fmt::format("selftest: {} of {} checks FAILED\n", failed, checks.size());
    return exit_code::failure;
  };
}

}  // namespace parktwin::cli
