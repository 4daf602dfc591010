#pragma once
// Options of the learning environment that `parktwin train` and `parktwin eval` share: the
// decision interval, the reward, the signal timing rules, the demand's days (scales, jitter)
// and the episode length. One reader, so the two commands cannot drift apart.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "ai/signal_env.h"
#include "scenarios/manifest.h"
#include "sim/traffic/signal_surface.h"

namespace parktwin::cli {

struct LearningEnvOptions {
  double decision_s = ai::EnvOptions{}.decision_s;
  std::string reward = "queue";
  std::optional<double> min_green_s, max_green_s;  // the scenario's [controllers] otherwise
  std::vector<double> demand_scales{1.0};
  double jitter_s = ai::EnvOptions{}.jitter_s;
  std::optional<double> episode_s;  // the scenario's duration otherwise
  double neighbour_reward = ai::EnvOptions{}.neighbour_reward;

  ai::EnvOptions to_env_options(const scenarios::RunMeta& meta) const {
    ai::EnvOptions e;
    e.decision_s = decision_s;
    traffic::parse_reward_kind(reward, e.reward);  // checked by the option's validator
    e.min_green_s = min_green_s.value_or(meta.controllers.min_green_s);
    e.max_green_s = max_green_s.value_or(meta.controllers.max_green_s);
    e.demand_scales = demand_scales;
    e.jitter_s = jitter_s;
    e.episode_s = episode_s.value_or(meta.duration_s);
    e.neighbour_reward = neighbour_reward;
    return e;
  }
};

inline void add_learning_env_options(CLI::App& sub, LearningEnvOptions& o) {
  sub.add_option("--decision", o.decision_s, "seconds between an agent's decisions")
      ->check(CLI::Range(0.1, 3600.0));
  sub.add_option("--reward", o.reward, "reward: queue, pressure, wait_change or delay")
      ->check(CLI::IsMember({"queue", "pressure", "wait_change", "delay"}));
  sub.add_option("--min-green", o.min_green_s, "s a green runs at least (default: the scenario's)")
      ->check(CLI::Range(0.0, 3600.0));
  sub.add_option("--max-green", o.max_green_s,
                 "s after which a green is ended (default: the scenario's)")
      ->check(CLI::Range(0.0, 86400.0));
  sub.add_option("--demand-scale", o.demand_scales,
                 "demand scales of the episodes, comma-separated (e.g. 0.8,1.0,1.2)")
      ->delimiter(',')
      ->check(CLI::Range(0.0, 100.0));
  sub.add_option("--jitter", o.jitter_s, "s each departure moves at most, per seed (another day)")
      ->check(CLI::Range(0.0, 86400.0));
  sub.add_option("--neighbour-reward", o.neighbour_reward,
                 "weight of the neighbours' mean reward added to an agent's own")
      ->check(CLI::Range(0.0, 10.0));
  sub.add_option("--episode-length", o.episode_s,
                 "simulated s per episode (default: the scenario's duration)")
      ->check(CLI::Range(1.0, 86400.0 * 366));
}

}  // namespace parktwin::cli
