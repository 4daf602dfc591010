#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;
using namespace parktwin::traffic;

namespace {

// Runs Debian's sumo on the files and returns its mean trip duration (tripinfo "duration",
// arrived vehicles) and the number of arrived vehicles, from --duration-log.statistics.
bool run_sumo(const std::string& net, const std::string& routes, double end, double& duration,
              int& arrived) {
  if (std::system("command -v sumo > /dev/null 2>&1") != 0) return false;
  const std::string log =
      (std::filesystem::temp_directory_path() / "parktwin_sumo_fidelity.log").string();
  const std::string cmd = "SUMO_HOME=${SUMO_HOME:-/usr/share/sumo} sumo -n " + net + " -r " +
                          routes + " --end " + std::to_string(end) +
                          " --no-step-log --no-warnings --duration-log.statistics true > " + log +
                          " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  std::smatch m;
  REQUIRE(std::regex_search(
      s, m, std::regex(R"(Statistics \(avg of ([0-9]+)\):[\s\S]*?Duration: ([0-9.]+))")));
  arrived = std::stoi(m[1].str());
  duration = std::stod(m[2].str());
  return true;
}

}  // namespace

TEST_CASE("fidelity: mean trip duration within 15% of Debian's sumo on a netgenerate grid",
          "[traffic][fidelity][sumo]") {
  // tests/data/sumo: netgenerate 4x4 signalised single-lane grid, randomTrips demand routed
  // by duarouter (see its README.md), 1800 s.
  const std::string dir = std::string(PARKTWIN_SOURCE_DIR) + "/tests/data/sumo/";
  const std::string net_file = dir + "grid4.net.xml", routes = dir + "grid4.rou.xml";
  double sumo_duration = 0.0;
  int sumo_arrived = 0;
  if (!run_sumo(net_file, routes, 1800, sumo_duration, sumo_arrived)) {
    WARN("sumo is not installed (tools/install-deps.sh --test installs it); comparison skipped");
    return;
  }
  const Network net = scenarios::load_network(net_file);
  const Demand demand = scenarios::load_demand(routes, net, 1800);
  TrafficSim sim(net, demand, {1.0, 0});
  for (int i = 0; i < 1800; ++i) sim.step();
  const TrafficKpis k = sim.kpis();
  INFO("parktwin: " << k.mean_finished_trip_duration_s << " s over " << k.finished
                    << " vehicles; sumo: " << sumo_duration << " s over " << sumo_arrived);
  CHECK(std::abs(k.mean_finished_trip_duration_s - sumo_duration) <= 0.15 * sumo_duration);
  CHECK(std::abs(static_cast<double>(k.finished) - sumo_arrived) <= 0.05 * sumo_arrived);
}

// SUMO 1.15's results on the RESCO scenarios (../shared/data/sumo/REFERENCE-RESULTS.md), each
// run through its own .sumocfg (hour, signal programs) as `parktwin run NAME.sumocfg` does:
// arrivals within 5 %, mean trip duration within 15 %, and no more teleports than SUMO's +
// 1 % of the trips (issue 18).
TEST_CASE("fidelity: the RESCO scenarios against SUMO, through their .sumocfg",
          "[traffic][fidelity][sumo][resco]") {
  struct Reference {
    const char* name;
    double arrived, duration_s, teleports;
  };
  for (const Reference& ref :
       {Reference{"cologne1", 1993, 68.3, 0}, Reference{"cologne8", 1992, 125.9, 0},
        Reference{"ingolstadt1", 1691, 54.8, 0}, Reference{"ingolstadt21", 3979, 312.1, 5}}) {
    const std::string cfg =
        std::string(PARKTWIN_SHARED_DATA) + "/sumo/resco/" + ref.name + "/" + ref.name + ".sumocfg";
    if (!std::filesystem::exists(cfg)) {
      WARN("shared data not found at " << cfg << "; RESCO comparison skipped");
      return;
    }
    const Network net = scenarios::load_network(cfg);
    const Demand demand = scenarios::load_demand(cfg, net, 3600);
    TrafficConfig config;
    config.step_s = 1.0;
    config.lane_changing = true;      // as for any SUMO input
    config.teleport_after_s = 300.0;  // SUMO's default
    TrafficSim sim(net, demand, config);
    for (int i = 0; i < 3600; ++i) sim.step();
    const TrafficKpis k = sim.kpis();
    INFO(ref.name << ": " << k.finished << " arrived (SUMO " << ref.arrived << "), mean trip "
                  << k.mean_finished_trip_duration_s << " s (SUMO " << ref.duration_s << " s), "
                  << k.teleports << " teleports (SUMO " << ref.teleports << ")");
    CHECK(std::abs(static_cast<double>(k.finished) - ref.arrived) <= 0.05 * ref.arrived);
    CHECK(std::abs(k.mean_finished_trip_duration_s - ref.duration_s) <= 0.15 * ref.duration_s);
    CHECK(static_cast<double>(k.teleports) <=
          ref.teleports + 0.01 * static_cast<double>(k.created));
  }
}
