// bench_sumo: parktwin against Debian's SUMO on the same SUMO network and routes, measured in
// one run on one machine. Builds a signalised single-lane grid with SUMO's own tools
// (netgenerate, randomTrips.py, duarouter), runs `sumo` with --duration-log.statistics
// (its "UPS" is vehicle-updates per second), runs parktwin on the same files, and prints
//   simulator,vehicle_updates_per_s,mean_trip_duration_s,arrived,wall_s
// and the ratio of parktwin's vehicle-updates/s to SUMO's.
//
// usage: bench_sumo [--grid N] [--period S] [--end S] [--dir DIR] [--threads N]
//        bench_sumo --sumocfg NAME.sumocfg [--sumocfg ...] [--threads N]
//   The second form runs SUMO scenarios as they come (both simulators on the configuration's
//   net, routes, additional files and hour; parktwin with its SUMO defaults: lane changes,
//   teleports after the configuration's time-to-teleport or 300 s), one row pair each.
//   Needs sumo and sumo-tools (tools/install-deps.sh --test); SUMO_HOME defaults to
//   /usr/share/sumo.

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "bench_cli.h"
#include "engine/parallel.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
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

struct Result {
  double ups = 0.0;  // vehicle-updates per second
  double mean_trip_s = 0.0;
  double arrived = 0.0;
  double wall_s = 0.0;
  std::uint64_t teleports = 0;
};

// SUMO with `args` (no output files), statistics read from its log.
Result run_sumo(const std::string& args) {
  const auto s0 = std::chrono::steady_clock::now();
  const std::string log =
      run("sumo " + args + " --no-step-log --no-warnings --duration-log.statistics true");
  Result r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
  r.ups = number_after(log, "UPS:");
  // "Duration:" is both the wall time under Performance and the mean trip duration under
  // "Statistics (avg of N)": read the latter.
  const auto stats = log.find("Statistics (avg");
  if (stats == std::string::npos) throw std::runtime_error("no trip statistics in:\n" + log);
  const std::string trip_stats = log.substr(stats);
  r.mean_trip_s = number_after(trip_stats, "Duration:");
  r.arrived = number_after(trip_stats, "avg of");
  const std::regex teleports(R"(Teleports:\s*([0-9]+))");
  std::smatch m;
  if (std::regex_search(log, m, teleports)) r.teleports = std::stoull(m[1].str());
  return r;
}

// parktwin's traffic alone for `steps` steps; vehicle-updates per second of stepping.
Result run_parktwin(const traffic::Network& n, const traffic::Demand& d,
                    const traffic::TrafficConfig& config, int steps) {
  traffic::TrafficSim sim(n, d, config);
  const auto p0 = std::chrono::steady_clock::now();
  double step_wall = 0.0;
  for (int i = 0; i < steps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    sim.step();
    step_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  Result r;
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - p0).count();
  const traffic::TrafficKpis k = sim.kpis();
  r.ups = static_cast<double>(k.vehicle_updates) / step_wall;
  r.mean_trip_s = k.mean_finished_trip_duration_s;
  r.arrived = static_cast<double>(k.finished);
  r.teleports = k.teleports;
  return r;
}

// The fastest of `repeat` runs of each, alternating so that both see the same machine (the
// machines here vary 2x over minutes; the fastest run is the least disturbed).
// An empty `sumo` runs parktwin alone.
template <class Parktwin>
std::pair<Result, Result> best_of(int repeat, const std::function<Result()>& sumo,
                                  Parktwin&& parktwin) {
  Result best_sumo, best_pt;
  for (int i = 0; i < repeat; ++i) {
    const Result s = sumo ? sumo() : Result{};
    const Result p = parktwin();
    if (s.ups > best_sumo.ups) best_sumo = s;
    if (p.ups > best_pt.ups) best_pt = p;
  }
  return {best_sumo, best_pt};
}

