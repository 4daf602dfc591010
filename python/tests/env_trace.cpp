// For the Python tests (python/tests/test_envs.py): one copy of the C++ signal environment
// (ai/signal_env.h) on a scenario, seed and number of decisions, every junction asking for
// green (t mod its greens) at decision t; writes each decision's observations (after the step)
// and rewards as raw little-endian float32, observations first, to OUT.
//   parktwin_env_trace SCENARIO SEED DECISIONS OUT

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "ai/signal_env.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

int main(int argc, char** argv) {
  using namespace parktwin;
  if (argc != 5) {
    std::cerr << "usage: parktwin_env_trace SCENARIO SEED DECISIONS OUT\n";
    return 2;
  }
  try {
    const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(argv[1]);
    const auto& [meta, net, demand] = loaded;
    const traffic::TrafficConfig traffic = loaded.config();
    ai::EnvOptions options;
    options.episode_s = meta.duration_s;
    options.min_green_s = meta.controllers.min_green_s;
    options.max_green_s = meta.controllers.max_green_s;
    ai::SignalVecEnv env(net, demand, traffic, options, 1, 1, std::stoull(argv[2]));
    const int decisions = std::stoi(argv[3]);
    std::vector<float> obs, rewards;
    std::vector<std::int32_t> actions(env.agents());
    for (int t = 0; t < decisions; ++t) {
      for (std::size_t a = 0; a < env.agents(); ++a) {
        actions[a] = static_cast<std::int32_t>(t % env.surface().greens(a).size());
      }
      env.step(actions);
      obs.insert(obs.end(), env.features().begin(), env.features().end());
      rewards.insert(rewards.end(), env.rewards().begin(), env.rewards().end());
    }
    std::ofstream out(argv[4], std::ios::binary);
    out.write(reinterpret_cast<const char*>(obs.data()),
              static_cast<std::streamsize>(obs.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(rewards.data()),
              static_cast<std::streamsize>(rewards.size() * sizeof(float)));
    return out ? 0 : 1;
  } catch (const Error& e) {
    std::cerr << "parktwin_env_trace: " << e.what() << "\n";
    return 1;
  }
}
