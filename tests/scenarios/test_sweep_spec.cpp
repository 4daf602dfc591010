// Sweep specifications (scenarios/sweep_spec.h): a grid is every combination in the spec's
// order, the last parameter varying fastest; a list pairs the i-th values; each variant's
// manifest extends the base and sets its keys, and loads as a scenario with them.

#include <catch2/catch.hpp>

#include <string>

#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/sweep_spec.h"
#include "tests/support/temp_dir.h"

using namespace parktwin;

namespace {

const std::string kBase =
    std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";

}  // namespace

TEST_CASE("a sweep's grid and list give their variants in order", "[scenarios][sweep]") {
  test::TempDir dir;
  const std::string grid = dir.write(
      "grid.toml", "base = \"" + kBase +
                       "\"\nseeds = 3\n[parameters]\n\"traffic.ev_share\" = [0.1, 0.4]\n"
                       "duration = [600, 1200, 1800]\n\"controllers.charging\" = [\"llf\"]\n");
  const scenarios::SweepSpec g = scenarios::read_sweep_spec(grid);
  CHECK(g.seeds == 3);
  REQUIRE(g.parameters.size() == 3);
  CHECK(g.parameters[0].key == "traffic.ev_share");  // the spec's order, not toml++'s
  CHECK(g.parameters[1].key == "duration");
  REQUIRE(g.variants.size() == 6);
  CHECK(g.variants[0].values == std::vector<std::string>{"0.1", "600", "'llf'"});
  CHECK(g.variants[1].values == std::vector<std::string>{"0.1", "1200", "'llf'"});
  CHECK(g.variants[5].values == std::vector<std::string>{"0.4", "1800", "'llf'"});
  CHECK(g.variants[5].name == "v005");

  const std::string text = scenarios::variant_manifest(g, g.variants[4]);
  CHECK_THAT(text, Catch::Contains("duration = 1200") &&
                       Catch::Contains("[traffic]\nev_share = 0.4") &&
                       Catch::Contains("[controllers]\ncharging = 'llf'"));
  scenarios::write_and_check_variants(g, (dir.path() / "variants").string());
  const scenarios::Manifest m =
      scenarios::load_manifest((dir.path() / "variants/v004.toml").string());
  CHECK(m.ev_share == 0.4);
  CHECK(m.duration_s == 1200.0);
  CHECK(m.controllers.charging == "llf");
  CHECK(m.name == "hangzhou_4x4");  // the rest from the base

  const std::string list =
      dir.write("list.toml",
                "base = \"" + kBase +
                    "\"\nsample = \"list\"\n[parameters]\n\"traffic.demand_scale\" = [0.5, 2.0]\n"
                    "\"traffic.ev_share\" = [0.3, 0.6]\n");
  const scenarios::SweepSpec l = scenarios::read_sweep_spec(list);
  REQUIRE(l.variants.size() == 2);
  CHECK(l.variants[1].values == std::vector<std::string>{"2.0", "0.6"});
  CHECK(l.seeds == 1);
}

TEST_CASE("a bad sweep spec names its line and key", "[scenarios][sweep]") {
  test::TempDir dir;
  const auto error = [&](const std::string& body) {
    const std::string path = dir.write("bad.toml", "base = \"" + kBase + "\"\n" + body);
    try {
      const scenarios::SweepSpec s = scenarios::read_sweep_spec(path);
      scenarios::write_and_check_variants(s, (dir.path() / "v").string());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error("[parameters]\nduration = [60]\n\"traffic.lanes\" = [2]\n"),
             Catch::Contains("bad.toml:4") && Catch::Contains("parameters.traffic.lanes") &&
                 Catch::Contains("unknown key"));
  CHECK_THAT(error("[parameters]\nduration = [-5]\n"),
             Catch::Contains("bad.toml:3") && Catch::Contains("parameters.duration"));
  CHECK_THAT(
      error(
          "sample = \"list\"\n[parameters]\nduration = [60, 120]\n\"traffic.ev_share\" = [0.1]\n"),
      Catch::Contains("lists of different lengths"));
  CHECK_THAT(error("seeds = 0\n[parameters]\nduration = [60]\n"),
             Catch::Contains("seeds out of range"));
  CHECK_THAT(error("[parameters]\nseed = [1, 2]\n"), Catch::Contains("seeds = N"));
  CHECK_THAT(error("[parameters]\nduration = [[60]]\n"), Catch::Contains("wrong type"));
  CHECK_THAT(error("seeds = 2\n"), Catch::Contains("sweep without parameters"));
  CHECK_THAT(error("[parameters]\nduration = [60]\nfoo = 1\n[other]\n"),
             Catch::Contains("unknown key") && Catch::Contains("other"));
}
