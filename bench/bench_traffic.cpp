// bench_traffic: stepping speed and memory of the traffic core on CityFlow's networks and on
// a generated 30x30 grid (same construction and demand rule, 24,000 vehicles), one CSV line
// per (network, threads, repeat) run of 3600 one-second steps:
//   network,threads,steps,steps_per_s,vehicle_updates,vehicle_updates_per_s,state_bytes_per_vehicle,
//   base_rss_mib,peak_rss_mib,peak_bytes_per_vehicle,att_s,finished,state_hash
// Each network runs in its own process (this program started again with --case), loading its
// files as `parktwin run` does, so its memory figures are its own:
//   base_rss_mib: the process before loading anything (program and shared libraries);
//   peak_rss_mib: the process's peak resident memory, loading included;
//   peak_bytes_per_vehicle: (peak - base) over the trips: everything the run adds per vehicle,
//     network and demand included;
//   state_bytes_per_vehicle: the simulation state's arrays alone over the trips.
// The state hash must be equal across thread counts of one network.
//
// usage: bench_traffic [--data DIR] [--threads-max N] [--repeat N] [--no-30x30]
//   DIR defaults to ../shared/data/cityflow beside the source tree.

#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "bench_cli.h"
#include "engine/parallel.h"
#include "scenarios/cityflow/cityflow.h"
#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;

namespace {

// Bytes the simulation state holds per trip (vectors' capacity; model excluded).
template <class T>
std::size_t bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

std::size_t state_bytes(const traffic::TrafficState& s) {
  return bytes(s.pos_m) + bytes(s.speed_mps) + bytes(s.next_pos_m) + bytes(s.next_speed_mps) +
         bytes(s.segment) + bytes(s.route_pos) + bytes(s.reroute_begin) + bytes(s.reroute_length) +
         bytes(s.rerouted_roads) + bytes(s.planned_link) + bytes(s.status) + bytes(s.wait_next) +
         bytes(s.speed_factor) + bytes(s.lc_target) + bytes(s.lc_last_step) + bytes(s.totals) +
         bytes(s.create_time_s) + bytes(s.enter_time_s) + bytes(s.finish_time_s) +
         bytes(s.queues.pool) + bytes(s.queues.begin) + bytes(s.queues.capacity) +
         bytes(s.queues.head) + bytes(s.queues.count) + bytes(s.wait_head) + bytes(s.wait_tail) +
         bytes(s.moves);
}

// Resident memory of this process now, in bytes (/proc/self/statm counts pages).
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double size = 0.0, resident = 0.0;
  statm >> size >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Peak resident memory of this process so far: VmHWM of /proc/self/status, which belongs to
// the address space and so starts afresh at exec (getrusage's ru_maxrss would carry the
// parent's peak over).
double peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;  // kB
  }
  return 0.0;
}

void run_case(const std::string& name, const std::string& roadnet, const std::string& flow,
              int threads_max, int repeat) {
  const double base = resident_bytes();
  const traffic::Network net = scenarios::load_network(roadnet);
  const traffic::Demand demand = scenarios::load_demand(flow, net, 3600);
  const double trips = static_cast<double>(demand.trip_count());
  // Thread counts take turns (1, 2, 1, 2, ...): the machine's speed drifts by 2x within
  // minutes here, so a ratio is only meaningful between neighbouring runs.
  std::vector<std::vector<double>> rates(static_cast<std::size_t>(threads_max) + 1);
  for (int r = 0; r < repeat; ++r) {
    for (int threads = 1; threads <= threads_max; ++threads) {
      par::ThreadLimit limit(threads);
      traffic::TrafficSim sim(net, demand, {1.0, 0});
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 3600; ++i) sim.step();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const traffic::TrafficKpis k = sim.kpis();
      const double peak = peak_resident_bytes();
      const double rate = static_cast<double>(k.vehicle_updates) / s;
      rates[static_cast<std::size_t>(threads)].push_back(rate);
      fmt::print("{},{},{},{:.0f},{},{:.4g},{:.0f},{:.1f},{:.1f},{:.0f},{:.1f},{},{:016x}\n", name,
                 threads, k.steps, 3600.0 / s, k.vehicle_updates, rate,
                 static_cast<double>(state_bytes(sim.state())) / trips, base / 1048576.0,
                 peak / 1048576.0, (peak - base) / trips, k.average_travel_time_s, k.finished,
                 sim.state_hash());
      std::fflush(stdout);
    }
  }
  // Speed-up of each thread count over one thread, as the median of the paired ratios.
  for (int threads = 2; threads <= threads_max; ++threads) {
    std::vector<double> ratio;
    for (int r = 0; r < repeat; ++r) {
      ratio.push_back(rates[static_cast<std::size_t>(threads)][static_cast<std::size_t>(r)] /
                      rates[1][static_cast<std::size_t>(r)]);
    }
    std::sort(ratio.begin(), ratio.end());
    fmt::print(stderr,
               "# {}: {} threads / 1 thread = {:.2f}x (median of {} paired runs; {:.2f}-{:.2f})\n",
               name, threads, ratio[ratio.size() / 2], ratio.size(), ratio.front(), ratio.back());
  }
}

