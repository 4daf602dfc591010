// What an energy agent sees and does. See energy_surface.h.

#include "ai/energy_surface.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/assert.h"
#include "engine/calendar.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

// The departure forecast's stream; 503 as in the environment's first layout (energy_env.cpp
// draws 501 and 502), so that trained policies see the same errors.
enum class EnergyStream : std::uint32_t { departure = 503 };

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kForecastHours = 4.0;  // price and carbon averaged over the next hours
constexpr double kSampleS = 900.0;      // their sampling

struct NamedRule {
  const char* name;
  HvacRule rule;
};
constexpr NamedRule kHvacRules[] = {{"schedule", HvacRule::schedule},
                                    {"precool", HvacRule::precool}};

double tariff_price_at(const energy::Tariff& tariff, const LocalClock& clock, double t_s) {
  const LocalTime lt = clock.at_time(t_s);
  return tariff.price(tariff.period(lt.date.month, static_cast<int>(lt.second_of_day / 60.0)));
}

bool peak_at(const energy::Tariff& tariff, const LocalClock& clock, double t_s) {
  const LocalTime lt = clock.at_time(t_s);
  return tariff.period(lt.date.month, static_cast<int>(lt.second_of_day / 60.0)) ==
         energy::TouPeriod::peak;
}

// Seconds from t_s to the start of the next peak period (0 inside one), sampled every 15
// minutes over a day; +inf without one.
double to_next_peak_s(const energy::Tariff& tariff, const LocalClock& clock, double t_s) {
  for (double ahead = 0.0; ahead <= 86400.0; ahead += kSampleS) {
    if (peak_at(tariff, clock, t_s + ahead)) return ahead;
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace

bool parse_energy_control(std::string_view name, EnergyControl& out) {
  if (name == "energy") {
    out = {true, true, true};
    return true;
  }
  if (name == "none") {
    out = {};
    return true;
  }
  // One part or several joined by '+' (as energy_control_name writes them), each once.
  EnergyControl c;
  while (true) {
    const std::size_t plus = name.find('+');
    const std::string_view part = name.substr(0, plus);
    bool* flag = part == "hvac"       ? &c.hvac
                 : part == "battery"  ? &c.battery
                 : part == "charging" ? &c.charging
                                      : nullptr;
    if (flag == nullptr || *flag) return false;
    *flag = true;
    if (plus == std::string_view::npos) break;
    name.remove_prefix(plus + 1);
  }
  out = c;
  return true;
}

std::string energy_control_name(const EnergyControl& c) {
  if (c.hvac && c.battery && c.charging) return "energy";
  std::string out;
  for (const auto& [on, name] : {std::pair{c.hvac, "hvac"}, std::pair{c.battery, "battery"},
                                 std::pair{c.charging, "charging"}}) {
    if (!on) continue;
    if (!out.empty()) out += "+";
    out += name;
  }
  return out.empty() ? "none" : out;
}

bool parse_hvac_rule(std::string_view name, HvacRule& out) {
  for (const NamedRule& r : kHvacRules) {
    if (name == r.name) {
      out = r.rule;
      return true;
    }
  }
  return false;
}

const char* hvac_rule_name(HvacRule r) {
  for (const NamedRule& n : kHvacRules) {
    if (n.rule == r) return n.name;
  }
  return "?";
}

std::string energy_rules_name(const EnergyRules& r) {
  return fmt::format("{}+{}+{}", energy::battery_policy_name(r.batteries),
                     energy::charging_policy_name(r.charging), hvac_rule_name(r.hvac));
}

bool parse_energy_rules(std::string_view text, EnergyRules& out) {
  const auto p1 = text.find('+');
  const auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos || text.find('+', p2 + 1) != std::string_view::npos) {
    return false;
  }
  EnergyRules r;
  if (!energy::parse_battery_policy(text.substr(0, p1), r.batteries) ||
      !energy::parse_charging_policy(text.substr(p1 + 1, p2 - p1 - 1), r.charging) ||
      !parse_hvac_rule(text.substr(p2 + 1), r.hvac)) {
    return false;
  }
  out = r;
  return true;
}

void energy_action_mask(const energy::DistrictAssets& assets, const EnergyControl& control,
                        std::span<std::uint8_t> mask) {
  const std::size_t agents = assets.buildings();
  PT_ASSERT(mask.size() == agents * kEnergyActions, "energy action mask of the wrong size");
  for (std::size_t b = 0; b < agents; ++b) {
    mask[b * kEnergyActions + 0] = control.battery && assets.battery[b].capacity_kwh > 0;
    mask[b * kEnergyActions + 1] = control.charging && assets.chargers[b] > 0;
    mask[b * kEnergyActions + 2] = control.hvac;
  }
}

void apply_energy_actions(buildings::BuildingsSim& bs, energy::EnergySim& es,
                          const EnergyControl& control, HvacRule hvac,
                          std::span<const std::uint8_t> mask, std::span<const float> actions) {
  const energy::DistrictAssets& assets = es.assets();
  const buildings::BuildingsConfig& bc = bs.config();
  const std::size_t agents = assets.buildings();
  PT_ASSERT(mask.size() == agents * kEnergyActions && actions.size() == mask.size(),
            "energy actions and mask of the wrong size");
  const double t = bs.time_s();
  const double t_mid = t + 0.5 * bs.time_step_s();

  // precool: the site's decision (a peak begins within the window and the day is hot).
  bool precool = false;
  double peak_start_s = 0.0;
  if (hvac == HvacRule::precool) {
    const double ahead = to_next_peak_s(es.tariff(), es.config().clock, t);
    peak_start_s = t + ahead;
    precool =
        ahead > 0.0 && ahead <= kPrecoolHours * 3600.0 &&
        bs.weather_at(peak_start_s).dry_bulb_c + bs.state().outdoor_offset_c > kPrecoolOutdoorC;
  }
  const auto clip = [](float x) { return std::clamp(static_cast<double>(x), -1.0, 1.0); };
  for (std::size_t b = 0; b < agents; ++b) {
    const float* a = actions.data() + b * kEnergyActions;
    const auto bi = static_cast<std::uint32_t>(b);
    // Within the dead band an action hands its asset to the rule (NaN), so that a policy of
    // zeros is the rules and a learner starts from them (residual policy learning).
    if (mask[b * kEnergyActions + 0]) {
      const double x = clip(a[0]);
      es.set_battery_power(
          bi, std::abs(x) < kActionDeadband ? kNaN : x * assets.battery[b].power_kw * 1000.0);
    }
    if (mask[b * kEnergyActions + 1]) {
      const double x = clip(a[1]);
      const double full_w = es.charging_cap_max_w(bi);
      es.set_charging_cap(
          bi, std::abs(x) < kActionDeadband
                  ? kNaN
                  : (x >= kActionDeadband
                         ? full_w
                         : std::min(full_w, (x + 1.0) / (1.0 - kActionDeadband) * full_w)));
    }
    // The HVAC rule's set-points (NaN: the schedule's) ...
    double heating = kNaN, cooling = kNaN;
    if (precool && bs.schedule_at(b, peak_start_s + 1.0).occupied) {
      const buildings::BuildingsSim::Schedule at_peak = bs.schedule_at(b, peak_start_s + 1.0);
      cooling = std::clamp(at_peak.cooling_c - kPrecoolDropK, bc.agent_cooling_min_c,
                           bc.agent_cooling_max_c);
      heating = std::min(cooling, std::clamp(bs.schedule_at(b, t_mid).heating_c,
                                             bc.agent_heating_min_c, bc.agent_heating_max_c));
    }
    // ... moved by the agent's offset where it acts.
    const double offset = control.hvac ? clip(a[2]) * kHvacOffsetMaxK : 0.0;
    const buildings::BuildingsSim::Schedule sched = bs.schedule_at(b, t_mid);
    const bool in_use =
        sched.occupied || bs.schedule_at(b, t_mid + kPrecoolHours * 3600.0).occupied;
    if (std::abs(offset) >= kHvacOffsetDeadbandK && in_use) {
      // While occupied, within the comfort band: what a raise would save comes back as
      // discomfort (the band is the comfort KPI's), which a learner was seen to trade away.
      const buildings::BuildingStock& k = bs.stock();
      const double cool_max = sched.occupied
                                  ? std::min<double>(bc.agent_cooling_max_c, k.comfort_high_c[b])
                                  : bc.agent_cooling_max_c;
      const double heat_min = sched.occupied
                                  ? std::max<double>(bc.agent_heating_min_c, k.comfort_low_c[b])
                                  : bc.agent_heating_min_c;
      const double base_cooling = std::isnan(cooling) ? sched.cooling_c : cooling;
      const double base_heating = std::isnan(heating) ? sched.heating_c : heating;
      cooling = std::clamp(base_cooling + offset, bc.agent_cooling_min_c,
                           std::max<double>(bc.agent_cooling_min_c, cool_max));
      heating = std::min(cooling, std::clamp(base_heating + offset, heat_min,
                                             std::max(heat_min, bc.agent_heating_max_c)));
    }
    if (control.hvac || hvac == HvacRule::precool) {
      bs.set_hvac_setpoints(b, heating, cooling);
    }
  }
}

void observe_energy(const buildings::BuildingsSim& bs, const energy::EnergySim& es,
                    const DepartureForecast& forecast, std::span<float> out) {
  const energy::DistrictAssets& assets = es.assets();
  const std::size_t agents = assets.buildings();
  PT_ASSERT(out.size() == agents * kEnergyFeatures, "energy observations of the wrong size");
  const energy::Tariff& tariff = es.tariff();
  const LocalClock& clock = es.config().clock;
  const double t = bs.time_s();
  const LocalTime lt = clock.at_time(t);
  const double phase = 2.0 * 3.14159265358979323846 * lt.second_of_day / 86400.0;
  const double offset_c = bs.state().outdoor_offset_c;
  const energy::WeatherNow w0 = bs.weather_at(t), w1 = bs.weather_at(t + 3600.0),
                           w3 = bs.weather_at(t + 3 * 3600.0);
  const double max_price =
      *std::max_element(tariff.price_per_kwh.begin(), tariff.price_per_kwh.end());
  const double price_scale = max_price > 0.0 ? 1.0 / max_price : 0.0;
  double price_ahead = 0.0, carbon_ahead = 0.0;
  const int samples = static_cast<int>(kForecastHours * 3600.0 / kSampleS);
  for (int k = 1; k <= samples; ++k) {
    price_ahead += tariff_price_at(tariff, clock, t + k * kSampleS);
    carbon_ahead += es.carbon_kg_per_kwh_at(t + k * kSampleS);
  }
  const double to_peak_h = to_next_peak_s(tariff, clock, t) / 3600.0;
  const float site[] = {
      static_cast<float>(std::sin(phase)),
      static_cast<float>(std::cos(phase)),
      lt.weekday >= 5 ? 1.0f : 0.0f,
      static_cast<float>((w0.dry_bulb_c + offset_c) / 30.0),
      static_cast<float>((w3.dry_bulb_c + offset_c) / 30.0),
      static_cast<float>(w0.ghi_wm2 / 1000.0),
      static_cast<float>(w1.ghi_wm2 / 1000.0),
  };

  // The EVs at each car park (scratch in the output: filled per building below).
  const energy::ChargingSessions& ss = es.state().sessions;
  for (std::size_t b = 0; b < agents; ++b) {
    float* o = out.data() + b * kEnergyFeatures;
    std::copy(std::begin(site), std::end(site), o);
    const buildings::BuildingsSim::Schedule now = bs.schedule_at(b, t + 0.5 * bs.time_step_s());
    const double op = bs.state().operative_c[b];
    o[7] = static_cast<float>((op - now.cooling_c) / 5.0);
    o[8] = static_cast<float>((now.heating_c - op) / 5.0);
    o[9] = now.occupied ? 1.0f : 0.0f;
    o[10] = bs.schedule_at(b, t + 3600.0).occupied ? 1.0f : 0.0f;
    o[11] = bs.schedule_at(b, t + 7200.0).occupied ? 1.0f : 0.0f;
    o[12] = static_cast<float>(tariff_price_at(tariff, clock, t) * price_scale);
    o[13] = static_cast<float>(price_ahead / samples * price_scale);
    o[14] = static_cast<float>(std::min(1.0, to_peak_h / 12.0));
    o[15] = static_cast<float>(es.carbon_kg_per_kwh_at(t) / 0.6);
    o[16] = static_cast<float>(carbon_ahead / samples / 0.6);
    const energy::BatterySpec& bat = assets.battery[b];
    o[17] = bat.capacity_kwh > 0 ? static_cast<float>(es.state().stored_kwh[b] / bat.capacity_kwh)
                                 : 0.0f;
    o[18] = bat.capacity_kwh > 0 ? 1.0f : 0.0f;
    o[19] = static_cast<float>(bat.power_kw / 1000.0);
    o[20] = static_cast<float>(static_cast<double>(bs.state().electric_w[b]) / 1e6);
    o[21] = static_cast<float>(static_cast<double>(bs.state().pv_w[b]) / 1e6);
    o[22] = o[23] = o[24] = 0.0f;
    o[25] = 1.0f;
    o[26] = static_cast<float>(es.charging_cap_max_w(static_cast<std::uint32_t>(b)) / 1e5);
    const std::uint32_t f = assets.feeder[b];
    const double cap = assets.feeder_capacity_w[f];
    o[27] = std::isfinite(cap) && cap > 0 ? static_cast<float>(es.state().feeder_w[f] / cap) : 0.0f;
  }
  for (std::size_t k = 0; k < static_cast<std::size_t>(ss.active_count); ++k) {
    const std::uint32_t i = ss.active[k];
    const std::uint32_t b = ss.building[i];
    float* o = out.data() + b * kEnergyFeatures;
    const double left_kwh = std::max(0.0, ss.need_kwh[i] - ss.delivered_kwh[i]);
    // The forecast's error in single precision, as the environment first kept it (the same
    // observations bit for bit).
    const auto error_s = static_cast<float>(
        forecast.noise_h * 3600.0 *
        rng::normal(forecast.seed, EnergyStream::departure, 0, static_cast<std::uint64_t>(i)));
    const double hours_left =
        std::max(0.0, ss.depart_s[i] + static_cast<double>(error_s) - t) / 3600.0;
    const double charger_kw = assets.charger_w[b] * energy::kChargingEfficiency / 1000.0;
    const double laxity_h = hours_left - (charger_kw > 0 ? left_kwh / charger_kw : 0.0);
    o[22] += 0.1f;  // per 10 EVs
    o[23] += static_cast<float>(left_kwh / 100.0);
    o[24] += static_cast<float>(hours_left / 12.0);  // summed here, the mean below
    o[25] = std::min(o[25], static_cast<float>(laxity_h / 12.0));
  }
  for (std::size_t b = 0; b < agents; ++b) {
    float* o = out.data() + b * kEnergyFeatures;
    if (o[22] > 0.0f) o[24] /= o[22] * 10.0f;
  }
}

}  // namespace parktwin::ai
