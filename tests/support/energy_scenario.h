#pragma once
// Test support: a scenario's district as the energy environment sees it (ai::EnergyScenario),
// with its traffic kept alive as long as it, and the default scenario's loaded once per test
// binary.

#include <string>

#include "ai/energy_env.h"
#include "scenarios/run_world.h"

namespace parktwin::test {

inline const std::string kDefaultScenario =
    std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";

struct LoadedEnergyScenario {
  explicit LoadedEnergyScenario(const std::string& manifest, int traffic_days = 2)
      : traffic(scenarios::load_scenario_traffic(manifest)),
        energy(scenarios::make_world(traffic.meta, traffic.net, traffic.demand),
               traffic.meta.duration_s, traffic_days) {}
  scenarios::ScenarioTraffic traffic;
  ai::EnergyScenario energy;
};

// The default scenario with 2 traffic days.
inline const LoadedEnergyScenario& default_energy_scenario() {
  static const LoadedEnergyScenario l(kDefaultScenario);
  return l;
}

}  // namespace parktwin::test
