#include "sim/energy/energy_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "engine/error.h"
#include "engine/parallel.h"

namespace parktwin::energy {

namespace {

constexpr std::size_t kBuildingsPerChunk = 256;
constexpr double kJoulesPerKwh = 3.6e6;
constexpr std::size_t kChunkSums = 3;  // import - export, pv, demand

// The battery's power (W, + charging) under `policy` for a building whose load exceeds its
// PV by `deficit_w` (negative: a surplus).
double battery_power_w(BatteryPolicy policy, TouPeriod period, double deficit_w, double charge_max,
                       double discharge_max) {
  const double surplus_w = -deficit_w;
  switch (policy) {
    case BatteryPolicy::idle:
      return 0.0;
    case BatteryPolicy::self_consumption:
      return surplus_w > 0.0 ? std::min(surplus_w, charge_max)
                             : -std::min(deficit_w, discharge_max);
    case BatteryPolicy::time_of_use:
      if (period == TouPeriod::valley) return charge_max;
      if (period == TouPeriod::peak) return -std::min(std::max(deficit_w, 0.0), discharge_max);
      return std::min(std::max(surplus_w, 0.0), charge_max);
    case BatteryPolicy::peak_shaving:
      return 0.0;  // a feeder's rule: EnergySim::battery_decision_w
  }
  return 0.0;
}

constexpr std::array<std::pair<std::string_view, BatteryPolicy>, 4> kBatteryPolicies{{
    {"idle", BatteryPolicy::idle},
    {"self_consumption", BatteryPolicy::self_consumption},
    {"time_of_use", BatteryPolicy::time_of_use},
    {"peak_shaving", BatteryPolicy::peak_shaving},
}};

// A policy's name in a table of (name, policy), and back.
template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<std::string_view, E>, N>& table, E p) {
  for (const auto& [name, policy] : table) {
    if (policy == p) return name.data();
  }
  return "?";
}

template <class E, std::size_t N>
bool parse_named(const std::array<std::pair<std::string_view, E>, N>& table, std::string_view name,
                 E& out) {
  for (const auto& [n, policy] : table) {
    if (n == name) {
      out = policy;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* battery_policy_name(BatteryPolicy p) { return name_of(kBatteryPolicies, p); }

bool parse_battery_policy(std::string_view name, BatteryPolicy& out) {
  return parse_named(kBatteryPolicies, name, out);
}

EnergySim::EnergySim(const DistrictAssets& assets, const Tariff& tariff, const EnergyConfig& config,
                     std::size_t session_capacity)
    : assets_(assets), tariff_(tariff), config_(config) {
  if (!(config.step_s > 0.0) || !std::isfinite(config.step_s)) {
    throw Error("energy step out of range")
        .field("step_s")
        .expected("> 0 s")
        .found(fmt::format("{}", config.step_s));
  }
  if (!(config.carbon_kg_per_kwh >= 0.0 && config.carbon_kg_per_kwh <= 2.0)) {
    throw Error("grid carbon factor out of range")
        .field("carbon_kg_per_kwh")
        .expected("0..2 kg CO2 per kWh (fossil power is about 0.8)")
        .found(fmt::format("{}", config.carbon_kg_per_kwh));
  }
  const std::vector<double>& hourly = config.carbon_hourly_kg_per_kwh;
  if (!hourly.empty() && hourly.size() != 24 && hourly.size() != 8760 && hourly.size() != 8784) {
    throw Error("grid carbon series of the wrong length")
        .field("carbon_hourly_kg_per_kwh")
        .expected("24 hourly values (a day) or 8760 / 8784 (a year)")
        .found(std::to_string(hourly.size()));
  }
  for (std::size_t h = 0; h < hourly.size(); ++h) {
    if (!(hourly[h] >= 0.0 && hourly[h] <= 2.0)) {
      throw Error("grid carbon intensity out of range")
          .field(fmt::format("carbon_hourly_kg_per_kwh[{}]", h))
          .expected("0..2 kg CO2 per kWh")
          .found(fmt::format("{}", hourly[h]));
    }
  }
  const std::size_t n = assets.buildings(), nf = assets.feeders();
  if (assets.battery.size() != n || assets.chargers.size() != n || assets.charger_w.size() != n ||
      assets.feeder_capacity_w.size() != nf || assets.feeder_substation.size() != nf ||
      assets.substation_capacity_w.size() != assets.substations()) {
    throw Error("district assets of inconsistent sizes");
  }
  EnergyState& s = state_;
  s.stored_kwh.reserve(n);
  for (const BatterySpec& bat : assets.battery) {
    s.stored_kwh.push_back(bat.initial_soc * bat.capacity_kwh);
  }
  for (auto* v : {&s.load_w, &s.charger_w, &s.battery_w, &s.import_w, &s.export_w, &s.unserved_w,
                  &s.curtailed_w}) {
    v->assign(n, 0.0f);
  }
  for (auto* v : {&s.pv_used_kwh, &s.import_kwh, &s.export_kwh, &s.charger_kwh, &s.battery_in_kwh,
                  &s.battery_out_kwh, &s.unserved_kwh, &s.curtailed_kwh, &s.cost, &s.co2_kg}) {
    v->assign(n, 0.0);
  }
  s.feeder_w.assign(nf, 0.0);
  s.feeder_peak_w.assign(nf, 0.0);
  s.feeder_overload_s.assign(nf, 0.0);
  s.feeder_out.assign(nf, 0);
  s.substation_w.assign(assets.substations(), 0.0);
  s.substation_peak_w.assign(assets.substations(), 0.0);
  s.substation_overload_s.assign(assets.substations(), 0.0);
  s.sessions.reserve(session_capacity);
  chargers_busy_.assign(n, 0);
  cap_left_w_.assign(n, 0.0);
  feeder_room_w_.assign(nf, 0.0);
  feeder_shave_w_.assign(nf, 0.0);
  feeder_discharge_max_w_.assign(nf, 0.0);
  feeder_charge_max_w_.assign(nf, 0.0);
  scheduled_.reserve(session_capacity);
  capped_.reserve(session_capacity);
  s.battery_ctrl_w.assign(n, std::numeric_limits<double>::quiet_NaN());
  s.charging_cap_w.assign(n, std::numeric_limits<double>::quiet_NaN());
  const std::size_t chunks = par::ChunkPlan{n, kBuildingsPerChunk}.chunks();
  chunk_feeder_w_.assign(chunks * nf, 0.0);
  chunk_sums_.assign(chunks * kChunkSums, 0.0);
}

void ChargingSessions::reserve(std::size_t capacity) {
  building.assign(capacity, 0);
  arrive_s.assign(capacity, 0.0);
  depart_s.assign(capacity, 0.0);
  need_kwh.assign(capacity, 0.0);
  delivered_kwh.assign(capacity, 0.0);
  active.assign(capacity, 0);
  count = active_count = 0;
}

namespace {
constexpr std::array<std::pair<std::string_view, ChargingPolicy>, 4> kChargingPolicies{{
    {"immediate", ChargingPolicy::immediate},
    {"delayed", ChargingPolicy::delayed},
    {"edf", ChargingPolicy::edf},
    {"llf", ChargingPolicy::llf},
}};
}  // namespace

const char* charging_policy_name(ChargingPolicy p) { return name_of(kChargingPolicies, p); }

bool parse_charging_policy(std::string_view name, ChargingPolicy& out) {
  return parse_named(kChargingPolicies, name, out);
}
void EnergySim::plug_in(std::uint32_t building, double now_s, double depart_s, double need_kwh) {
  ChargingSessions& c = state_.sessions;
  if (building >= assets_.buildings()) {
    throw Error("EV session at no such building")
        .expected(fmt::format("a building index < {}", assets_.buildings()))
        .found(std::to_string(building));
  }
  if (c.count >= c.capacity()) {
    throw Error("EV session beyond the district's capacity")
        .found(fmt::format("session {} of {}", c.count, c.capacity()));
  }
  const auto i = static_cast<std::size_t>(c.count++);
  c.building[i] = building;
  c.arrive_s[i] = now_s;
  c.depart_s[i] = depart_s;
  c.need_kwh[i] = std::max(0.0, need_kwh);
  c.delivered_kwh[i] = 0.0;
  c.active[static_cast<std::size_t>(c.active_count++)] = static_cast<std::uint32_t>(i);
}

void EnergySim::set_feeder_out(std::uint32_t feeder, bool out) {
  if (feeder >= assets_.feeders()) {
    throw Error("no such feeder").found(fmt::format("feeder {}", feeder));
  }
  state_.feeder_out[feeder] = out ? 1 : 0;
}

namespace {

Error control_error(const char* what, std::uint32_t b) {
  return Error(what).field(fmt::format("building {}", b));
}

}  // namespace

void EnergySim::check_battery_power(std::uint32_t b, double power_w) const {
  if (b >= assets_.buildings()) {
    throw control_error("battery power for no such building", b)
        .expected(fmt::format("a building index < {}", assets_.buildings()));
  }
  if (std::isnan(power_w)) return;
  const BatterySpec& bat = assets_.battery[b];
  if (bat.capacity_kwh <= 0.0) {
    throw control_error("battery power for a building without a battery", b)
        .expected("NaN (no battery to drive)")
        .found(fmt::format("{} W", power_w));
  }
  const double rated_w = bat.power_kw * 1000.0;
  if (!(std::abs(power_w) <= rated_w)) {
    throw control_error("battery power beyond the battery's rating", b)
        .expected(fmt::format("-{0}..{0} W (+ charging)", rated_w))
        .found(fmt::format("{} W", power_w));
  }
}

void EnergySim::set_battery_power(std::uint32_t b, double power_w) {
  check_battery_power(b, power_w);
  state_.battery_ctrl_w[b] = power_w;
}

void EnergySim::check_per_building(std::size_t n, const char* what) const {
  if (n != assets_.buildings()) {
    throw Error(fmt::format("{}: one value per building", what))
        .expected(std::to_string(assets_.buildings()))
        .found(std::to_string(n));
  }
}

void EnergySim::set_battery_powers(std::span<const double> power_w) {
  check_per_building(power_w.size(), "battery powers");
  for (std::size_t b = 0; b < power_w.size(); ++b) {
    check_battery_power(static_cast<std::uint32_t>(b), power_w[b]);
  }
  std::copy(power_w.begin(), power_w.end(), state_.battery_ctrl_w.begin());
}

std::pair<double, double> EnergySim::battery_limits_w(std::uint32_t b) const {
  if (b >= assets_.buildings()) {
    throw control_error("battery limits of no such building", b)
        .expected(fmt::format("a building index < {}", assets_.buildings()));
  }
  const BatterySpec& bat = assets_.battery[b];
  if (bat.capacity_kwh <= 0.0) return {0.0, 0.0};
  return {-max_discharge_w(bat, state_.stored_kwh[b], config_.step_s),
          max_charge_w(bat, state_.stored_kwh[b], config_.step_s)};
}

void EnergySim::check_charging_cap(std::uint32_t b, double cap_w) const {
  if (b >= assets_.buildings()) {
    throw control_error("charging cap for no such building", b)
        .expected(fmt::format("a building index < {}", assets_.buildings()));
  }
  if (!std::isnan(cap_w) && !(cap_w >= 0.0 && cap_w <= charging_cap_max_w(b))) {
    throw control_error("charging cap outside the car park's chargers", b)
        .expected(fmt::format("0..{} W ({} chargers of {} W), or NaN", charging_cap_max_w(b),
                              assets_.chargers[b], assets_.charger_w[b]))
        .found(fmt::format("{} W", cap_w));
  }
}

void EnergySim::set_charging_cap(std::uint32_t b, double cap_w) {
  check_charging_cap(b, cap_w);
  state_.charging_cap_w[b] = cap_w;
}

void EnergySim::set_charging_caps(std::span<const double> cap_w) {
  check_per_building(cap_w.size(), "charging caps");
  for (std::size_t b = 0; b < cap_w.size(); ++b) {
    check_charging_cap(static_cast<std::uint32_t>(b), cap_w[b]);
  }
  std::copy(cap_w.begin(), cap_w.end(), state_.charging_cap_w.begin());
}

// Sessions in order of arrival: leave, finish, or take a free charger and charge (edf, llf:
// charge in schedule_charging, in order of priority).
void EnergySim::step_charging(double now_s, double dt_s, TouPeriod period,
                              std::span<const float> demand_w, std::span<const float> pv_w) {
  EnergyState& s = state_;
  ChargingSessions& c = s.sessions;
  std::fill(chargers_busy_.begin(), chargers_busy_.end(), 0);
  std::fill(s.charger_w.begin(), s.charger_w.end(), 0.0f);
  std::copy(s.charging_cap_w.begin(), s.charging_cap_w.end(), cap_left_w_.begin());
  const bool scheduled =
      config_.charging == ChargingPolicy::edf || config_.charging == ChargingPolicy::llf;
  scheduled_.clear();
  std::uint64_t kept = 0;
  for (std::uint64_t k = 0; k < c.active_count; ++k) {
    const std::uint32_t i = c.active[k];
    const double remaining_kwh = c.need_kwh[i] - c.delivered_kwh[i];
    if (remaining_kwh <= 1e-9) {  // arrived full (or filled by the schedule): no charger
      ++s.sessions_full;
      continue;
    }
    if (now_s >= c.depart_s[i]) {  // the car leaves short of its target
      ++s.sessions_short;
      s.ev_unserved_kwh += remaining_kwh;
      continue;
    }
    c.active[kept++] = i;
    const std::uint32_t b = c.building[i];
    if (chargers_busy_[b] >= assets_.chargers[b] || s.feeder_out[assets_.feeder[b]] != 0) continue;
    ++chargers_busy_[b];
    const double full_w = assets_.charger_w[b];
    // Laxity: the time left less the time the charger needs to finish.
    const double laxity_s =
        (c.depart_s[i] - now_s) -
        (full_w > 0.0 ? remaining_kwh / (full_w / kJoulesPerKwh * kChargingEfficiency) : 0.0);
    if (!std::isnan(cap_left_w_[b])) {
      capped_.emplace_back(laxity_s, i);  // an agent's cap: shared after this loop (share_caps)
      continue;
    }
    if (scheduled) {
      // Priority key, lowest first: the departure (edf), or the laxity (llf).
      const double key = config_.charging == ChargingPolicy::edf ? c.depart_s[i] : laxity_s;
      scheduled_.emplace_back(key, i);
      continue;
    }
    // Into the battery per second at that power; a car leaving within the step charges only
    // until it leaves.
    const double kwh_per_s = full_w / kJoulesPerKwh * kChargingEfficiency;
    const double here_s = std::min(dt_s, c.depart_s[i] - now_s);
    bool charge_now = full_w > 0.0;
    if (config_.charging == ChargingPolicy::delayed && period != TouPeriod::valley) {
      // Least laxity: wait only while the rest of the stay at full power still reaches the target.
      const double left_after_s = c.depart_s[i] - (now_s + dt_s);
      charge_now = remaining_kwh > kwh_per_s * left_after_s;
    }
    if (!charge_now) continue;
    if (remaining_kwh - charge(i, full_w, here_s, dt_s) <= 1e-9) {
      // full: it leaves its charger to the next in line
      ++s.sessions_full;
      --kept;
    }
  }
  c.active_count = kept;
  if (!capped_.empty()) share_caps(now_s, dt_s);
  if (scheduled) schedule_charging(now_s, dt_s, demand_w, pv_w);
}

// An agent's cap on a car park is shared least laxity first (the time left less the time its
// charger needs to finish; equal laxity in order of arrival), each session up to its charger
// and no more than what finishes it within the step: the car that can least wait charges
// first, as under ACN-Sim's least-laxity-first (Lee, Li & Low, e-Energy 2019), so that a cap
// delays the cars with time to spare rather than those about to leave.
void EnergySim::share_caps(double now_s, double dt_s) {
  const ChargingSessions& c = state_.sessions;
  std::sort(capped_.begin(), capped_.end());
  for (const auto& [laxity, i] : capped_) {
    const std::uint32_t b = c.building[i];
    const double w = std::min(assets_.charger_w[b], std::max(cap_left_w_[b], 0.0));
    if (w > 0.0) cap_left_w_[b] -= charge_up_to(i, w, now_s, dt_s).used_w;
  }
  capped_.clear();
  release_full_sessions();
}

// The full leave their chargers now.
void EnergySim::release_full_sessions() {
  EnergyState& s = state_;
  ChargingSessions& c = s.sessions;
  std::uint64_t kept = 0;
  for (std::uint64_t k = 0; k < c.active_count; ++k) {
    const std::uint32_t i = c.active[k];
    if (c.need_kwh[i] - c.delivered_kwh[i] <= 1e-9) {
      ++s.sessions_full;
      continue;
    }
    c.active[kept++] = i;
  }
  c.active_count = kept;
}

EnergySim::Charged EnergySim::charge_up_to(std::uint32_t i, double w, double now_s, double dt_s) {
  const ChargingSessions& c = state_.sessions;
  const double here_s = std::min(dt_s, c.depart_s[i] - now_s);
  // What it takes: no more than what finishes it within the step.
  const double need_w =
      (c.need_kwh[i] - c.delivered_kwh[i]) / kChargingEfficiency * kJoulesPerKwh / here_s;
  const double used_w = std::min(w, need_w);
  charge(i, used_w, here_s, dt_s);
  return {used_w, here_s};
}

double EnergySim::charge(std::uint32_t i, double w, double here_s, double dt_s) {
  EnergyState& s = state_;
  ChargingSessions& c = s.sessions;
  const double kwh = std::min(w / kJoulesPerKwh * kChargingEfficiency * here_s,
                              c.need_kwh[i] - c.delivered_kwh[i]);
  c.delivered_kwh[i] += kwh;
  s.ev_delivered_kwh += kwh;
  s.charger_w[c.building[i]] +=
      static_cast<float>(kwh / kChargingEfficiency * kJoulesPerKwh / dt_s);
  return kwh;
}

double EnergySim::battery_decision_w(std::size_t b, double load_w, double pv_w, TouPeriod period,
                                     bool out) const {
  const EnergyState& s = state_;
  const BatterySpec& bat = assets_.battery[b];
  if (!(bat.capacity_kwh > 0.0)) return 0.0;
  const double charge_max = max_charge_w(bat, s.stored_kwh[b], config_.step_s);
  const double discharge_max = max_discharge_w(bat, s.stored_kwh[b], config_.step_s);
  const double asked_w = s.battery_ctrl_w[b];
  if (!out && std::isnan(asked_w) && config_.batteries == BatteryPolicy::peak_shaving) {
    // Its share of what the feeder's batteries are to discharge or may recharge.
    const std::uint32_t f = assets_.feeder[b];
    const double x = feeder_shave_w_[f];
    if (x > 0.0 && feeder_discharge_max_w_[f] > 0.0) {
      return -discharge_max * std::min(x / feeder_discharge_max_w_[f], 1.0);
    }
    if (x < 0.0 && feeder_charge_max_w_[f] > 0.0) {
      return charge_max * std::min(-x / feeder_charge_max_w_[f], 1.0);
    }
    return 0.0;
  }
  double battery = !out && !std::isnan(asked_w)
                       ? std::clamp(asked_w, -discharge_max, charge_max)  // the BMS's limits
                       : battery_power_w(out ? BatteryPolicy::self_consumption : config_.batteries,
                                         period, load_w - pv_w, charge_max, discharge_max);
  // Islanded, the battery can only charge from PV.
  if (out) battery = std::min(battery, std::max(pv_w - load_w, 0.0));
  return battery;
}

void EnergySim::plan_peak_shaving(std::span<const float> demand_w, std::span<const float> pv_w) {
  const EnergyState& s = state_;
  std::fill(feeder_discharge_max_w_.begin(), feeder_discharge_max_w_.end(), 0.0);
  std::fill(feeder_charge_max_w_.begin(), feeder_charge_max_w_.end(), 0.0);
  for (std::size_t f = 0; f < assets_.feeders(); ++f) {
    feeder_shave_w_[f] = -kPeakShavingThreshold * assets_.feeder_capacity_w[f];
  }
  for (std::size_t b = 0; b < assets_.buildings(); ++b) {
    const std::uint32_t f = assets_.feeder[b];
    feeder_shave_w_[f] += static_cast<double>(demand_w[b]) + static_cast<double>(s.charger_w[b]) -
                          static_cast<double>(pv_w[b]);
    const BatterySpec& bat = assets_.battery[b];
    if (bat.capacity_kwh > 0.0 && std::isnan(s.battery_ctrl_w[b])) {
      feeder_discharge_max_w_[f] += max_discharge_w(bat, s.stored_kwh[b], config_.step_s);
      feeder_charge_max_w_[f] += max_charge_w(bat, s.stored_kwh[b], config_.step_s);
    } else {
      feeder_shave_w_[f] += battery_decision_w(b, 0.0, 0.0, s.period, false);  // agent's
    }
  }
  // No capacity, no peak: -inf excess would recharge without end; stay idle instead.
  for (std::size_t f = 0; f < assets_.feeders(); ++f) {
    if (!std::isfinite(assets_.feeder_capacity_w[f])) feeder_shave_w_[f] = 0.0;
  }
}

void EnergySim::schedule_charging(double now_s, double dt_s, std::span<const float> demand_w,
                                  std::span<const float> pv_w) {
  EnergyState& s = state_;
  ChargingSessions& c = s.sessions;
  // Each feeder's room: its capacity less what its buildings draw without the scheduled
  // charging (demand and the chargers already drawing, agents' caps, with the battery's answer
  // to that load, less PV), less a watt for the rounding of the chargers' draw. Any battery
  // rule here answers more load by at most as much more draw, so what the schedule adds keeps
  // the feeder within its capacity.
  std::copy(assets_.feeder_capacity_w.begin(), assets_.feeder_capacity_w.end(),
            feeder_room_w_.begin());
  for (double& room : feeder_room_w_) room -= kScheduleMargin_w;
  for (std::size_t b = 0; b < assets_.buildings(); ++b) {
    const double load = static_cast<double>(demand_w[b]) + static_cast<double>(s.charger_w[b]);
    const double pv = static_cast<double>(pv_w[b]);
    // Peak shaving decides after the charging (it shaves what the chargers add): idle here.
    const bool shaving =
        config_.batteries == BatteryPolicy::peak_shaving && std::isnan(s.battery_ctrl_w[b]);
    feeder_room_w_[assets_.feeder[b]] -=
        load + (shaving ? 0.0 : battery_decision_w(b, load, pv, s.period, false)) - pv;
  }
  // Lowest key first; equal keys in order of arrival.
  std::sort(scheduled_.begin(), scheduled_.end());
  for (const auto& [key, i] : scheduled_) {
    const std::uint32_t b = c.building[i];
    double& room = feeder_room_w_[assets_.feeder[b]];
    const double w = std::min(assets_.charger_w[b], std::max(room, 0.0));
    if (!(w > 0.0)) continue;
    const Charged got = charge_up_to(i, w, now_s, dt_s);
    room -= got.used_w * got.here_s / dt_s;
  }
  release_full_sessions();
}

double EnergySim::carbon_kg_per_kwh_at(double t_s) const {
  const std::vector<double>& series = config_.carbon_hourly_kg_per_kwh;
  if (series.empty()) return config_.carbon_kg_per_kwh;
  const LocalTime local = config_.clock.at_time(t_s);
  const auto hour_of_day = static_cast<long long>(local.second_of_day / 3600.0);
  const long long day_of_year = days_from_civil(local.date.year, local.date.month, local.date.day) -
                                days_from_civil(local.date.year, 1, 1);
  const long long hour = series.size() == 24 ? hour_of_day : day_of_year * 24 + hour_of_day;
  return series[static_cast<std::size_t>(hour % static_cast<long long>(series.size()))];
}

void EnergySim::step(std::span<const float> demand_w, std::span<const float> pv_w) {
  const std::size_t n = assets_.buildings(), nf = assets_.feeders();
  const double dt = config_.step_s;
  const double now = time_s();
  const LocalTime local = config_.clock.at_time(now + 0.5 * dt);
  const TouPeriod period = tariff_.period(local.date.month, local.minute_of_day());
  const double price = tariff_.price(period), export_price = tariff_.export_price_per_kwh;
  const double carbon = carbon_kg_per_kwh_at(now + 0.5 * dt);
  EnergyState& s = state_;
  s.period = period;
  step_charging(now, dt, period, demand_w, pv_w);
  if (config_.batteries == BatteryPolicy::peak_shaving) plan_peak_shaving(demand_w, pv_w);

  const double to_kwh = dt / kJoulesPerKwh;
  par::parallel_for(n, kBuildingsPerChunk, [&](std::size_t b0, std::size_t b1, std::size_t chunk) {
    double* feeder_w = chunk_feeder_w_.data() + chunk * nf;
    std::fill(feeder_w, feeder_w + nf, 0.0);
    double net_sum = 0.0, pv_sum = 0.0, demand_sum = 0.0;
    for (std::size_t b = b0; b < b1; ++b) {
      const std::uint32_t f = assets_.feeder[b];
      const bool out = s.feeder_out[f] != 0;
      const double pv = static_cast<double>(pv_w[b]);
      const double load = static_cast<double>(demand_w[b]) + static_cast<double>(s.charger_w[b]);
      const BatterySpec& bat = assets_.battery[b];
      double battery = 0.0;
      if (bat.capacity_kwh > 0.0) {
        battery = battery_decision_w(b, load, pv, period, out);
        s.stored_kwh[b] = stored_after(bat, s.stored_kwh[b], battery, dt);
      }
      const double net = load + battery - pv;  // what the grid would have to give
      double import = 0.0, exported = 0.0, unserved = 0.0, curtailed = 0.0;
      if (out) {
        (net > 0.0 ? unserved : curtailed) = std::abs(net);
      } else {
        (net > 0.0 ? import : exported) = std::abs(net);
      }
      s.load_w[b] = static_cast<float>(load);
      s.battery_w[b] = static_cast<float>(battery);
      s.import_w[b] = static_cast<float>(import);
      s.export_w[b] = static_cast<float>(exported);
      s.unserved_w[b] = static_cast<float>(unserved);
      s.curtailed_w[b] = static_cast<float>(curtailed);
      s.pv_used_kwh[b] += (pv - exported - curtailed) * to_kwh;
      s.import_kwh[b] += import * to_kwh;
      s.export_kwh[b] += exported * to_kwh;
      s.charger_kwh[b] += static_cast<double>(s.charger_w[b]) * to_kwh;
      s.battery_in_kwh[b] += std::max(battery, 0.0) * to_kwh;
      s.battery_out_kwh[b] += std::max(-battery, 0.0) * to_kwh;
      s.unserved_kwh[b] += unserved * to_kwh;
      s.curtailed_kwh[b] += curtailed * to_kwh;
      s.cost[b] += (import * price - exported * export_price) * to_kwh;
      s.co2_kg[b] += import * carbon * to_kwh;
      feeder_w[f] += import - exported;
      net_sum += import - exported;
      pv_sum += pv;
      demand_sum += static_cast<double>(demand_w[b]);
    }
    double* sums = chunk_sums_.data() + chunk * kChunkSums;
    sums[0] = net_sum;
    sums[1] = pv_sum;
    sums[2] = demand_sum;
  });
  // Sums in chunk order: the same for any thread count.
  std::fill(s.feeder_w.begin(), s.feeder_w.end(), 0.0);
  std::fill(s.substation_w.begin(), s.substation_w.end(), 0.0);
  double site = 0.0;
  const std::size_t chunks = chunk_sums_.size() / kChunkSums;
  for (std::size_t c = 0; c < chunks; ++c) {
    for (std::size_t f = 0; f < nf; ++f) s.feeder_w[f] += chunk_feeder_w_[c * nf + f];
    site += chunk_sums_[c * kChunkSums];
    pv_kwh_ += chunk_sums_[c * kChunkSums + 1] * to_kwh;
    demand_kwh_ += chunk_sums_[c * kChunkSums + 2] * to_kwh;
  }
  for (std::size_t f = 0; f < nf; ++f) {
    const double w = std::abs(s.feeder_w[f]);
    s.feeder_peak_w[f] = std::max(s.feeder_peak_w[f], w);
    if (w > assets_.feeder_capacity_w[f]) s.feeder_overload_s[f] += dt;
    s.substation_w[assets_.feeder_substation[f]] += s.feeder_w[f];
  }
  for (std::size_t k = 0; k < assets_.substations(); ++k) {
    const double w = std::abs(s.substation_w[k]);
    s.substation_peak_w[k] = std::max(s.substation_peak_w[k], w);
    if (w > assets_.substation_capacity_w[k]) s.substation_overload_s[k] += dt;
  }
  s.site_import_w = site;
  if (site > s.peak_import_w) {
    s.peak_import_w = site;
    s.peak_time_s = now;
  }
  ++s.step;
}

EnergyKpis EnergySim::kpis() const {
  const EnergyState& s = state_;
  EnergyKpis k;
  k.time_s = time_s();
  k.demand_kwh = demand_kwh_;
  k.pv_kwh = pv_kwh_;
  for (std::size_t b = 0; b < assets_.buildings(); ++b) {
    k.charging_kwh += s.charger_kwh[b];
    k.pv_used_kwh += s.pv_used_kwh[b];
    k.battery_in_kwh += s.battery_in_kwh[b];
    k.battery_out_kwh += s.battery_out_kwh[b];
    k.battery_stored_kwh += s.stored_kwh[b];
    k.import_kwh += s.import_kwh[b];
    k.export_kwh += s.export_kwh[b];
    k.cost += s.cost[b];
    k.co2_kg += s.co2_kg[b];
    k.unserved_kwh += s.unserved_kwh[b];
    k.curtailed_kwh += s.curtailed_kwh[b];
  }
  k.pv_self_consumption = k.pv_kwh > 0.0 ? k.pv_used_kwh / k.pv_kwh : 0.0;
  k.peak_import_kw = s.peak_import_w / 1000.0;
  k.peak_time_s = s.peak_time_s;
  k.ev_sessions = static_cast<double>(s.sessions.count);
  k.ev_sessions_full = static_cast<double>(s.sessions_full);
  k.ev_sessions_short = static_cast<double>(s.sessions_short);
  k.ev_sessions_plugged = static_cast<double>(s.sessions.active_count);
  k.ev_delivered_kwh = s.ev_delivered_kwh;
  k.ev_unserved_kwh = s.ev_unserved_kwh;
  for (std::size_t f = 0; f < assets_.feeders(); ++f) {
    FeederKpis fk;
    fk.name = assets_.feeder_name[f];
    fk.capacity_kw = assets_.feeder_capacity_w[f] / 1000.0;
    fk.peak_kw = s.feeder_peak_w[f] / 1000.0;
    fk.overload_h = s.feeder_overload_s[f] / 3600.0;
    k.feeder_overload_h += fk.overload_h;
    k.feeders.push_back(fk);
  }
  for (std::size_t j = 0; j < assets_.substations(); ++j) {
    k.substation_overload_h += s.substation_overload_s[j] / 3600.0;
  }
  return k;
}

}  // namespace parktwin::energy
