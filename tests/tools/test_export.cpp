// parktwin export --csv: the run file's tables and series as CSV, equal to what the file
// holds; an earlier export is kept unless --force.

#include <catch2/catch.hpp>

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
  CHECK_THAT(r.out, Catch::Contains("11 files written"));

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

  // An earlier export stays unless --force.
  const auto before = lines_of(std::filesystem::path(csv) / "meta.csv");
  const test::CliResult again = test::run_cli({"export", run_file, "--csv", csv});
  CHECK(again.code == 1);
  CHECK_THAT(again.err, Catch::Contains("meta.csv: output file exists"));
  CHECK(lines_of(std::filesystem::path(csv) / "meta.csv") == before);
  CHECK(test::run_cli({"export", run_file, "--csv", csv, "--force"}).code == 0);
}