// Runs this program again with `args` and waits for it; false if it failed.
bool run_child(const char* self, const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(self)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = 0;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) {
    fmt::print(stderr, "bench_traffic: cannot start a child process\n");
    return false;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/cityflow";
  int threads_max = 2, repeat = 3;
  bool no_30x30 = false;
  std::vector<std::string> one_case;  // NAME ROADNET FLOW
  CLI::App app{"Runs every network, each in its own process (the --case form).", "bench_traffic"};
  app.add_option("--data", data, "folder of the CityFlow networks")->check(CLI::ExistingDirectory);
  app.add_option("--threads-max", threads_max, "runs with 1..N threads")->check(CLI::Range(1, 256));
  app.add_option("--repeat", repeat, "runs per thread count, taking turns")
      ->check(CLI::Range(1, 1000));
  app.add_flag("--no-30x30", no_30x30, "skip the generated 30x30 grid");
  app.add_option("--case", one_case, "one network: NAME ROADNET FLOW")->expected(3);
  if (const int status = bench::parse_command_line(app, argc, argv); status >= 0) return status;
  return bench::run_reporting_errors("bench_traffic", [&]() -> int {
    const bool with_30x30 = !no_30x30;
    const std::string case_name = one_case.empty() ? "" : one_case[0];
    const std::string case_roadnet = one_case.empty() ? "" : one_case[1];
    const std::string case_flow = one_case.empty() ? "" : one_case[2];
    if (!case_name.empty()) {
      run_case(case_name, case_roadnet, case_flow, threads_max, repeat);
      return 0;
    }

    struct Case {
      std::string name, roadnet, flow;
    };
    std::vector<Case> cases;
    for (const auto& [name, roadnet, flow] :
         {std::tuple{"hangzhou_4x4", "roadnet_4_4.json", "anon_4_4_hangzhou_real.json"},
          std::tuple{"grid_4x4", "roadnet.json", "flow.json"},
          std::tuple{"grid_10x10", "roadnet.json", "flow.json"}}) {
      const std::string dir = data + "/" + name;
      if (!std::filesystem::exists(dir)) {
        fmt::print(stderr, "bench_traffic: {} not found, skipped\n", dir);
        continue;
      }
      cases.push_back({name, dir + "/" + roadnet, dir + "/" + flow});
    }
    std::filesystem::path grid_dir;
    if (with_30x30) {
      // Written to files and read back as a user's run would read them.
      grid_dir = std::filesystem::temp_directory_path() /
                 fmt::format("parktwin_bench_grid30_{}", static_cast<long>(getpid()));
      std::filesystem::create_directories(grid_dir);
      scenarios::GridSpec spec;
      spec.rows = spec.cols = 30;
      std::ofstream(grid_dir / "roadnet.json") << scenarios::grid_roadnet(spec).dump();
      std::ofstream(grid_dir / "flow.json") << scenarios::grid_flow(spec).dump();
      cases.push_back(
          {"grid_30x30", (grid_dir / "roadnet.json").string(), (grid_dir / "flow.json").string()});
    }
    fmt::print(
        "network,threads,steps,steps_per_s,vehicle_updates,vehicle_updates_per_s,"
        "state_bytes_per_vehicle,base_rss_mib,peak_rss_mib,peak_bytes_per_vehicle,att_s,finished,"
        "state_hash\n");
    bool ok = true;
    for (const Case& c : cases) {
      ok = run_child(argv[0], {"--case", c.name, c.roadnet, c.flow, "--threads-max",
                               std::to_string(threads_max), "--repeat", std::to_string(repeat)}) &&
           ok;
    }
    if (!grid_dir.empty()) std::filesystem::remove_all(grid_dir);
    return ok ? 0 : 1;
  });
}
