// bench_recorder: what recording a run into its HDF5 file costs. grid_10x10 (CityFlow input
// from the team's shared data), 3600 one-second steps, runs taking turns without and with a
// recorder (series every 60 s with a checkpoint every 600 s, as `parktwin run --out` does by
// default; and series every step as a stress case), one CSV line per run:
//   case,threads,sample_interval_s,wall_s,ratio_to_unrecorded,file_mib,wait_s
// ratio_to_unrecorded compares with the unrecorded run just before it (the machine's speed
// drifts); the acceptance budget is 1.15.
//
// usage: bench_recorder [--data DIR] [--repeat N] [--threads N]

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench_cli.h"
#include "engine/parallel.h"
#include "scenarios/run_recorder.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;

namespace {

double run(const traffic::Network& net, const traffic::Demand& demand, const std::string& out,
           double interval_s, double& wait_s) {
  const auto t0 = std::chrono::steady_clock::now();
  traffic::TrafficSim sim(net, demand, {1.0, 0});
  std::unique_ptr<scenarios::RunRecorder> recorder;
  if (!out.empty()) {
    scenarios::RunMeta meta;
    meta.scenario = "grid_10x10";
    meta.sample_interval_s = interval_s;
    recorder = std::make_unique<scenarios::RunRecorder>(out, meta, net);
    recorder->record(sim);
  }
  const int every = std::max(1, static_cast<int>(interval_s));
  for (int i = 0; i < 3600; ++i) {
    sim.step();
    if (recorder && (i + 1) % every == 0) recorder->record(sim);
    if (recorder && (i + 1) % 600 == 0 && i + 1 < 3600) recorder->checkpoint(sim);
  }
  if (recorder) {
    recorder->finish(sim.kpis(), sim.state_hash(), 0.0, sim);
    wait_s = recorder->wait_s();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/cityflow";
  int repeat = 3, threads = 1;
  CLI::App app{"grid_10x10 without and with recording into an HDF5 run file.", "bench_recorder"};
  app.add_option("--data", data, "folder of the CityFlow networks")->check(CLI::ExistingDirectory);
  app.add_option("--repeat", repeat, "runs taking turns")->check(CLI::Range(1, 1000));
  app.add_option("--threads", threads, "simulation threads")->check(CLI::Range(1, 256));
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_recorder", [&]() -> int {
    const std::string dir = data + "/grid_10x10";
    const traffic::Network net = scenarios::load_network(dir + "/roadnet.json");
    const traffic::Demand demand = scenarios::load_demand(dir + "/flow.json", net, 3600);
    par::ThreadLimit limit(threads);
    const std::filesystem::path tmp =
        std::filesystem::temp_directory_path() / fmt::format("parktwin_bench_rec_{}", getpid());
    std::filesystem::create_directories(tmp);
    fmt::print("case,threads,sample_interval_s,wall_s,ratio_to_unrecorded,file_mib,wait_s\n");
    for (int r = 0; r < repeat; ++r) {
      double wait = 0.0;
      const double plain = run(net, demand, "", 0.0, wait);
      fmt::print("unrecorded,{},-,{:.3f},1.000,0,0\n", threads, plain);
      for (const double interval : {60.0, 1.0}) {
        const std::string out = (tmp / fmt::format("run_{}_{}.h5", r, interval)).string();
        wait = 0.0;
        const double wall = run(net, demand, out, interval, wait);
        fmt::print("recorded,{},{:.0f},{:.3f},{:.3f},{:.2f},{:.3f}\n", threads, interval, wall,
                   wall / plain, static_cast<double>(std::filesystem::file_size(out)) / 1048576.0,
                   wait);
        std::fflush(stdout);
      }
    }
    std::filesystem::remove_all(tmp);
    return 0;
  });
}
