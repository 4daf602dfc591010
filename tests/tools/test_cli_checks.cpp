// Values the command line refuses (tools/cli_checks.h and the checks before a run starts):
// NaN and infinities in every floating option, integers out of range, intervals that are not
// whole steps, spans the clock cannot count, empty paths, folders where a file goes, and
// output files that exist. Each names the option and what was expected, exits 2 for a bad
// command line or 1 for a bad value of a setting, and leaves no file behind.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

namespace {

namespace fs = std::filesystem;
using parktwin::test::CliResult;

CliResult run(std::vector<std::string> args) { return parktwin::test::run_cli(std::move(args)); }

const std::string kScenario =
    std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";

std::string text_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("NaN and infinities are refused in every floating option, naming it", "[cli][checks]") {
  const parktwin::test::TempDir dir;
  const std::string png = (dir.path() / "f.png").string();
  const std::string grid = (dir.path() / "grid").string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", kScenario, "--duration", "nan"},
       "--duration: expected a finite number > 0, found nan"},
      {{"run", kScenario, "--step", "inf"}, "--step: expected a finite number > 0, found inf"},
      {{"run", kScenario, "--sample-interval", "nan"},
       "--sample-interval: expected a finite number > 0, found nan"},
      {{"run", kScenario, "--checkpoint-interval", "nan"},
       "--checkpoint-interval: expected a finite number >= 0, found nan"},
      {{"run", kScenario, "--pace", "nan"}, "--pace: expected a finite number > 0, found nan"},
      {{"run", kScenario, "--duration", "-5"},
       "--duration: expected a finite number > 0, found -5"},
      {{"render", kScenario, "--time", "nan", "--out", png},
       "--time: expected a finite number >= 0, found nan"},
      {{"view", kScenario, "--speed", "nan"},
       "--speed: expected a finite number in 0.1..1000, found nan"},
      {{"view", kScenario, "--exit-after", "nan"},
       "--exit-after: expected a finite number >= 0, found nan"},
      {{"generate", "grid", "--rows", "2", "--cols", "2", "--out", grid, "--link-length", "nan"},
       "--link-length: expected a finite number > 0, found nan"},
      {{"generate", "grid", "--rows", "2", "--cols", "2", "--out", grid, "--rate", "-inf"},
       "--rate: expected a finite number >= 0, found -inf"},
      {{"generate", "grid", "--rows", "2", "--cols", "2", "--out", grid, "--turn-probability",
        "nan"},
       "--turn-probability: expected a finite number in 0..0.5, found nan"},
  };
  for (const Case& c : cases) {
    INFO(c.args[0] << " " << c.message);
    const CliResult r = run(c.args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_THAT(r.err, !Catch::Contains("179769313486231"));  // no 309-digit limits
  }
  CHECK_FALSE(fs::exists(png));
  CHECK_FALSE(fs::exists(grid));
}

TEST_CASE("seeds out of range are refused, never wrapped or clamped", "[cli][checks]") {
  for (const std::string seed : {"-1", "18446744073709551616", "1e3", "0x10"}) {
    const CliResult r = run({"run", kScenario, "--seed", seed});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--seed: expected an integer in 0..18446744073709551615, "
                                      "found " +
                                      seed));
  }
  const parktwin::test::TempDir dir;
  const CliResult r = run({"generate", "grid", "--rows", "2", "--cols", "2", "--out",
                           (dir.path() / "g").string(), "--seed", "9223372036854775808"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("--seed: expected an integer in 0..9223372036854775807"));
}

