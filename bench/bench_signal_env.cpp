// Environment steps per second of the vectorised signal environment (ai/signal_env.h) driven
// from C++: K copies of a scenario stepped together in T threads, every junction asking for
// green (t mod its greens) at decision t, the observations (phase features), masks and rewards
// read after each step as a learner would. bench/bench_python.py runs the same from Python
// (parktwin.envs.VectorSignalEnv) and prints the two side by side.
//
// One CSV line per (copies, threads): copies, threads, decisions per copy, wall s, env steps/s.

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ai/signal_env.h"
#include "bench_cli.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

using namespace parktwin;

int main(int argc, char** argv) {
  CLI::App app{"Environment steps per second of the vectorised signal environment, from C++"};
  std::string manifest =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  std::vector<int> copies_list{1, 8, 32}, threads_list{1, 2};
  int decisions = 720;  // one day of 3600 s at one decision every 5 s
  app.add_option("--scenario", manifest, "scenario manifest")->check(CLI::ExistingFile);
  app.add_option("--copies", copies_list, "numbers of copies")->check(CLI::Range(1, 4096));
  app.add_option("--threads", threads_list, "thread counts")->check(CLI::Range(1, 1024));
  app.add_option("--decisions", decisions, "decisions per copy")->check(CLI::Range(1, 1000000));
  if (const int rc = bench::parse_command_line(app, argc, argv); rc >= 0) return rc;

  return bench::run_reporting_errors("bench_signal_env", [&] {
    const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(manifest);
    const auto& [meta, net, demand] = loaded;
    const traffic::TrafficConfig traffic = loaded.config();
    ai::EnvOptions options;
    options.episode_s = meta.duration_s;
    options.min_green_s = meta.controllers.min_green_s;
    options.max_green_s = meta.controllers.max_green_s;
    fmt::print("copies,threads,decisions,wall_s,env_steps_per_s\n");
    for (const int threads : threads_list) {
      for (const int copies : copies_list) {
        ai::SignalVecEnv env(net, demand, traffic, options, copies, threads, 1);
        std::vector<std::int32_t> actions(env.copies() * env.agents());
        std::vector<float> obs(env.features().size()), rewards(env.rewards().size());
        std::vector<std::uint8_t> masks(env.masks().size());
        const auto start = std::chrono::steady_clock::now();
        for (int t = 0; t < decisions; ++t) {
          for (std::size_t c = 0; c < env.copies(); ++c) {
            for (std::size_t a = 0; a < env.agents(); ++a) {
              actions[c * env.agents() + a] =
                  static_cast<std::int32_t>(t % static_cast<int>(env.surface().greens(a).size()));
            }
          }
          env.step(actions);
          // What a learner reads after each step (the Python side copies these too).
          std::copy(env.features().begin(), env.features().end(), obs.begin());
          std::copy(env.masks().begin(), env.masks().end(), masks.begin());
          std::copy(env.rewards().begin(), env.rewards().end(), rewards.begin());
        }
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        fmt::print("{},{},{},{:.3f},{:.0f}\n", copies, threads, decisions, wall,
                   decisions * copies / wall);
      }
    }
    return 0;
  });
}
