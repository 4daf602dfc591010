// bench_sumo: parktwin against Debian's SUMO on the same SUMO network and routes, measured in
// one run on one machine. Builds a signalised single-lane grid with SUMO's own tools
// (netgenerate, randomTrips.py, duarouter), runs `sumo` with --duration-log.statistics
// (its "UPS" is vehicle-updates per second), runs parktwin on the same files, and prints
//   simulator,vehicle_updates_per_s,mean_trip_duration_s,arrived,wall_s
// and the ratio of parktwin's vehicle-updates/s to SUMO's.
//
// usage: bench_sumo [--grid N] [--period S] [--end S] [--dir DIR] [--threads N]
//   needs sumo and sumo-tools (tools/install-deps.sh --test); SUMO_HOME defaults to
//   /usr/share/sumo.

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "bench_cli.h"
#include "engine/parallel.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;

namespace {

// Runs a shell command and returns its standard output and error; throws on failure.
std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot start: " + command);
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out += buf.data();
  const int status = pclose(pipe.release());
  if (status != 0)
    throw std::runtime_error(fmt::format("failed ({}): {}\n{}", status, command, out));
  return out;
}

double number_after(const std::string& text, const std::string& label) {
  const std::regex re(label + R"(\s*([0-9.eE+-]+))");
  std::smatch m;
  if (!std::regex_search(text, m, re)) {
    throw std::runtime_error("'" + label + "' not found in SUMO's output:\n" + text);
  }
  return std::stod(m[1].str());
}

}  // namespace

int main(int argc, char** argv) {
  int grid = 10, threads = 1;
  double period = 0.5, end = 3600;
  std::string dir = (std::filesystem::temp_directory_path() / "parktwin_bench_sumo").string();
  CLI::App app{"Debian's sumo and parktwin on the same signalised grid, in one run.", "bench_sumo"};
  app.add_option("--grid", grid, "junctions a side")->check(CLI::Range(2, 100));
  app.add_option("--period", period, "seconds between departures (randomTrips.py -p)")
      ->check(CLI::PositiveNumber);
  app.add_option("--end", end, "simulated seconds")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "work folder for SUMO's files");
  app.add_option("--threads", threads, "parktwin's threads")->check(CLI::Range(1, 256));
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_sumo", [&]() -> int {
    const char* home = std::getenv("SUMO_HOME");
    const std::string sumo_home = home != nullptr ? home : "/usr/share/sumo";
    setenv("SUMO_HOME", sumo_home.c_str(), 0);
    std::filesystem::create_directories(dir);
    const std::string net = dir + "/grid.net.xml", trips = dir + "/grid.trips.xml",
                      routes = dir + "/grid.rou.xml";
    try {
      run(fmt::format(
          "netgenerate --grid --grid.number={} --grid.length=200 --grid.attach-length=200 "
          "--default.lanenumber 1 --default-junction-type traffic_light "
          "--no-turnarounds true -o {}",
          grid, net));
      run(fmt::format("python3 {}/tools/randomTrips.py -n {} -e {} -p {} --seed 7 -o {}", sumo_home,
                      net, end, period, trips));
      run(fmt::format("duarouter -n {} -r {} -o {} --no-step-log --no-warnings", net, trips,
                      routes));

      // SUMO, 1 s steps (its default), no output files, statistics at the end.
      const auto s0 = std::chrono::steady_clock::now();
      const std::string log = run(fmt::format(
          "sumo -n {} -r {} --end {} --no-step-log --no-warnings --duration-log.statistics true",
          net, routes, end + 1800));
      const double sumo_wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
      const double sumo_ups = number_after(log, "UPS:");
      // "Duration:" is both the wall time under Performance and the mean trip duration under
      // "Statistics (avg of N)": read the latter.
      const auto stats = log.find("Statistics (avg");
      if (stats == std::string::npos) throw std::runtime_error("no trip statistics in:\n" + log);
      const std::string trip_stats = log.substr(stats);
      const double sumo_duration = number_after(trip_stats, "Duration:");
      const double sumo_arrived = number_after(trip_stats, "avg of");

      par::ThreadLimit limit(threads);
      const traffic::Network n = scenarios::load_network(net);
      const traffic::Demand d = scenarios::load_demand(routes, n, end + 1800);
      traffic::TrafficSim sim(n, d, {1.0, 0});
      const auto p0 = std::chrono::steady_clock::now();
      double step_wall = 0.0;
      for (int i = 0; i < static_cast<int>(end + 1800); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        sim.step();
        step_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      const double pt_wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - p0).count();
      const traffic::TrafficKpis k = sim.kpis();
      const double pt_ups = static_cast<double>(k.vehicle_updates) / step_wall;

      fmt::print("simulator,vehicle_updates_per_s,mean_trip_duration_s,vehicles,wall_s\n");
      fmt::print("sumo,{:.4g},{:.1f},{:.0f},{:.2f}\n", sumo_ups, sumo_duration, sumo_arrived,
                 sumo_wall);
      fmt::print("parktwin,{:.4g},{:.1f},{},{:.2f}\n", pt_ups, k.mean_finished_trip_duration_s,
                 k.finished, pt_wall);
      fmt::print(
          "ratio parktwin/sumo vehicle-updates/s: {:.1f}x ({} threads, grid {}x{}, {} trips)\n",
          pt_ups / sumo_ups, threads, grid, grid, d.trip_count());
    } catch (const std::exception& e) {
      fmt::print(stderr, "bench_sumo: {}\n", e.what());
      return 1;
    }
    return 0;
  });
}
