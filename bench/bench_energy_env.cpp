// Environment steps per second of the vectorised energy environment (ai/energy_env.h) and the
// wall time of a simulated year with a policy in the loop (issue 19's target: under 30 s for
// the shipped district). Decisions every 15 minutes; the policy here is a fixed rule acting
// through every action (battery power following the hour, chargers capped at half, HVAC set
// 1 K up), so that every part of the control surface is exercised as a learner's actions are.
//
// With the learners (libtorch), also the year with the shipped policy itself in the loop
// (assets/policies/hangzhou_4x4_energy_ars, TorchScript inference every decision), the
// acceptance's case.
//
// CSV lines: what, copies, threads, decisions per copy, wall s, env steps/s (copies x decisions
// per second), simulated days per wall second.

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#ifdef PARKTWIN_BENCH_SHIPPED_POLICY
#include "ai/learn/energy_policy.h"
#endif
#include "bench_cli.h"
#include "scenarios/run_world.h"

using namespace parktwin;

namespace {

// Actions of every copy and building from the observations: a stand-in for a policy.
void fixed_rule(std::span<const float> obs, std::span<float> actions) {
  const std::size_t n = actions.size() / ai::kEnergyActions;
  for (std::size_t i = 0; i < n; ++i) {
    const float* o = obs.data() + i * ai::kEnergyFeatures;
    float* a = actions.data() + i * ai::kEnergyActions;
    a[0] = o[12] < 0.6f ? 1.0f : -1.0f;  // charge when the price is low
    a[1] = 0.0f;
    a[2] = 0.5f;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Environment steps per second of the energy environment, and a simulated year"};
  std::string manifest =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  std::vector<int> copies_list{1, 8}, threads_list{1, 2};
  int days = 7;
  bool year = true;
  app.add_option("--scenario", manifest, "scenario manifest with buildings and energy")
      ->check(CLI::ExistingFile);
  app.add_option("--copies", copies_list, "numbers of copies")->check(CLI::Range(1, 1024));
  app.add_option("--threads", threads_list, "thread counts")->check(CLI::Range(1, 1024));
  app.add_option("--days", days, "days per episode (decisions: 96 a day)")
      ->check(CLI::Range(1, 366));
  app.add_flag("!--no-year", year, "skip the simulated year");
  if (const int rc = bench::parse_command_line(app, argc, argv); rc >= 0) return rc;

  return bench::run_reporting_errors("bench_energy_env", [&] {
    const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(manifest);
    const auto t_load = std::chrono::steady_clock::now();
    const ai::EnergyScenario scenario(scenarios::make_world(loaded.meta, loaded.net, loaded.demand),
                                      loaded.meta.duration_s, 4);
    fmt::print(stderr, "{} buildings, 4 traffic days recorded in {:.2f} s\n", scenario.buildings(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t_load).count());
    fmt::print("what,copies,threads,decisions,wall_s,env_steps_per_s,sim_days_per_s\n");
    using Policy = std::function<void(const ai::EnergyVecEnv&, std::span<float>)>;
    const Policy rule = [](const ai::EnergyVecEnv& env, std::span<float> actions) {
      fixed_rule(env.observations(), actions);
    };
    const auto run = [&](const char* what, int copies, int threads, ai::EnergyEnvOptions options,
                         int decisions, const Policy& policy) {
      const auto start = std::chrono::steady_clock::now();
      ai::EnergyVecEnv env(scenario, options, copies, threads, 1);
      std::vector<float> actions(env.copies() * env.agents() * ai::kEnergyActions);
      for (int t = 0; t < decisions; ++t) {
        policy(env, actions);
        env.step(actions);
      }
      const double wall =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double steps = static_cast<double>(copies) * decisions;
      fmt::print("{},{},{},{},{:.3f},{:.1f},{:.2f}\n", what, copies, threads, decisions, wall,
                 steps / wall, steps * options.decision_s / 86400.0 / wall);
    };
    ai::EnergyEnvOptions options;
    options.episode_days = days;
    for (const int threads : threads_list) {
      for (const int copies : copies_list) {
        run("episodes", copies, threads, options, days * 96, rule);
      }
    }
    if (year) {
      ai::EnergyEnvOptions y = options;
      y.episode_days = 365;
      y.start_days = {0};
      run("year", 1, threads_list.back(), y, 365 * 96, rule);
#ifdef PARKTWIN_BENCH_SHIPPED_POLICY
      const auto shipped = ai::LearnedEnergyPolicy::load(
          std::string(PARKTWIN_SOURCE_DIR) + "/assets/policies/hangzhou_4x4_energy_ars");
      shipped->check(scenario, "shipped");
      shipped->configure(y);
      run("year_shipped_policy", 1, threads_list.back(), y, 365 * 96,
          [&](const ai::EnergyVecEnv& env, std::span<float> actions) {
            shipped->act(env.observations(), env.action_mask(), actions);
          });
#endif
    }
    return 0;
  });
}