void print_rows(const std::string& scenario, const Result& sumo, const Result& pt) {
  for (const auto& [name, r] : {std::pair{"sumo", sumo}, std::pair{"parktwin", pt}}) {
    if (r.wall_s == 0.0) continue;  // not run (--no-sumo)
    fmt::print("{},{},{:.4g},{:.1f},{:.0f},{},{:.2f}\n", scenario, name, r.ups, r.mean_trip_s,
               r.arrived, r.teleports, r.wall_s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int grid = 10, threads = 1, repeat = 1;
  bool no_sumo = false;
  double period = 0.5, end = 3600;
  std::vector<std::string> configs;
  std::string dir = (std::filesystem::temp_directory_path() / "parktwin_bench_sumo").string();
  CLI::App app{"Debian's sumo and parktwin on the same SUMO inputs, in one run.", "bench_sumo"};
  app.add_option("--grid", grid, "junctions a side")->check(CLI::Range(2, 100));
  app.add_option("--period", period, "seconds between departures (randomTrips.py -p)")
      ->check(CLI::PositiveNumber);
  app.add_option("--end", end, "simulated seconds")->check(CLI::PositiveNumber);
  app.add_option("--dir", dir, "work folder for SUMO's files");
  app.add_option("--sumocfg", configs,
                 "instead of the grid: SUMO configurations to run as they come (repeatable)")
      ->check(CLI::ExistingFile);
  app.add_option("--threads", threads, "parktwin's threads")->check(CLI::Range(1, 256));
  app.add_option("--repeat", repeat,
                 "runs of each simulator, alternating; the fastest of each is reported")
      ->check(CLI::Range(1, 100));
  app.add_flag("--no-sumo", no_sumo,
               "run parktwin alone (for profiling; no ratio, which needs both in one run)");
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_sumo", [&]() -> int {
    const char* home = std::getenv("SUMO_HOME");
    const std::string sumo_home = home != nullptr ? home : "/usr/share/sumo";
    setenv("SUMO_HOME", sumo_home.c_str(), 0);
    par::ThreadLimit limit(threads);
    try {
      fmt::print(
          "scenario,simulator,vehicle_updates_per_s,mean_trip_duration_s,arrived,teleports,"
          "wall_s\n");
      if (!configs.empty()) {
        for (const std::string& cfg : configs) {
          const scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(cfg));
          const traffic::Network n = scenarios::load_network(cfg);
          const traffic::Demand d = scenarios::load_demand(cfg, n, meta.duration_s);
          traffic::TrafficConfig config;
          config.step_s = meta.step_s;
          config.seed = meta.seed;
          config.lane_changing = meta.lane_changing;
          config.teleport_after_s = meta.teleport_after_s;
          std::function<Result()> sumo_run;
          if (!no_sumo) {
            sumo_run = [&] {
              return run_sumo(
                  fmt::format("-c {} --xml-validation never --xml-validation.net never", cfg));
            };
          }
          const auto [sumo, pt] = best_of(repeat, sumo_run, [&] {
            return run_parktwin(n, d, config,
                                static_cast<int>(std::lround(meta.duration_s / meta.step_s)));
          });
          print_rows(meta.scenario, sumo, pt);
          if (no_sumo) continue;
          fmt::print("ratio parktwin/sumo vehicle-updates/s, {}: {:.1f}x ({} threads, {} trips)\n",
                     meta.scenario, pt.ups / sumo.ups, threads, d.trip_count());
        }
        return 0;
      }
      std::filesystem::create_directories(dir);
      const std::string net = dir + "/grid.net.xml", trips = dir + "/grid.trips.xml",
                        routes = dir + "/grid.rou.xml";
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
      const traffic::Network n = scenarios::load_network(net);
      const traffic::Demand d = scenarios::load_demand(routes, n, end + 1800);
      std::function<Result()> sumo_run;
      if (!no_sumo) {
        sumo_run = [&] {
          return run_sumo(fmt::format("-n {} -r {} --end {}", net, routes, end + 1800));
        };
      }
      const auto [sumo, pt] = best_of(repeat, sumo_run, [&] {
        return run_parktwin(n, d, {1.0, 0}, static_cast<int>(end + 1800));
      });
      print_rows(fmt::format("grid{}x{}", grid, grid), sumo, pt);
      if (no_sumo) return 0;
      fmt::print(
          "ratio parktwin/sumo vehicle-updates/s: {:.1f}x ({} threads, grid {}x{}, {} trips)\n",
          pt.ups / sumo.ups, threads, grid, grid, d.trip_count());
    } catch (const std::exception& e) {
      fmt::print(stderr, "bench_sumo: {}\n", e.what());
      return 1;
    }
    return 0;
  });
}
