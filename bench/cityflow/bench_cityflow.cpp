// bench_cityflow CONFIG.json STEPS THREADS
// Times only the nextStep() loop of CityFlow's C++ engine.
// Prints: steps,wall_s,vehicle_updates,vehicle_updates_per_s,att_s
//   vehicle_updates = sum over steps of engine.getVehicleCount() taken after each nextStep()
//                     (CityFlow's activeVehicleCount: vehicles running in the network;
//                      equals getVehicles().size() when laneChange=false, i.e. no shadow vehicles)
//   att_s           = engine.getAverageTravelTime() after the last step
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/engine.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s CONFIG.json STEPS THREADS\n", argv[0]);
    return 2;
  }
  const std::string config = argv[1];
  const long steps = std::atol(argv[2]);
  const int threads = std::atoi(argv[3]);
  if (steps <= 0 || threads <= 0) {
    std::fprintf(stderr, "STEPS and THREADS must be positive\n");
    return 2;
  }

  // Heap-allocated and deliberately never destroyed: CityFlow's ~Engine() races with its
  // worker threads (they read the non-atomic 'finished' flag at the top of their loop and may
  // exit before the destructor's barrier rounds), which can hang the process forever.
  CityFlow::Engine& engine = *new CityFlow::Engine(config, threads);

  unsigned long long vehicleUpdates = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < steps; ++i) {
    engine.nextStep();
    vehicleUpdates += engine.getVehicleCount();
  }
  const auto t1 = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(t1 - t0).count();

  std::printf("%ld,%.6f,%llu,%.1f,%.4f\n", steps, wall, vehicleUpdates,
              wall > 0 ? vehicleUpdates / wall : 0.0, engine.getAverageTravelTime());
  std::fflush(stdout);
  std::_Exit(0);  // skip ~Engine() (see above)
}
