#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_run.h"

namespace {

using parktwin::test::CliResult;

CliResult run(std::vector<std::string> args) { return parktwin::test::run_cli(std::move(args)); }

}  // namespace

TEST_CASE("help lists the global options and every subcommand", "[cli]") {
  const CliResult r = run({"--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--threads") && Catch::Contains("--log-level") &&
                        Catch::Contains("--version") && Catch::Contains("selftest"));
}

TEST_CASE("every subcommand answers --help", "[cli]") {
  const CliResult r = run({"selftest", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("selftest") && Catch::Contains("Philox"));
}

TEST_CASE("version flag names version and git hash", "[cli]") {
  const CliResult r = run({"--version"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("parktwin 0.") && Catch::Contains("(git "));
}

TEST_CASE("unknown flag: exit 2 and a message naming it", "[cli]") {
  const CliResult r = run({"--frobnicate"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--frobnicate") && Catch::Contains("--help"));
}

TEST_CASE("unknown subcommand: exit 2 and the list of subcommands", "[cli]") {
  const CliResult r = run({"--threads", "2", "simulate"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown subcommand 'simulate'") &&
                        Catch::Contains("expected one of: ") && Catch::Contains("run, selftest"));
}

TEST_CASE("no subcommand: exit 2 and the list", "[cli]") {
  const CliResult r = run({});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("no subcommand given"));
}

TEST_CASE("bad global option values are refused, never clamped", "[cli]") {
  CHECK(run({"--threads", "0", "selftest"}).code == 2);
  CHECK(run({"--threads", "-4", "selftest"}).code == 2);
  CHECK(run({"--threads", "many", "selftest"}).code == 2);
  const CliResult r = run({"--log-level", "chatty", "selftest"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("chatty"));
}

TEST_CASE("unknown option of a subcommand names the subcommand", "[cli]") {
  const CliResult r = run({"selftest", "--fast"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("parktwin selftest") && Catch::Contains("--fast"));
}

TEST_CASE("selftest runs and passes with one thread", "[cli]") {
  const CliResult r = run({"--threads", "1", "--log-level", "warn", "selftest"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("Philox4x32-10 known answers") &&
                        Catch::Contains("all 5 checks passed"));
}
