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

// What reading and checking a spec of the base and `body` throws ("no error" if nothing).
std::string spec_error(test::TempDir& dir, const std::string& body) {
  const std::string path = dir.write("bad.toml", "base = \"" + kBase + "\"\n" + body);
  try {
    const scenarios::SweepSpec s = scenarios::read_sweep_spec(path);
    scenarios::write_and_check_variants(s, (dir.path() / "v").string());
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::string("no error");
}

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
  const auto error = [&](const std::string& body) { return spec_error(dir, body); };
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
  // Fuzz finding (2026-12-07): a float beyond the integers' range was cast to one (undefined
  // behaviour inside toml++'s value<std::int64_t>()).
  CHECK_THAT(error("seeds = -9223372067348575881.0\n[parameters]\nduration = [60]\n"),
             Catch::Contains("bad.toml:2") && Catch::Contains("seeds out of range"));
  CHECK_THAT(error("seeds = 1e300\n[parameters]\nduration = [60]\n"),
             Catch::Contains("seeds out of range"));
  CHECK_THAT(error("[parameters]\nseed = [1, 2]\n"), Catch::Contains("seeds = N"));
  CHECK_THAT(error("[parameters]\nduration = [[60]]\n"), Catch::Contains("wrong type"));
  CHECK_THAT(error("seeds = 2\n"), Catch::Contains("sweep without parameters"));
  CHECK_THAT(error("[parameters]\nduration = [60]\nfoo = 1\n[other]\n"),
             Catch::Contains("unknown key") && Catch::Contains("other"));
}

TEST_CASE("a Latin hypercube puts one variant in each stratum of every parameter, seeded",
          "[scenarios][sweep]") {
  test::TempDir dir;
  const auto spec = [&](int seed) {
    return scenarios::read_sweep_spec(dir.write(
        "lhs.toml",
        "base = \"" + kBase +
            "\"\nsample = \"latin_hypercube\"\nsamples = 8\nsample_seed = " + std::to_string(seed) +
            "\n[parameters]\n\"traffic.demand_scale\" = { min = 0.8, max = 1.6 }\n"
            "duration = { min = 600, max = 1399 }\n"
            "\"controllers.charging\" = [\"immediate\", \"llf\"]\n"));
  };
  const scenarios::SweepSpec s = spec(3);
  REQUIRE(s.variants.size() == 8);
  std::vector<int> scale_strata(8, 0), duration_strata(8, 0);
  int llf = 0;
  for (const scenarios::SweepVariant& v : s.variants) {
    const double scale = std::stod(v.values[0]);
    REQUIRE(scale >= 0.8);
    REQUIRE(scale < 1.6);
    ++scale_strata[static_cast<std::size_t>((scale - 0.8) / 0.1)];
    CHECK(v.values[1].find('.') == std::string::npos);  // whole numbers from integer bounds
    const long duration = std::stol(v.values[1]);
    REQUIRE(duration >= 600);
    REQUIRE(duration <= 1399);
    ++duration_strata[static_cast<std::size_t>((duration - 600) / 100)];
    llf += v.values[2] == "'llf'" ? 1 : 0;
  }
  CHECK(scale_strata == std::vector<int>(8, 1));  // each eighth of the range once
  CHECK(duration_strata == std::vector<int>(8, 1));
  CHECK(llf == 4);                                            // a list's values in equal shares
  CHECK(spec(3).variants[5].values == s.variants[5].values);  // seeded: the same draw
  bool other = false;
  for (std::size_t i = 0; i < 8; ++i) other |= spec(4).variants[i].values != s.variants[i].values;
  CHECK(other);
  scenarios::write_and_check_variants(s, (dir.path() / "variants").string());
  const scenarios::Manifest m =
      scenarios::load_manifest((dir.path() / "variants/v002.toml").string());
  CHECK(m.duration_s == std::stod(s.variants[2].values[1]));
}

TEST_CASE("a sweep's own events are added to every variant, their keys swept",
          "[scenarios][sweep]") {
  test::TempDir dir;
  const std::string path = dir.write(
      "events.toml", "base = \"" + kBase +
                         "\"\n[[events]]\ntype = \"demand_multiplier\"\nat = 60\nuntil = 600\n"
                         "factor = 1.2\n[[events]]\ntype = \"close_road\"\nroad = \"road_1_4_0\"\n"
                         "at = 100\n[parameters]\n\"events.0.factor\" = [1.5, 2.5]\n"
                         "\"events.1.at\" = [300]\n");
  const scenarios::SweepSpec s = scenarios::read_sweep_spec(path);
  REQUIRE(s.events.size() == 2);
  REQUIRE(s.variants.size() == 2);
  scenarios::write_and_check_variants(s, (dir.path() / "variants").string());
  const scenarios::Manifest m =
      scenarios::load_manifest((dir.path() / "variants/v001.toml").string());
  REQUIRE(m.events.size() == 2);  // the base has none
  CHECK(m.events[0].type == "demand_multiplier");
  CHECK(m.events[0].factor == 2.5);
  CHECK(m.events[0].at_s == 60.0);
  CHECK(m.events[0].until_s == 600.0);
  CHECK(m.events[1].road == "road_1_4_0");
  CHECK(m.events[1].at_s == 300.0);
}

TEST_CASE("bad Latin hypercubes and event keys name their line and key", "[scenarios][sweep]") {
  test::TempDir dir;
  const auto error = [&](const std::string& body) { return spec_error(dir, body); };
  CHECK_THAT(error("[parameters]\nduration = { min = 60, max = 120 }\n"),
             Catch::Contains("a range without a Latin hypercube") && Catch::Contains("bad.toml:3"));
  CHECK_THAT(error("sample = \"latin_hypercube\"\n[parameters]\nduration = [60]\n"),
             Catch::Contains("samples = N"));
  CHECK_THAT(error("samples = 4\n[parameters]\nduration = [60]\n"),
             Catch::Contains("samples without a Latin hypercube"));
  CHECK_THAT(error("sample = \"latin_hypercube\"\nsamples = 4\n[parameters]\n"
                   "duration = { min = 600, max = 60 }\n"),
             Catch::Contains("an empty range"));
  CHECK_THAT(error("sample = \"latin_hypercube\"\nsamples = 4\n[parameters]\n"
                   "duration = { min = 60, top = 600 }\n"),
             Catch::Contains("unknown key") && Catch::Contains("parameters.duration.top"));
  CHECK_THAT(error("[parameters]\n\"events.0.factor\" = [1.5]\n"),
             Catch::Contains("no such sweep event") && Catch::Contains("[[events]] in the spec"));
  CHECK_THAT(error("[[events]]\ntype = \"demand_multiplier\"\nat = 0\n[parameters]\n"
                   "\"events.1.factor\" = [1.5]\n"),
             Catch::Contains("no such sweep event") && Catch::Contains("N in 0..0"));
  CHECK_THAT(error("[[events]]\ntype = \"demand_multiplier\"\nat = 0\n[parameters]\n"
                   "\"events.0.factor\" = [-1.5]\n"),
             Catch::Contains("v000 is not a valid scenario"));
}
