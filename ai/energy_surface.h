#pragma once
// What an energy agent sees and does, on any district's buildings and electricity: the
// observations (kEnergyFeatures per building), the actions (kEnergyActions per building) and
// the rules for what it does not drive. Shared by the training environment (ai/energy_env.h,
// where the layout of both is documented) and a trained policy running in a World
// (ai/learn/energy_agent.h), so that a policy sees in a run exactly what it saw in training.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/buildings/buildings_sim.h"
#include "sim/energy/energy_sim.h"

namespace parktwin::ai {

inline constexpr std::size_t kEnergyFeatures = 28;
inline constexpr std::size_t kEnergyActions = 3;
inline constexpr double kHvacOffsetMaxK = 2.0;
inline constexpr double kHvacOffsetDeadbandK = 0.25;
inline constexpr double kActionDeadband = 0.125;

// Which parts the agent drives (`--control hvac|battery|charging|energy`).
struct EnergyControl {
  bool hvac = false, battery = false, charging = false;
  bool any() const { return hvac || battery || charging; }
};
// "hvac", "battery", "charging", several of them joined by '+' ("hvac+charging"), "energy" (all
// three) or "none"; false if unknown.
bool parse_energy_control(std::string_view name, EnergyControl& out);
std::string energy_control_name(const EnergyControl& c);

// The rule-based controllers: a battery and a charging policy of the energy module, and an
// HVAC rule.
//   schedule: the archetype's set-points and set-back;
//   precool:  on days that need cooling (outdoor above kPrecoolOutdoorC at the peak's start),
//             buildings occupied when the tariff's peak period begins cool to kPrecoolDropK
//             below their set-point in the kPrecoolHours before it, so that their mass carries
//             part of the cooling into the peak (pre-cooling: Braun, "Load control using
//             building thermal mass", J. Solar Energy Eng. 125 (2003); Xu, Haves, Piette &
//             Braun, "Peak demand reduction from pre-cooling with zone temperature reset in an
//             office building", LBNL 2004; recalled, not verified).
enum class HvacRule : std::uint8_t { schedule, precool };
bool parse_hvac_rule(std::string_view name, HvacRule& out);
const char* hvac_rule_name(HvacRule r);
inline constexpr double kPrecoolHours = 2.0;
inline constexpr double kPrecoolDropK = 2.0;
inline constexpr double kPrecoolOutdoorC = 26.0;

struct EnergyRules {
  energy::BatteryPolicy batteries = energy::BatteryPolicy::time_of_use;
  energy::ChargingPolicy charging = energy::ChargingPolicy::immediate;
  HvacRule hvac = HvacRule::schedule;
};
std::string energy_rules_name(const EnergyRules& r);  // "time_of_use+immediate+schedule"
// The rules of a name "BATTERY+CHARGING+HVAC" (as energy_rules_name writes); false if it is not
// one.
bool parse_energy_rules(std::string_view text, EnergyRules& out);

// Which actions act (1) for each building (agents x kEnergyActions): a battery's where it has
// one, charging's where it has chargers, HVAC's everywhere, each only if `control` drives it.
void energy_action_mask(const energy::DistrictAssets& assets, const EnergyControl& control,
                        std::span<std::uint8_t> mask);

// The departure times an agent is told: each charging session's true departure plus an error
// drawn (seeded, per session) with a standard deviation of noise_h hours.
struct DepartureForecast {
  std::uint64_t seed = 0;
  double noise_h = 0.5;
};

// The observations of every building now (agents x kEnergyFeatures), at the buildings' time.
void observe_energy(const buildings::BuildingsSim& bs, const energy::EnergySim& es,
                    const DepartureForecast& forecast, std::span<float> out);

// Applies actions (agents x kEnergyActions, each clipped to [-1, 1]) where `mask` lets them
// act, and the HVAC rule `hvac` for the rest; batteries and charging not driven keep the
// EnergySim's own policies.
void apply_energy_actions(buildings::BuildingsSim& bs, energy::EnergySim& es,
                          const EnergyControl& control, HvacRule hvac,
                          std::span<const std::uint8_t> mask, std::span<const float> actions);

}  // namespace parktwin::ai
