#include "ai/energy_policy_card.h"

#include <fmt/format.h>

#include <filesystem>

#include "ai/policy_card.h"
#include "engine/error.h"
#include "engine/version.h"

namespace parktwin::ai {

namespace fs = std::filesystem;
using Json = nlohmann::json;

nlohmann::json energy_env_json(const EnergyEnvOptions& e) {
  return {{"control", energy_control_name(e.control)},
          {"rules", energy_rules_name(e.rules)},
          {"decision_s", e.decision_s},
          {"episode_days", e.episode_days},
          {"traffic_days", e.traffic_days},
          {"departure_noise_h", e.departure_noise_h},
          {"reward",
           {{"cost", e.reward.cost},
            {"co2", e.reward.co2},
            {"discomfort", e.reward.discomfort},
            {"unserved", e.reward.unserved},
            {"overload", e.reward.overload},
            {"scale", e.reward.scale}}}};
}

EnergyPolicyCard energy_card_for(const EnergyScenario& scenario, const EnergyEnvOptions& o) {
  EnergyPolicyCard c;
  c.control = energy_control_name(o.control);
  c.rules = energy_rules_name(o.rules);
  c.decision_s = o.decision_s;
  c.buildings = scenario.world().buildings()->stock().id;
  c.reward = o.reward;
  c.parktwin_version = fmt::format("{} ({})", version(), git_hash());
  return c;
}

void write_energy_card(const EnergyPolicyCard& c, const std::string& dir) {
  Json j;
  j["format"] = kEnergyPolicyFormat;
  j["format_version"] = kEnergyPolicyFormatVersion;
  j["parktwin_version"] = c.parktwin_version;
  j["agent"] = c.agent;
  j["model"] = {{"features", c.features},
                {"feature_count", c.feature_count},
                {"action_count", c.action_count},
                {"hidden", c.hidden}};
  j["control"] = {{"drives", c.control}, {"rules", c.rules}, {"decision_s", c.decision_s}};
  j["district"] = {{"buildings", c.buildings}};
  j["reward"] = {{"cost", c.reward.cost},
                 {"co2", c.reward.co2},
                 {"discomfort", c.reward.discomfort},
                 {"unserved", c.reward.unserved},
                 {"overload", c.reward.overload},
                 {"scale", c.reward.scale}};
  j["weights"] = kWeightsFile;
  j["training"] = c.training;
  write_card_json(j, dir);
}

EnergyPolicyCard read_energy_card(const std::string& dir) {
  const std::string p = (fs::path(dir) / kCardFile).string();
  const Json j = read_card_json(dir, kEnergyPolicyFormat, kEnergyPolicyFormatVersion);
  EnergyPolicyCard c;
  c.parktwin_version = card_field<std::string>(j, "parktwin_version", p, "a string");
  c.agent = card_field<std::string>(j, "agent", p, "a string");
  c.features = card_field<std::string>(j, "model.features", p, "a string");
  c.feature_count = card_field<int>(j, "model.feature_count", p, "an integer");
  c.action_count = card_field<int>(j, "model.action_count", p, "an integer");
  if (c.features != kEnergyFeatureLayout || c.feature_count != static_cast<int>(kEnergyFeatures) ||
      c.action_count != static_cast<int>(kEnergyActions)) {
    throw Error("energy policy expects another observation or action layout")
        .in_file(p)
        .field("model")
        .expected(fmt::format("\"{}\" with {} features and {} actions (this build's)",
                              kEnergyFeatureLayout, kEnergyFeatures, kEnergyActions))
        .found(fmt::format("\"{}\" with {} features and {} actions", c.features, c.feature_count,
                           c.action_count));
  }
  c.hidden = card_field<std::vector<int>>(j, "model.hidden", p, "an array of layer widths");
  for (const int h : c.hidden) {
    if (h < 1 || h > 65536) {
      throw Error("bad hidden layer width")
          .in_file(p)
          .field("model.hidden")
          .found(std::to_string(h));
    }
  }
  c.control = card_field<std::string>(j, "control.drives", p, "hvac, battery, charging or energy");
  EnergyControl control;
  if (!parse_energy_control(c.control, control) || !control.any()) {
    throw Error("energy policy controls nothing known")
        .in_file(p)
        .field("control.drives")
        .expected("hvac, battery, charging or energy")
        .found(c.control);
  }
  c.rules = card_field<std::string>(j, "control.rules", p, "BATTERY+CHARGING+HVAC");
  c.decision_s = card_field<double>(j, "control.decision_s", p, "seconds > 0");
  if (!(c.decision_s > 0.0)) {
    throw Error("bad decision interval in the policy card")
        .in_file(p)
        .field("control.decision_s")
        .expected("seconds > 0")
        .found(fmt::format("{}", c.decision_s));
  }
  c.buildings = card_field<std::vector<std::string>>(j, "district.buildings", p, "building ids");
  c.reward.cost = card_field<double>(j, "reward.cost", p, "a number");
  c.reward.co2 = card_field<double>(j, "reward.co2", p, "a number");
  c.reward.discomfort = card_field<double>(j, "reward.discomfort", p, "a number");
  c.reward.unserved = card_field<double>(j, "reward.unserved", p, "a number");
  c.reward.overload = card_field<double>(j, "reward.overload", p, "a number");
  c.reward.scale = card_field<double>(j, "reward.scale", p, "a number");
  if (j.contains("training")) c.training = j["training"];
  return c;
}

}  // namespace parktwin::ai
