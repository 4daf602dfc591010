// Training throughput of the signal learners (ai/learn/dqn.h): a short training of each model
// (phase MLP, CoLight-style attention) on a scenario, with 1 and 2 threads for the copies.
// One CSV line per case: scenario, model, copies, threads, episodes, wall s, environment
// steps (decisions x copies) per s, transitions (one per agent and decision) per s, gradient
// steps per s, where the time went, best validation ATT. The weights go to a temporary folder.

#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ai/learn/dqn.h"
#include "bench_cli.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "scenarios/traffic_inputs.h"

using namespace parktwin;

int main(int argc, char** argv) {
  CLI::App app{"Training throughput of the signal learners"};
  std::string manifest =
      std::string(PARKTWIN_SOURCE_DIR) + "/assets/scenarios/hangzhou_4x4/scenario.toml";
  int episodes = 16, envs = 8;
  std::vector<int> threads_list{1, 2};
  std::vector<std::string> models{"phase_q_mlp", "colight"};
  app.add_option("--scenario", manifest, "scenario manifest")->check(CLI::ExistingFile);
  app.add_option("--episodes", episodes, "episodes per case")->check(CLI::Range(1, 100000));
  app.add_option("--envs", envs, "environment copies")->check(CLI::Range(1, 1024));
  app.add_option("--threads", threads_list, "thread counts")->check(CLI::Range(1, 1024));
  app.add_option("--models", models, "phase_q_mlp and/or colight")
      ->check(CLI::IsMember({"phase_q_mlp", "colight"}));
  if (const int rc = bench::parse_command_line(app, argc, argv); rc >= 0) return rc;

  return bench::run_reporting_errors("bench_learn", [&] {
    const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(manifest);
    const auto& [meta, net, demand] = loaded;
    const traffic::TrafficConfig traffic = loaded.config();
    const std::string scenario = std::filesystem::path(manifest).parent_path().filename().string();
    const std::filesystem::path out =
        std::filesystem::temp_directory_path() / "parktwin_bench_learn";
    fmt::print(
        "scenario,model,copies,threads,episodes,wall_s,env_steps_per_s,transitions_per_s,"
        "updates_per_s,env_s,act_s,learn_s,validate_s,best_validation_att_s\n");
    for (const std::string& model : models) {
      for (const int threads : threads_list) {
        ai::DqnConfig c;
        c.model = model;
        c.episodes = episodes;
        c.envs = envs;
        c.threads = threads;
        c.env.episode_s = meta.duration_s;
        const ai::TrainResult r = ai::train_dqn(net, demand, traffic, c, out.string(), {}, {});
        fmt::print(
            "{},{},{},{},{},{:.1f},{:.0f},{:.0f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f}\n",
            scenario, model, envs, threads, episodes, r.wall_s,
            static_cast<double>(r.decisions) / r.wall_s,
            static_cast<double>(r.transitions) / r.wall_s,
            static_cast<double>(r.updates) / r.wall_s, r.env_s, r.act_s, r.learn_s, r.validate_s,
            r.best_validation_att_s);
        std::fflush(stdout);
      }
    }
    std::filesystem::remove_all(out);
    return 0;
  });
}
