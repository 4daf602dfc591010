// bench_traffic: stepping speed of the traffic core on CityFlow's networks and on a generated
// 30x30 grid (same construction and demand rule, 24,000 vehicles), one CSV line per
// (network, threads) run of 3600 one-second steps:
//   network,threads,steps,steps_per_s,vehicle_updates,vehicle_updates_per_s,bytes_per_vehicle,
//   peak_rss_mib,att_s,finished,state_hash
// bytes_per_vehicle: the simulation state's arrays over the number of trips; peak_rss_mib: the
// process's peak resident memory so far (loading the JSON inputs dominates it).
// The state hash must be equal across thread counts of one network.
//
// usage: bench_traffic [--data DIR] [--threads-max N] [--repeat N]
//   DIR defaults to ../shared/data/cityflow beside the source tree.

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/parallel.h"
#include "scenarios/cityflow/cityflow.h"
#include "scenarios/cityflow/grid_generator.h"
#include "scenarios/traffic_inputs.h"
#include "sim/traffic/traffic_sim.h"

using namespace parktwin;

namespace {

struct Case {
  const char* name;
  const char* roadnet;
  const char* flow;
};

void run_case(const std::string& name, const traffic::Network& net, const traffic::Demand& demand,
              int threads_max, int repeat);

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

void run_case(const std::string& name, const traffic::Network& net, const traffic::Demand& demand,
              int threads_max, int repeat) {
  for (int threads = 1; threads <= threads_max; ++threads) {
    par::ThreadLimit limit(threads);
    for (int r = 0; r < repeat; ++r) {
      traffic::TrafficSim sim(net, demand, {1.0, 0});
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 3600; ++i) sim.step();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const traffic::TrafficKpis k = sim.kpis();
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      fmt::print(
          "{},{},{},{:.0f},{},{:.4g},{:.0f},{:.0f},{:.1f},{},{:016x}\n", name, threads, k.steps,
          3600.0 / s, k.vehicle_updates, static_cast<double>(k.vehicle_updates) / s,
          static_cast<double>(state_bytes(sim.state())) / static_cast<double>(demand.trip_count()),
          static_cast<double>(usage.ru_maxrss) / 1024.0, k.average_travel_time_s, k.finished,
          sim.state_hash());
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = std::string(PARKTWIN_SOURCE_DIR) + "/../shared/data/cityflow";
  int threads_max = 2, repeat = 3;
  bool with_30x30 = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      fmt::print("usage: bench_traffic [--data DIR] [--threads-max N] [--repeat N] [--no-30x30]\n");
      return 0;
    } else if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--threads-max" && i + 1 < argc) {
      threads_max = std::stoi(argv[++i]);
    } else if (a == "--no-30x30") {
      with_30x30 = false;
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::stoi(argv[++i]);
    } else {
      fmt::print(stderr, "bench_traffic: unknown argument '{}' (try --help)\n", a);
      return 2;
    }
  }
  const std::vector<Case> cases{{"hangzhou_4x4", "roadnet_4_4.json", "anon_4_4_hangzhou_real.json"},
                                {"grid_4x4", "roadnet.json", "flow.json"},
                                {"grid_10x10", "roadnet.json", "flow.json"}};
  fmt::print(
      "network,threads,steps,steps_per_s,vehicle_updates,vehicle_updates_per_s,"
      "bytes_per_vehicle,peak_rss_mib,att_s,finished,state_hash\n");
  for (const Case& c : cases) {
    const std::string dir = data + "/" + c.name;
    if (!std::filesystem::exists(dir)) {
      fmt::print(stderr, "bench_traffic: {} not found, skipped\n", dir);
      continue;
    }
    const traffic::Network net = scenarios::load_network(dir + "/" + c.roadnet);
    const traffic::Demand demand = scenarios::load_demand(dir + "/" + c.flow, net, 3600);
    run_case(c.name, net, demand, threads_max, repeat);
  }
  if (with_30x30) {
    scenarios::GridSpec spec;
    spec.rows = spec.cols = 30;
    const traffic::Network net =
        scenarios::import_cityflow_roadnet(scenarios::grid_roadnet(spec), "grid_30x30");
    const traffic::Demand demand =
        scenarios::import_cityflow_flow(scenarios::grid_flow(spec), "grid_30x30", net, 3600);
    run_case("grid_30x30", net, demand, threads_max, repeat);
  }
  return 0;
}
