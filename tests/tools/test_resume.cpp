// parktwin run --resume: refusals, each naming the file and what was expected, and nothing
// written to the run file they concern. (That a killed run resumes to the uninterrupted
// run's results is tests/python/test_kill_resume.py.)

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/manifest.h"
#include "scenarios/run_recorder.h"
#include "scenarios/traffic_inputs.h"
#include "tests/support/cli_run.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace parktwin;

using parktwin::test::CliResult;

CliResult run(std::vector<std::string> args) { return parktwin::test::run_cli(std::move(args)); }

std::string hangzhou() {
  return std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
}

std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A run file as a killed run leaves it: samples to t = 240 s, a checkpoint at 120 s if asked.
std::string killed_run(const test::TempDir& dir, bool with_checkpoint) {
  const scenarios::Manifest m = scenarios::load_manifest(hangzhou());
  const traffic::Network net = scenarios::load_network(m.network_path);
  const traffic::Demand demand = scenarios::load_demand(m.demand_path, net, 600);
  scenarios::RunMeta meta;
  meta.scenario = m.name;
  meta.scenario_path = m.path;
  meta.scenario_text = text_of(m.path);
  meta.network_path = m.network_path;
  meta.demand_path = m.demand_path;
  meta.duration_s = 600;
  meta.checkpoint_interval_s = with_checkpoint ? 120 : 0;
  const std::string path = (dir.path() / "killed.h5").string();
  traffic::TrafficSim sim(net, demand, {});
  scenarios::RunRecorder recorder(path, meta, net);
  for (int i = 1; i <= 240; ++i) {
    sim.step();
    if (i % 60 == 0) recorder.record(sim);
    if (with_checkpoint && i == 120) recorder.checkpoint(sim);
  }
  return path;  // the recorder goes without finish(): no /kpi, as after a kill
}

}  // namespace

TEST_CASE("resume continues a stopped run to the end", "[cli][resume]") {
  test::TempDir dir;
  const std::string path = killed_run(dir, true);
  const CliResult r = run({"run", "--resume", path, "--quiet"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("600 s simulated"));
  const CliResult again = run({"run", "--resume", path});
  CHECK(again.code == 1);
  CHECK_THAT(again.err, Catch::Contains(path + ": the run in this file has finished"));
}

TEST_CASE("resume refuses a run file of another scenario", "[cli][resume][errors]") {
  test::TempDir dir;
  const std::string path = killed_run(dir, true);
  const std::string size = std::to_string(std::filesystem::file_size(path));
  REQUIRE(run({"generate", "grid", "--rows", "2", "--cols", "2", "--out",
               (dir.path() / "grid").string()})
              .code == 0);
  const CliResult r =
      run({"run", (dir.path() / "grid" / "scenario.toml").string(), "--resume", path});
  CHECK(r.code == 1);
  CHECK_THAT(r.err,
             Catch::Contains(path + ": /meta/scenario_text: the run file is of another scenario") &&
                 Catch::Contains("hangzhou_4x4"));
  CHECK(std::to_string(std::filesystem::file_size(path)) == size);
}

TEST_CASE("resume of a run stopped before its first checkpoint says so", "[cli][resume][errors]") {
  test::TempDir dir;
  const std::string path = killed_run(dir, false);
  const CliResult r = run({"run", "--resume", path});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains(path + ": the run stopped before its first checkpoint"));
}

TEST_CASE("resume takes no settings of its own", "[cli][resume][errors]") {
  test::TempDir dir;
  const std::string path = killed_run(dir, true);
  const CliResult r = run({"run", "--resume", path, "--duration", "60"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--resume continues a run with its own settings"));
}
