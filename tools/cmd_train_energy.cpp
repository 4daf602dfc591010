// parktwin train --control ...: learns an energy policy for a scenario's district (PPO with a
// Gaussian policy, ai/learn/energy_ppo.h; SAC, energy_sac.h; ARS, energy_ars.h) and writes it
// (TorchScript weights and a JSON card) with its learning curve (train.csv) to a folder. Training
// writes into OUT/.training and moves the files into OUT when it has finished, so a failed training
// leaves OUT as it was.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>

#include "ai/learn/energy_ars.h"
#include "ai/learn/energy_ppo.h"
#include "ai/learn/energy_sac.h"
#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "tools/cmd_eval_energy.h"
#include "tools/mpi_world.h"

namespace parktwin::cli {

namespace {

namespace fs = std::filesystem;

void write_energy_curve_csv(const std::vector<ai::EnergyTrainPoint>& curve, const fs::path& dir) {
  std::ofstream csv(dir / "train.csv");
  // Episode 0: the rules alone on the validation windows.
  csv << "episode,mean_reward,train_cost,validation_reward,validation_cost,validation_co2_kg,"
         "validation_discomfort_kh,validation_ev_unserved_kwh,wall_s\n";
  for (const ai::EnergyTrainPoint& p : curve) {
    csv << fmt::format("{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.3f}\n", p.episode,
                       p.mean_reward, p.train_cost, p.validation_reward, p.validation_cost,
                       p.validation_co2_kg, p.validation_discomfort_kh, p.validation_unserved_kwh,
                       p.wall_s);
  }
}

void write_ars_curve_csv(const std::vector<ai::EnergyArsPoint>& curve, const fs::path& dir) {
  std::ofstream csv(dir / "train.csv");
  // Iteration -1: the best rules on the validation windows (score 0 by definition).
  csv << "iteration,episodes,train_score,validation_score,validation_cost,validation_co2_kg,"
         "validation_discomfort_kh,validation_ev_unserved_kwh,validation_overload_h,wall_s\n";
  for (const ai::EnergyArsPoint& p : curve) {
    csv << fmt::format("{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.3f}\n",
                       p.iteration, p.episodes, p.train_score, p.validation_score,
                       p.validation_cost, p.validation_co2_kg, p.validation_discomfort_kh,
                       p.validation_unserved_kwh, p.validation_overload_h, p.wall_s);
  }
}

// Moves the finished policy's files from `work` into `out`, the card last: it names a whole
// policy.
void move_policy_into_place(const fs::path& work, const std::string& out) {
  std::error_code ec;
  for (const char* f : {ai::kWeightsFile, "train.csv", ai::kCardFile}) {
    fs::rename(work / f, fs::path(out) / f, ec);
    if (ec) {
      throw Error("cannot move the trained policy into place").in_file(out).found(ec.message());
    }
  }
  fs::remove_all(work, ec);
}

// ARS (ai/learn/energy_ars.h): a linear policy searched to beat the best rules on every count.
int run_energy_train_ars(const EnergyTrainArgs& a, const CommandContext& ctx,
                         const ai::EnergyEnvOptions& env, const fs::path& work) {
  ai::EnergyArsConfig c;
  c.env = env;
  c.iterations = a.iterations.value_or(c.iterations);
  c.directions = a.directions.value_or(c.directions);
  c.top = std::min(c.top, c.directions);
  c.seed = a.seed;
  const int rank_count = a.ranks != nullptr ? a.ranks->size() : 1;
  const bool root = a.ranks == nullptr || a.ranks->rank() == 0;
  // Under mpirun the ranks on one machine share it.
  c.threads = ctx.global.threads > 0
                  ? ctx.global.threads
                  : std::max(1, par::hardware_threads() / mpi::local_ranks(rank_count));
  const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(a.scenario);
  const ai::EnergyScenario scenario(scenarios::make_world(loaded.meta, loaded.net, loaded.demand),
                                    loaded.meta.duration_s, c.env.traffic_days);
  const nlohmann::json record = {{"scenario", fs::absolute(a.scenario).lexically_normal().string()},
                                 {"agent", "ars"},
                                 {"threads", c.threads},
                                 {"ranks", rank_count}};
  const int per_iteration = 2 * c.directions * c.windows + c.validation_runs;
  if (!a.quiet && root) {
    ctx.err << fmt::format(
        "training ars for {} control on {} ({} buildings): {} iterations of {} directions on {} "
        "windows of {} days ({} episodes each), rules for the rest {}, {} threads{}, seed {}\n"
        "finding the best rules on each window first ({} episodes)\n",
        ai::energy_control_name(c.env.control), a.scenario, scenario.buildings(), c.iterations,
        c.directions, c.windows, c.env.episode_days, per_iteration,
        ai::energy_rules_name(c.env.rules), c.threads,
        rank_count > 1 ? fmt::format(" on each of {} ranks", rank_count) : "", c.seed,
        (c.windows + c.validation_runs) * static_cast<int>(ai::all_energy_rules().size()));
    ctx.err.flush();
  }
  std::vector<ai::EnergyArsPoint> curve;
  double rules_wall_s = 0.0;
  const ai::EnergyArsResult r = ai::train_energy_ars(
      scenario, c, work.string(), record,
      [&](const ai::EnergyArsPoint& p) {
        curve.push_back(p);
        if (curve.size() == 1) curve.back().iteration = -1;
        write_ars_curve_csv(curve, work);
        if (a.quiet) return;
        if (curve.size() == 1) {
          rules_wall_s = p.wall_s;
          ctx.err << fmt::format(
              "the best rules on the validation windows: cost {:.0f} CO2 {:.0f} kg discomfort "
              "{:.1f} Kh unserved {:.1f} kWh overload {:.1f} h ({:.0f} s)\n",
              p.validation_cost, p.validation_co2_kg, p.validation_discomfort_kh,
              p.validation_unserved_kwh, p.validation_overload_h, p.wall_s);
          return;
        }
        const double per_it = p.iteration > 0 ? (p.wall_s - rules_wall_s) / (p.iteration + 1) : 0.0;
        ctx.err << fmt::format(
            "iteration {:>3}/{}  {:.1f} episodes/s  score: train {:>8.1f} validation {:>8.1f}  "
            "(cost {:.0f} CO2 {:.0f} kg discomfort {:.1f} Kh unserved {:.1f} kWh overload {:.1f} "
            "h)  ETA {:.0f} s\n",
            p.iteration, c.iterations, p.wall_s > 0 ? p.episodes / p.wall_s : 0.0, p.train_score,
            p.validation_score, p.validation_cost, p.validation_co2_kg, p.validation_discomfort_kh,
            p.validation_unserved_kwh, p.validation_overload_h,
            per_it * (c.iterations - p.iteration));
        ctx.err.flush();
      },
      a.ranks);
  if (!root) return exit_code::ok;  // rank 0 writes the files
  write_ars_curve_csv(curve, work);
  move_policy_into_place(work, a.out);
  ctx.out << fmt::format(
      "trained ars ({} control) in {:.0f} s: best validation score {:.1f} at iteration {} (points "
      "against the best rules: 1 per percent saved on cost, CO2 and overload hours, up to 1 "
      "each; -11 per percent lost on any count); {} episodes\n"
      "policy: {}/{} and {}; learning curve: train.csv\n",
      ai::energy_control_name(c.env.control), r.wall_s, r.best_validation_score, r.best_iteration,
      r.episodes, a.out, ai::kWeightsFile, ai::kCardFile);
  return exit_code::ok;
}

// PPO and SAC, which count episodes and validate their rewards: the progress lines, the
// learning curve and the policy moved into place. `train` runs the learner with the card's
// record of the run and the progress callback.
using EpisodeTrainer = std::function<ai::EnergyTrainResult(
    const nlohmann::json&, const std::function<void(const ai::EnergyTrainPoint&)>&)>;
int run_episode_learner(const EnergyTrainArgs& a, const CommandContext& ctx,
                        const ai::EnergyScenario& scenario, const ai::EnergyEnvOptions& env,
                        int episodes, int envs, int threads, std::uint64_t seed,
                        const fs::path& work, const EpisodeTrainer& train) {
  const nlohmann::json record = {{"scenario", fs::absolute(a.scenario).lexically_normal().string()},
                                 {"agent", a.agent},
                                 {"threads", threads}};
  if (!a.quiet) {
    ctx.err << fmt::format(
        "training {} for {} control on {} ({} buildings): {} episodes of {} days, {} copies, "
        "rules for the rest {}, {} threads, seed {}\n",
        a.agent, ai::energy_control_name(env.control), a.scenario, scenario.buildings(), episodes,
        env.episode_days, envs, ai::energy_rules_name(env.rules), threads, seed);
  }
  std::vector<ai::EnergyTrainPoint> curve;
  const ai::EnergyTrainResult r = train(record, [&](const ai::EnergyTrainPoint& p) {
    curve.push_back(p);
    write_energy_curve_csv(curve, work);
    if (a.quiet) return;
    if (p.episode == 0) {
      ctx.err << fmt::format(
          "the rules on the validation windows: reward {:.1f} cost {:.0f} CO2 {:.0f} kg "
          "discomfort {:.1f} Kh unserved {:.1f} kWh\n",
          p.validation_reward, p.validation_cost, p.validation_co2_kg, p.validation_discomfort_kh,
          p.validation_unserved_kwh);
      return;
    }
    const double eta =
        p.episode > 0 ? p.wall_s / p.episode * std::max(0, episodes - p.episode) : 0.0;
    ctx.err << fmt::format(
        "episode {:>4}/{}  {:.2f} episodes/min  reward {:>10.1f}  train cost {:>8.0f}  "
        "validation: reward {:>10.1f} cost {:>8.0f} CO2 {:>7.0f} kg discomfort {:>6.1f} Kh "
        "unserved {:>5.1f} kWh  ETA {:.0f} s\n",
        p.episode, episodes, p.wall_s > 0 ? p.episode / p.wall_s * 60.0 : 0.0, p.mean_reward,
        p.train_cost, p.validation_reward, p.validation_cost, p.validation_co2_kg,
        p.validation_discomfort_kh, p.validation_unserved_kwh, eta);
    ctx.err.flush();
  });
  write_energy_curve_csv(curve, work);
  move_policy_into_place(work, a.out);
  ctx.out << fmt::format(
      "trained {} ({} control) in {:.0f} s: best validation reward {:.1f} at episode {}; {} "
      "decisions, {} updates\n"
      "time: {:.0f} s stepping the copies, {:.0f} s learning, {:.0f} s validating\n"
      "policy: {}/{} and {}; learning curve: train.csv\n",
      a.agent, ai::energy_control_name(env.control), r.wall_s, r.best_validation_reward,
      r.best_episode, r.decisions, r.updates, r.env_s, r.learn_s, r.validate_s, a.out,
      ai::kWeightsFile, ai::kCardFile);
  return exit_code::ok;
}

// SAC (ai/learn/energy_sac.h), with PPO's flags where they mean the same.
int run_energy_train_sac(const EnergyTrainArgs& a, const CommandContext& ctx,
                         const ai::EnergyPpoConfig& ppo, const scenarios::RunMeta& meta,
                         const fs::path& work) {
  ai::EnergySacConfig c;
  c.env = ppo.env;
  c.episodes = a.episodes.value_or(c.episodes);
  c.envs = a.envs.value_or(c.envs);
  c.seed = a.seed;
  c.hidden = a.hidden;
  c.actor_lr = a.learning_rate.value_or(c.actor_lr);
  c.gamma = a.gamma.value_or(c.gamma);
  c.threads = ppo.threads;
  const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(a.scenario);
  const ai::EnergyScenario scenario(scenarios::make_world(loaded.meta, loaded.net, loaded.demand),
                                    meta.duration_s, c.env.traffic_days);
  return run_episode_learner(a, ctx, scenario, c.env, c.episodes, c.envs, c.threads, c.seed, work,
                             [&](const nlohmann::json& record, const auto& progress) {
                               return ai::train_energy_sac(scenario, c, work.string(), record,
                                                           progress);
                             });
}

}  // namespace

void check_energy_train(const EnergyTrainArgs& a) {
  if (a.agent != "ppo" && a.agent != "sac" && a.agent != "ars") {
    throw Error("no such energy learner")
        .field("--agent")
        .expected("ppo, sac or ars (dqn and colight learn signal control)")
        .found(a.agent);
  }
  if (a.agent != "ars" && (a.iterations || a.directions)) {
    throw Error("--iterations and --directions are ars settings")
        .field("--agent")
        .expected("ars")
        .found(a.agent);
  }
  if (a.agent == "ars" && (a.episodes || a.envs || a.learning_rate || a.gamma)) {
    throw Error("--episodes, --envs, --lr and --gamma are ppo and sac settings")
        .field("--agent")
        .expected("ppo or sac, or ars with --iterations and --directions")
        .found(a.agent);
  }
  std::error_code ec;
  if (fs::exists(fs::path(a.out) / ai::kCardFile, ec) && !a.force) {
    throw Error("the output folder holds a policy already")
        .in_file(a.out)
        .expected("another folder, or --force to replace it");
  }
  const scenarios::RunMeta meta = scenarios::run_meta_of(scenarios::load_manifest(a.scenario));
  if (!to_energy_env_options(a.energy, meta).control.any()) {
    throw Error("nothing to learn")
        .field("--control")
        .expected("hvac, battery, charging or energy");
  }
}

int run_energy_train(const EnergyTrainArgs& a, const CommandContext& ctx) {
  check_energy_train(a);
  const scenarios::Manifest manifest = scenarios::load_manifest(a.scenario);
  const scenarios::RunMeta meta = scenarios::run_meta_of(manifest);
  std::error_code ec;
  ai::EnergyPpoConfig c;
  c.env = to_energy_env_options(a.energy, meta);
  c.episodes = a.episodes.value_or(c.episodes);
  c.envs = a.envs.value_or(c.envs);
  c.seed = a.seed;
  c.hidden = a.hidden;
  c.learning_rate = a.learning_rate.value_or(c.learning_rate);
  c.gamma = a.gamma.value_or(c.gamma);
  c.threads = ctx.global.threads > 0 ? ctx.global.threads : par::hardware_threads();

  const fs::path work = fs::path(a.out) / ".training";
  if (a.ranks == nullptr || a.ranks->rank() == 0) {  // in a distributed training, rank 0 writes
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    if (ec || !fs::is_directory(work)) {
      throw Error("cannot create the output folder").in_file(a.out).found(ec.message());
    }
  }
  if (a.agent == "ars") return run_energy_train_ars(a, ctx, c.env, work);
  if (a.agent == "sac") return run_energy_train_sac(a, ctx, c, meta, work);
  const scenarios::ScenarioTraffic loaded = scenarios::load_scenario_traffic(a.scenario);
  const ai::EnergyScenario scenario(scenarios::make_world(loaded.meta, loaded.net, loaded.demand),
                                    meta.duration_s, c.env.traffic_days);
  return run_episode_learner(a, ctx, scenario, c.env, c.episodes, c.envs, c.threads, c.seed, work,
                             [&](const nlohmann::json& record, const auto& progress) {
                               return ai::train_energy_ppo(scenario, c, work.string(), record,
                                                           progress);
                             });
}

}  // namespace parktwin::cli
