#pragma once
// Options of the energy environment that `parktwin train --control ...` and `parktwin eval
// --control ...` share (ai/energy_env.h): what the agent drives, the rules for the rest, the
// episode windows and the reward weights. One reader, so the two commands cannot drift apart.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_file.h"

namespace parktwin::cli {

struct EnergyCliOptions {
  std::string control;  // empty: signal control (the commands' other mode)
  std::string rules;    // empty: the scenario's battery and charging policies, HVAC schedule
  double decision_s = ai::EnergyEnvOptions{}.decision_s;
  int episode_days = ai::EnergyEnvOptions{}.episode_days;
  int traffic_days = ai::EnergyEnvOptions{}.traffic_days;
  double departure_noise_h = ai::EnergyEnvOptions{}.departure_noise_h;
  ai::EnergyRewardWeights reward;

  bool active() const { return !control.empty(); }
};

// "BATTERY+CHARGING+HVAC" (e.g. "time_of_use+immediate+schedule"); throws parktwin::Error
// naming `field` for a name that is not one.
inline ai::EnergyRules parse_energy_rules(const std::string& text, const char* field) {
  const auto bad = [&] {
    return Error("unknown energy rules")
        .field(field)
        .expected(
            "BATTERY+CHARGING+HVAC: battery idle, self_consumption, time_of_use or peak_shaving; "
            "charging immediate, delayed, edf or llf; HVAC schedule or precool")
        .found(text);
  };
  ai::EnergyRules r;
  if (!ai::parse_energy_rules(text, r)) throw bad();
  return r;
}

// The scenario's own rules: its [controllers] batteries and charging, the HVAC schedule.
inline ai::EnergyRules scenario_rules(const scenarios::RunMeta& meta) {
  ai::EnergyRules r;
  energy::parse_battery_policy(meta.controllers.batteries, r.batteries);
  energy::parse_charging_policy(meta.controllers.charging, r.charging);
  return r;
}

inline ai::EnergyEnvOptions to_energy_env_options(const EnergyCliOptions& o,
                                                  const scenarios::RunMeta& meta) {
  ai::EnergyEnvOptions e;
  if (!ai::parse_energy_control(o.control, e.control)) {
    throw Error("unknown energy control")
        .field("--control")
        .expected("hvac, battery, charging, a + of them, energy or none")
        .found(o.control);
  }
  e.rules = o.rules.empty() ? scenario_rules(meta) : parse_energy_rules(o.rules, "--rules");
  e.decision_s = o.decision_s;
  e.episode_days = o.episode_days;
  e.traffic_days = o.traffic_days;
  e.departure_noise_h = o.departure_noise_h;
  e.reward = o.reward;
  return e;
}

inline void add_energy_options(CLI::App& sub, EnergyCliOptions& o) {
  const char* group = "Energy control (with --control)";
  sub.add_option("--control", o.control,
                 "energy control instead of signals: hvac, battery, charging, two of them "
                 "joined by + (hvac+charging) or energy (all three); eval also takes none "
                 "(rules only)")
      ->check(CLI::Validator(
          [](const std::string& v) {
            ai::EnergyControl c;
            return ai::parse_energy_control(v, c)
                       ? std::string()
                       : "expected hvac, battery, charging, a + of them, energy or none";
          },
          "CONTROL"))
      ->group(group);
  sub.add_option("--rules", o.rules,
                 "rules, BATTERY+CHARGING+HVAC: what the agent does not drive, and what its "
                 "actions near zero hand back to (default: the scenario's batteries and "
                 "charging, HVAC schedule)")
      ->group(group);
  sub.add_option("--decision-interval", o.decision_s, "s between energy decisions")
      ->check(CLI::Range(60.0, 86400.0))
      ->group(group);
  sub.add_option("--episode-days", o.episode_days, "days per energy episode")
      ->check(CLI::Range(1, 366))
      ->group(group);
  sub.add_option("--traffic-days", o.traffic_days,
                 "days of the scenario's traffic simulated and replayed for the EVs")
      ->check(CLI::Range(1, 366))
      ->group(group);
  sub.add_option("--departure-noise", o.departure_noise_h,
                 "h, standard deviation of the agent's EV departure forecast error")
      ->check(CLI::Range(0.0, 24.0))
      ->group(group);
  sub.add_option("--w-cost", o.reward.cost, "reward weight per unit of electricity cost")
      ->check(CLI::Range(0.0, 1e6))
      ->group(group);
  sub.add_option("--w-co2", o.reward.co2, "reward weight per kg CO2")
      ->check(CLI::Range(0.0, 1e6))
      ->group(group);
  sub.add_option("--w-discomfort", o.reward.discomfort, "reward weight per degree-hour")
      ->check(CLI::Range(0.0, 1e6))
      ->group(group);
  sub.add_option("--w-unserved", o.reward.unserved, "reward weight per kWh an EV left without")
      ->check(CLI::Range(0.0, 1e6))
      ->group(group);
  sub.add_option("--w-overload", o.reward.overload,
                 "reward weight per kWh beyond a feeder's capacity (each building's share)")
      ->check(CLI::Range(0.0, 1e6))
      ->group(group);
}

}  // namespace parktwin::cli
