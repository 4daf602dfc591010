// parktwin run with a scenario's events: each is announced as it happens and acts on the run;
// an event that does not fit the network stops the run before anything is written.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenarios/run_file.h"
#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

namespace {

std::string shipped(const std::string& name) {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/" + name;
}

}  // namespace

TEST_CASE("run: the roadworks what-if announces its events and reroutes around them",
          "[cli][events]") {
  const auto r = parktwin::test::run_cli(
      {"--threads", "2", "run", shipped("roadworks.toml"), "--duration", "1200"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("t = 600 s: close_road 'road_1_4_0'") &&
                        Catch::Contains("t = 600 s: close_lane 'road_2_4_0' lane 1") &&
                        Catch::Contains("t = 900 s: signal_plan 'intersection_2_4'"));
  CHECK_THAT(r.out, Catch::Contains("rerouted around closures"));
}

TEST_CASE(
    "run: an event on a road the network lacks exits 1 naming file and line, writing "
    "nothing",
    "[cli][events][errors]") {
  parktwin::test::TempDir dir;
  const std::string scenario =
      dir.write("bad_event.toml", "extends = \"" + shipped("scenario.toml") +
                                      "\"\n"
                                      "[[events]]\n"
                                      "at = 60\n"
                                      "type = \"close_road\"\n"
                                      "road = \"no_such_road\"\n");
  const std::string out = (dir.path() / "run.h5").string();
  const auto r = parktwin::test::run_cli({"run", scenario, "--out", out});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(scenario + ":2: events.road: unknown road") &&
                        Catch::Contains("found no_such_road"));
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("run: a heat wave raises the buildings' cooling while it lasts, and only then",
          "[cli][events][buildings]") {
  parktwin::test::TempDir dir;
  const auto kpis = [&](const std::string& name, const std::string& events) {
    const std::string scenario =
        dir.write(name + ".toml", "extends = \"" + shipped("scenario.toml") + "\"\n" + events);
    const std::string json = (dir.path() / (name + ".json")).string();
    const auto r = parktwin::test::run_cli(
        {"run", scenario, "--duration", "1800", "--kpi-json", json, "--quiet"});
    REQUIRE(r.code == 0);
    std::ifstream in(json);
    return nlohmann::json::parse(in)["buildings"];
  };
  const auto base = kpis("base", "");
  const auto hot =
      kpis("hot", "[[events]]\nat = 600\nuntil = 1200\ntype = \"heat_wave\"\ndelta = 6\n");
  const auto late = kpis("late", "[[events]]\nat = 1799\ntype = \"heat_wave\"\ndelta = 6\n");
  INFO("cooling: base " << base["cooling_kwh"] << ", hot " << hot["cooling_kwh"]);
  CHECK(hot["cooling_kwh"].get<double>() > 1.05 * base["cooling_kwh"].get<double>());
  CHECK(hot["hvac_electric_kwh"].get<double>() > base["hvac_electric_kwh"].get<double>());
  // Lighting and equipment follow schedules, not the weather.
  CHECK(hot["lighting_kwh"] == base["lighting_kwh"]);
  // A heat wave starting after the last building step changes nothing.
  CHECK(late["cooling_kwh"] == base["cooling_kwh"]);
}

TEST_CASE("run: a heat wave is refused when it is malformed or there are no buildings",
          "[cli][events][buildings][errors]") {
  parktwin::test::TempDir dir;
  const std::string bad =
      dir.write("bad.toml", "extends = \"" + shipped("scenario.toml") +
                                "\"\n[[events]]\nat = 60\ntype = \"heat_wave\"\ndelta = 30\n");
  auto r = parktwin::test::run_cli({"run", bad});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(bad + ":5: events[0].delta: bad heat wave") &&
                        Catch::Contains("[-20, 20]"));
  const std::string bare =
      dir.write("bare.toml", "[traffic]\nnetwork = \"" + shipped("roadnet_4_4.json") +
                                 "\"\ndemand = \"" + shipped("anon_4_4_hangzhou_real.json") +
                                 "\"\n[[events]]\nat = 60\ntype = \"heat_wave\"\ndelta = 3\n");
  r = parktwin::test::run_cli({"run", bare});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(bare + ":4: type: a heat wave needs buildings"));
}

TEST_CASE("run: a feeder outage leaves load unserved, the energy KPIs reach --kpi-json and /kpi",
          "[cli][events][energy]") {
  parktwin::test::TempDir dir;
  const std::string scenario =
      dir.write("outage.toml", "extends = \"" + shipped("scenario.toml") +
                                   "\"\n[[events]]\nat = 600\nuntil = 1200\n"
                                   "type = \"feeder_outage\"\nfeeder = \"feeder_north\"\n");
  const std::string json = (dir.path() / "k.json").string();
  const std::string out = (dir.path() / "run.h5").string();
  const auto r = parktwin::test::run_cli(
      {"run", scenario, "--duration", "1800", "--kpi-json", json, "--out", out, "--quiet"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("unserved (feeder outages)") &&
                        Catch::Contains("feeder feeder_north: peak"));
  std::ifstream in(json);
  const auto energy = nlohmann::json::parse(in)["energy"];
  CHECK(energy["unserved_kwh"].get<double>() > 0.0);
  CHECK(energy["tariff"] == "Jiangsu C&I time-of-use, Su Fa Gai Jia Ge [2025] 426");
  REQUIRE(energy["feeders"].size() == 2);
  CHECK(energy["feeders"][1]["name"] == "feeder_north");
  CHECK(energy["co2_total_kg"].get<double>() > energy["co2_kg"].get<double>());
  // The same numbers in the run file's /kpi.
  const parktwin::scenarios::RunFileSummary summary = parktwin::scenarios::summarize_run_file(out);
  const auto kpi = [&](const std::string& name) {
    for (const auto& [n, v] : summary.kpis)
      if (n == name) return std::stod(v);
    return -1.0;
  };
  CHECK(kpi("energy.unserved_kwh") == Approx(energy["unserved_kwh"].get<double>()));
  CHECK(kpi("energy.feeder.feeder_north.peak_kw") ==
        Approx(energy["feeders"][1]["peak_kw"].get<double>()));
}
