// A trained energy policy running a World's district. See energy_agent.h.

#include "ai/learn/energy_agent.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "ai/policy_card.h"
#include "engine/error.h"

namespace parktwin::ai {

namespace fs = std::filesystem;

namespace {

// The departure forecast's error the policy was trained with (its card's environment
// settings; the environment's default for a card without them).
double trained_departure_noise_h(const EnergyPolicyCard& card) {
  const nlohmann::json& t = card.training;
  if (t.contains("settings") && t["settings"].is_object() && t["settings"].contains("env") &&
      t["settings"]["env"].is_object()) {
    const nlohmann::json& env = t["settings"]["env"];
    if (env.contains("departure_noise_h") && env["departure_noise_h"].is_number()) {
      return env["departure_noise_h"].get<double>();
    }
  }
  return EnergyEnvOptions{}.departure_noise_h;
}

}  // namespace

LearnedEnergyAgent::LearnedEnergyAgent(std::shared_ptr<const LearnedEnergyPolicy> policy,
                                       World& world)
    : policy_(std::move(policy)) {
  const std::string card_path = (fs::path(policy_->dir()) / kCardFile).string();
  if (world.buildings() == nullptr || world.energy() == nullptr) {
    throw Error("an energy policy needs a district")
        .in_file(card_path)
        .expected("a scenario with [buildings] and [energy]");
  }
  policy_->check_district(world.buildings()->stock().id, policy_->dir());
  policy_->configure(options_);
  // What the policy does not drive runs by the rules it was trained beside: the scenario must
  // say the same, or the policy would act on a district it never saw.
  const energy::EnergyConfig& ec = world.energy()->config();
  if (ec.batteries != options_.rules.batteries || ec.charging != options_.rules.charging) {
    throw Error("the scenario's battery or charging policy differs from the energy policy's rules")
        .in_file(card_path)
        .field("control.rules")
        .expected(fmt::format("[controllers] batteries = \"{}\", charging = \"{}\" (its rules: {})",
                              energy::battery_policy_name(options_.rules.batteries),
                              energy::charging_policy_name(options_.rules.charging),
                              policy_->card().rules))
        .found(fmt::format("batteries = \"{}\", charging = \"{}\"",
                           energy::battery_policy_name(ec.batteries),
                           energy::charging_policy_name(ec.charging)));
  }
  const double building_s = world.buildings()->time_step_s();
  const double per_building = options_.decision_s / building_s;
  const double per_step = options_.decision_s / world.traffic().config().step_s;
  if (!(per_building >= 1.0) || per_building != std::floor(per_building) ||
      std::abs(per_step - std::round(per_step)) > 1e-9) {
    throw Error("the energy policy's decision interval is not a whole number of building steps")
        .in_file(card_path)
        .field("control.decision_s")
        .expected(fmt::format("a multiple of the scenario's building step ({} s)", building_s))
        .found(fmt::format("{} s", options_.decision_s));
  }
  interval_steps_ = std::llround(per_step);
  forecast_ = {world.traffic().config().seed, trained_departure_noise_h(policy_->card())};
  const std::size_t agents = world.energy()->assets().buildings();
  mask_.assign(agents * kEnergyActions, 0);
  energy_action_mask(world.energy()->assets(), options_.control, mask_);
  obs_.assign(agents * kEnergyFeatures, 0.0f);
  actions_.assign(agents * kEnergyActions, 0.0f);
}

void LearnedEnergyAgent::act(World& world) {
  if (world.traffic().state().step % interval_steps_ != 0) return;
  buildings::BuildingsSim& bs = *world.buildings();
  energy::EnergySim& es = *world.energy();
  observe_energy(bs, es, forecast_, obs_);
  policy_->act(obs_, mask_, actions_);
  apply_energy_actions(bs, es, options_.control, options_.rules.hvac, mask_, actions_);
}

}  // namespace parktwin::ai