TEST_CASE("run: spans the clock cannot count are refused naming the setting", "[cli][checks]") {
  const parktwin::test::TempDir dir;
  const std::string out = (dir.path() / "run.h5").string();
  CliResult r = run({"run", kScenario, "--quiet", "--duration", "1e19", "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--duration: is more time steps than the clock can count") &&
                        Catch::Contains("at most 9007199254740992 s"));
  r = run({"run", kScenario, "--quiet", "--step", "1e-300", "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("scenario.toml: duration: is more time steps"));
  const std::string big =
      dir.write("big.toml", "extends = \"" + kScenario + "\"\nduration = 1e300\n");
  r = run({"run", big, "--quiet", "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("big.toml: duration: is more time steps"));
  r = run({"run", kScenario, "--quiet", "--pace", "1e-300", "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--pace: too slow"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run: intervals must be whole steps, never rounded, 0 checkpoints means none",
          "[cli][checks]") {
  const parktwin::test::TempDir dir;
  const std::string out = (dir.path() / "run.h5").string();
  for (const std::string flag : {"--sample-interval", "--checkpoint-interval"}) {
    CliResult r = run({"run", kScenario, "--quiet", "--duration", "60", "--out", out, flag, "0.5"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(flag + ": is not a whole number of time steps") &&
                          Catch::Contains("a multiple of the step 1 s") &&
                          Catch::Contains("found 0.5 s"));
    r = run({"run", kScenario, "--quiet", "--duration", "60", "--out", out, flag, "1e300"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains(flag + ": is more time steps than the clock can count"));
    CHECK_FALSE(fs::exists(out));
  }
  const std::string half =
      dir.write("half.toml", "extends = \"" + kScenario + "\"\n[outputs]\nseries_interval = 0.5\n");
  CliResult r = run({"run", half, "--quiet", "--duration", "60", "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("half.toml: outputs.series_interval: is not a whole number"));
  CHECK_FALSE(fs::exists(out));
  r = run({"run", kScenario, "--quiet", "--duration", "60", "--out", out, "--sample-interval", "30",
           "--checkpoint-interval", "0"});
  CHECK(r.code == 0);
  CHECK(fs::exists(out));
}

TEST_CASE("run: --kpi-json never replaces a file without --force", "[cli][checks]") {
  const parktwin::test::TempDir dir;
  const std::string kpi = dir.write("kpi.json", "keep me");
  CliResult r = run({"run", kScenario, "--quiet", "--duration", "60", "--kpi-json", kpi});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(kpi + ": output file exists (expected another path, or "
                                          "--force)"));
  CHECK(r.out.empty());  // refused before the run
  CHECK(text_of(kpi) == "keep me");
  r = run({"run", kScenario, "--quiet", "--duration", "60", "--kpi-json", kpi, "--force"});
  CHECK(r.code == 0);
  CHECK_THAT(text_of(kpi), Catch::Contains("\"state_hash\""));
  CHECK_FALSE(fs::exists(kpi + ".tmp"));
}

TEST_CASE("output paths: empty or a folder are refused before any work, leaving nothing",
          "[cli][checks]") {
  const parktwin::test::TempDir dir;
  const std::string folder = dir.path().string();
  CliResult r = run({"run", kScenario, "--quiet", "--duration", "60", "--kpi-json", folder});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(folder + ": --kpi-json: is a folder (expected a file name)"));
  CHECK(r.out.empty());
  r = run({"run", kScenario, "--quiet", "--kpi-json", (dir.path() / "no" / "k.json").string()});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--kpi-json: no such folder"));
  r = run({"render", kScenario, "--out", folder, "--force"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(folder + ": --out: is a folder (expected a file name)"));
  const std::vector<std::vector<std::string>> empty = {
      {"run", kScenario, "--kpi-json", ""},
      {"run", kScenario, "--out", ""},
      {"render", kScenario, "--out", ""},
      {"export", kScenario, "--csv", ""},
      {"generate", "grid", "--rows", "2", "--cols", "2", "--out", ""},
  };
  for (const auto& args : empty) {
    INFO(args[0] << " " << args[args.size() - 2]);
    r = run(args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err,
               Catch::Contains(args[args.size() - 2] + ": expected a path, found an empty string"));
  }
  CHECK(fs::is_empty(dir.path()));  // no temporary files left behind
}
