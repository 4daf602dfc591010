// parktwin export --csv: the run file's tables and series as CSV, equal to what the file
// holds; an earlier export is kept unless --force.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/hdf5/h5.h"
#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace parktwin;

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("export writes the run file's tables and series as CSV", "[cli][export]") {
  test::TempDir dir;
  const std::string run_file = (dir.path() / "run.h5").string();
  const std::string scenario =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  REQUIRE(
      test::run_cli({"run", scenario, "--duration", "600", "--out", run_file, "--quiet"}).code ==
      0);
  const std::string csv = (dir.path() / "csv").string();
  const test::CliResult r = test::run_cli({"export", run_file, "--csv", csv});
  REQUIRE(r.code == 0);
  // 11 of traffic; buildings.csv, feeders.csv and 13 of the buildings' and energy series.
  CHECK_THAT(r.out, Catch::Contains("26 files written"));

  const auto totals = lines_of(std::filesystem::path(csv) / "series_totals.csv");
  REQUIRE(totals.size() == 12);  // header and t = 0, 60, ..., 600
  CHECK(totals[0] == "time_s,created,finished,running,waiting");
  const h5::Handle file = h5::open_file(run_file);
  const auto running =
      h5::read_column<std::uint64_t>(file.get(), "/series/traffic/running", run_file);
  for (std::size_t t = 0; t < running.size(); ++t) {
    std::stringstream row(totals[t + 1]);
    std::vector<std::string> cells;
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    REQUIRE(cells.size() == 5);
    CHECK(cells[0] == std::to_string(60 * t));
    CHECK(cells[3] == std::to_string(running[t]));
  }
  const auto lanes = lines_of(std::filesystem::path(csv) / "network_lanes.csv");
  CHECK(lanes.size() == 241);
  const auto halting = lines_of(std::filesystem::path(csv) / "series_lane_halting.csv");
  REQUIRE(halting.size() == 12);
  CHECK_THAT(halting[0], Catch::StartsWith("time_s,road_0_1_0_0,road_0_1_0_1,"));

  // The buildings' and the electricity's: a column per building or feeder, named.
  const auto air = lines_of(std::filesystem::path(csv) / "series_buildings_air_c.csv");
  REQUIRE(air.size() == 12);
  CHECK_THAT(air[0], Catch::StartsWith("time_s,res-00-00,res-00-01,"));
  CHECK(std::count(air[0].begin(), air[0].end(), ',') == 56);
  const auto buildings = lines_of(std::filesystem::path(csv) / "buildings.csv");
  CHECK(buildings.size() == 57);
  const auto feeder = lines_of(std::filesystem::path(csv) / "series_energy_feeder_w.csv");
  const auto energy = lines_of(std::filesystem::path(csv) / "series_energy_totals.csv");
  REQUIRE(feeder.size() == 12);
  REQUIRE(energy.size() == 12);
  CHECK(feeder[0] == "time_s,feeder_south,feeder_north");
  CHECK(energy[0] == "time_s,period,site_import_w");
  for (std::size_t t = 1; t < feeder.size(); ++t) {  // the feeders carry the site's import
    double south = 0.0, north = 0.0, site = 0.0;
    int period = 0;
    REQUIRE(std::sscanf(feeder[t].c_str(), "%*f,%lf,%lf", &south, &north) == 2);
    REQUIRE(std::sscanf(energy[t].c_str(), "%*f,%d,%lf", &period, &site) == 2);
    CHECK(south + north == Approx(site).epsilon(1e-9));
    CHECK(period == 1);  // 08:00-08:10 is in Jiangsu's flat period
  }

  // An earlier export stays unless --force.
  const auto before = lines_of(std::filesystem::path(csv) / "meta.csv");
  const test::CliResult again = test::run_cli({"export", run_file, "--csv", csv});
  CHECK(again.code == 1);
  CHECK_THAT(again.err, Catch::Contains("meta.csv: output file exists"));
  CHECK(lines_of(std::filesystem::path(csv) / "meta.csv") == before);
  CHECK(test::run_cli({"export", run_file, "--csv", csv, "--force"}).code == 0);
}
