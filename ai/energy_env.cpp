// The vectorised energy-control environment. See energy_env.h.

#include "ai/energy_env.h"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/calendar.h"
#include "engine/error.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

enum class EnergyEnvStream : std::uint32_t { start_day = 501, traffic_day = 502, departure = 503 };

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
  if (name == "hvac")
    out = {true, false, false};
  else if (name == "battery")
    out = {false, true, false};
  else if (name == "charging")
    out = {false, false, true};
  else if (name == "energy")
    out = {true, true, true};
  else if (name == "none")
    out = {};
  else
    return false;
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

std::vector<EnergyRules> all_energy_rules() {
  using energy::BatteryPolicy;
  using energy::ChargingPolicy;
  std::vector<EnergyRules> out;
  for (const BatteryPolicy b : {BatteryPolicy::idle, BatteryPolicy::self_consumption,
                                BatteryPolicy::time_of_use, BatteryPolicy::peak_shaving}) {
    for (const ChargingPolicy c : {ChargingPolicy::immediate, ChargingPolicy::delayed,
                                   ChargingPolicy::edf, ChargingPolicy::llf}) {
      for (const HvacRule h : {HvacRule::schedule, HvacRule::precool}) out.push_back({b, c, h});
    }
  }
  return out;
}

double energy_score(const EnergyEpisodeResult& r, const EnergyRewardWeights& w) {
  return w.cost * r.cost + w.co2 * r.co2_kg + w.discomfort * r.discomfort_kh +
         w.unserved * r.ev_unserved_kwh + w.overload * r.overload_kwh;
}

std::vector<int> training_start_days(int episode_days, int days) {
  std::vector<int> out;
  for (int d = 0; d + episode_days <= days; ++d) {
    bool overlaps = false;
    for (const EvaluationWeek& w : kEvaluationWeeks) {
      overlaps = overlaps || (d < w.start_day + 7 && w.start_day < d + episode_days);
    }
    if (!overlaps) out.push_back(d);
  }
  return out;
}

// --- the scenario

EnergyScenario::EnergyScenario(std::unique_ptr<World> world, double traffic_s, int traffic_days)
    : world_(std::move(world)) {
  if (!world_ || !world_->energy() || !world_->buildings()) {
    throw Error("energy control needs a district")
        .expected("a scenario with [buildings] and [energy]");
  }
  if (traffic_days < 1 || traffic_days > 366) {
    throw Error("traffic days out of range")
        .field("traffic_days")
        .expected("1..366")
        .found(std::to_string(traffic_days));
  }
  const double step_s = world_->traffic().config().step_s;
  const auto steps = static_cast<std::int64_t>(std::llround(traffic_s / step_s));
  const double midnight_offset_s = world_->energy()->config().clock.start_second_of_day;
  for (int d = 0; d < traffic_days; ++d) {
    const std::unique_ptr<World> day = world_->copy_at_start(static_cast<std::uint64_t>(d) + 1);
    for (std::int64_t i = 0; i < steps; ++i) day->step();
    days_.push_back(coupling::ev_visits_of(*day->energy(), midnight_offset_s));
  }
}

std::size_t EnergyScenario::buildings() const { return world_->energy()->assets().buildings(); }
int EnergyScenario::year() const { return world_->buildings()->config().start_year; }

// --- the environment

EnergyVecEnv::EnergyVecEnv(const EnergyScenario& scenario, EnergyEnvOptions options, int copies,
                           int threads, std::uint64_t first_seed)
    : scenario_(scenario),
      options_(std::move(options)),
      first_seed_(first_seed),
      agents_(scenario.buildings()),
      arena_(std::max(1, threads)) {
  const double building_s = scenario.world().buildings()->config().step_s;
  const double ratio = options_.decision_s / building_s;
  if (!(ratio >= 1.0) || ratio != std::floor(ratio) || ratio > 1e6) {
    throw Error("decision interval out of range")
        .field("decision_s")
        .expected(fmt::format("a whole number of building steps ({} s)", building_s))
        .found(fmt::format("{} s", options_.decision_s));
  }
  interval_steps_ = static_cast<int>(ratio);
  if (options_.episode_days < 1 || options_.episode_days > 366) {
    throw Error("episode length out of range")
        .field("episode_days")
        .expected("1..366 days")
        .found(std::to_string(options_.episode_days));
  }
  const double per_episode = options_.episode_days * 86400.0 / options_.decision_s;
  if (per_episode != std::floor(per_episode)) {
    throw Error("decision interval does not divide a day")
        .field("decision_s")
        .expected("a divisor of 86400 s")
        .found(fmt::format("{} s", options_.decision_s));
  }
  episode_decisions_ = static_cast<int>(per_episode);
  if (options_.start_days.empty()) {
    options_.start_days = training_start_days(options_.episode_days);
  }
  const int year_days = days_in_month(scenario.year(), 2) == 29 ? 366 : 365;
  for (const int d : options_.start_days) {
    if (d < 0 || d >= year_days) {
      throw Error("episode start day out of range")
          .field("start_days")
          .expected(fmt::format("a day of the year 0..{}", year_days - 1))
          .found(std::to_string(d));
    }
  }
  if (!(options_.departure_noise_h >= 0.0 && options_.departure_noise_h <= 24.0)) {
    throw Error("departure forecast error out of range")
        .field("departure_noise_h")
        .expected("0..24 h")
        .found(fmt::format("{}", options_.departure_noise_h));
  }
  if (copies < 1 || copies > 1024) {
    throw Error("environment copies out of range")
        .expected("1..1024")
        .found(std::to_string(copies));
  }

  const energy::DistrictAssets& assets = scenario.world().energy()->assets();
  mask_.assign(agents_ * kEnergyActions, 0);
  for (std::size_t b = 0; b < agents_; ++b) {
    mask_[b * kEnergyActions + 0] = options_.control.battery && assets.battery[b].capacity_kwh > 0;
    mask_[b * kEnergyActions + 1] = options_.control.charging && assets.chargers[b] > 0;
    mask_[b * kEnergyActions + 2] = options_.control.hvac;
  }
  const auto K = static_cast<std::size_t>(copies);
  slots_.resize(K);
  obs_.assign(K * agents_ * kEnergyFeatures, 0.0f);
  final_obs_ = obs_;
  rewards_.assign(K * agents_, 0.0f);
  dones_.assign(K, 0);
  ended_.resize(K);
  arena_.execute([&] {
    tbb::parallel_for(std::size_t{0}, K, [&](std::size_t c) {
      start(c);
      observe(c, std::span(obs_).subspan(c * agents_ * kEnergyFeatures, agents_ * kEnergyFeatures));
    });
  });
}

void EnergyVecEnv::restart_at(std::uint64_t episode_index) {
  arena_.execute([&] {
    tbb::parallel_for(std::size_t{0}, slots_.size(), [&](std::size_t c) {
      slots_[c].episode_index = episode_index;
      start(c);
      observe(c, std::span(obs_).subspan(c * agents_ * kEnergyFeatures, agents_ * kEnergyFeatures));
    });
  });
  finished_.clear();
}

void EnergyVecEnv::start(std::size_t c) {
  Slot& s = slots_[c];
  const World& w = scenario_.world();
  s.seed = first_seed_ + s.episode_index * slots_.size() + c;
  s.start_day = options_.start_days[rng::uniform_int(s.seed, EnergyEnvStream::start_day, 0, 0,
                                                     options_.start_days.size())];
  const CivilDate date = civil_from_days(days_from_civil(scenario_.year(), 1, 1) + s.start_day);
  buildings::BuildingsConfig bc = w.buildings()->config();
  bc.start_year = date.year;
  bc.start_month = date.month;
  bc.start_day = date.day;
  bc.start_hour = 0;
  bc.start_minute = 0;
  energy::EnergyConfig ec = w.energy()->config();
  ec.clock = LocalClock::at(date.year, date.month, date.day, 0, 0);
  ec.batteries = options_.rules.batteries;
  ec.charging = options_.rules.charging;

  s.visits.clear();
  for (int k = 0; k < options_.episode_days; ++k) {
    const std::size_t day =
        rng::uniform_int(s.seed, EnergyEnvStream::traffic_day, static_cast<std::uint32_t>(k), 0,
                         scenario_.traffic_days());
    for (coupling::EvVisit v : scenario_.traffic_day(day)) {
      v.arrive_s += k * 86400.0;
      s.visits.push_back(v);
    }
  }
  std::stable_sort(s.visits.begin(), s.visits.end(),
                   [](const auto& a, const auto& b) { return a.arrive_s < b.arrive_s; });
  s.by_departure.resize(s.visits.size());
  std::iota(s.by_departure.begin(), s.by_departure.end(), 0u);
  std::stable_sort(s.by_departure.begin(), s.by_departure.end(), [&](auto a, auto b) {
    return s.visits[a].arrive_s + s.visits[a].stay_s < s.visits[b].arrive_s + s.visits[b].stay_s;
  });
  s.depart_error_s.resize(s.visits.size());
  for (std::size_t i = 0; i < s.visits.size(); ++i) {
    s.depart_error_s[i] = static_cast<float>(
        options_.departure_noise_h * 3600.0 *
        rng::normal(s.seed, EnergyEnvStream::departure, 0, static_cast<std::uint64_t>(i)));
  }
  s.district = std::make_unique<coupling::EnergyDistrict>(
      w.buildings()->stock(), w.buildings()->weather(), bc, w.energy()->assets(),
      w.energy()->tariff(), ec, s.visits);
  s.decision = 0;
  s.departed = 0;
  s.reward_sum = 0.0;
  for (auto* v : {&s.prev_cost, &s.prev_co2, &s.prev_discomfort, &s.unserved, &s.unserved_now,
                  &s.prev_unserved}) {
    v->assign(agents_, 0.0);
  }
  s.overload_kwh.assign(agents_, 0.0);
  s.overload_total_kwh = 0.0;
  s.feeder_import_w.assign(w.energy()->assets().feeders(), 0.0);
  s.feeder_export_w.assign(w.energy()->assets().feeders(), 0.0);
}

void EnergyVecEnv::act(std::size_t c, std::span<const float> actions) {
  Slot& s = slots_[c];
  buildings::BuildingsSim& bs = s.district->buildings();
  energy::EnergySim& es = s.district->energy();
  const energy::DistrictAssets& assets = es.assets();
  const buildings::BuildingsConfig& bc = bs.config();
  const double t = s.district->time_s();
  const double t_mid = t + 0.5 * bs.time_step_s();
  const EnergyControl& ctl = options_.control;

  // precool: the site's decision (a peak begins within the window and the day is hot).
  bool precool = false;
  double peak_start_s = 0.0;
  if (options_.rules.hvac == HvacRule::precool) {
    const double ahead = to_next_peak_s(es.tariff(), es.config().clock, t);
    peak_start_s = t + ahead;
    precool =
        ahead > 0.0 && ahead <= kPrecoolHours * 3600.0 &&
        bs.weather_at(peak_start_s).dry_bulb_c + bs.state().outdoor_offset_c > kPrecoolOutdoorC;
  }
  const auto clip = [](float x) { return std::clamp(static_cast<double>(x), -1.0, 1.0); };
  for (std::size_t b = 0; b < agents_; ++b) {
    const float* a = actions.data() + b * kEnergyActions;
    const auto bi = static_cast<std::uint32_t>(b);
    // Within the dead band an action hands its asset to the rule (NaN), so that a policy of
    // zeros is the rules and a learner starts from them (residual policy learning).
    if (mask_[b * kEnergyActions + 0]) {
      const double x = clip(a[0]);
      es.set_battery_power(
          bi, std::abs(x) < kActionDeadband ? kNaN : x * assets.battery[b].power_kw * 1000.0);
    }
    if (mask_[b * kEnergyActions + 1]) {
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
    const double offset = ctl.hvac ? clip(a[2]) * kHvacOffsetMaxK : 0.0;
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
    if (ctl.hvac || options_.rules.hvac == HvacRule::precool) {
      bs.set_hvac_setpoints(b, heating, cooling);
    }
  }
}

void EnergyVecEnv::observe(std::size_t c, std::span<float> out) const {
  const Slot& s = slots_[c];
  const buildings::BuildingsSim& bs = s.district->buildings();
  const energy::EnergySim& es = s.district->energy();
  const energy::DistrictAssets& assets = es.assets();
  const energy::Tariff& tariff = es.tariff();
  const LocalClock& clock = es.config().clock;
  const double t = s.district->time_s();
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
  for (std::size_t b = 0; b < agents_; ++b) {
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
    const double hours_left =
        std::max(0.0, ss.depart_s[i] + static_cast<double>(s.depart_error_s[i]) - t) / 3600.0;
    const double charger_kw = assets.charger_w[b] * energy::kChargingEfficiency / 1000.0;
    const double laxity_h = hours_left - (charger_kw > 0 ? left_kwh / charger_kw : 0.0);
    o[22] += 0.1f;  // per 10 EVs
    o[23] += static_cast<float>(left_kwh / 100.0);
    o[24] += static_cast<float>(hours_left / 12.0);  // summed here, the mean below
    o[25] = std::min(o[25], static_cast<float>(laxity_h / 12.0));
  }
  for (std::size_t b = 0; b < agents_; ++b) {
    float* o = out.data() + b * kEnergyFeatures;
    if (o[22] > 0.0f) o[24] /= o[22] * 10.0f;
  }
}

void EnergyVecEnv::accumulate_overload(std::size_t c) {
  Slot& s = slots_[c];
  const energy::EnergySim& es = s.district->energy();
  const energy::EnergyState& st = es.state();
  const energy::DistrictAssets& assets = es.assets();
  std::fill(s.feeder_import_w.begin(), s.feeder_import_w.end(), 0.0);
  std::fill(s.feeder_export_w.begin(), s.feeder_export_w.end(), 0.0);
  for (std::size_t b = 0; b < agents_; ++b) {
    s.feeder_import_w[assets.feeder[b]] += double{st.import_w[b]};
    s.feeder_export_w[assets.feeder[b]] += double{st.export_w[b]};
  }
  const double hours = s.district->step_s() / 3600.0;
  for (std::size_t b = 0; b < agents_; ++b) {
    const std::uint32_t f = assets.feeder[b];
    const double excess_w = std::abs(st.feeder_w[f]) - assets.feeder_capacity_w[f];
    if (!(excess_w > 0.0)) continue;  // within capacity, or no capacity (+inf)
    const bool importing = st.feeder_w[f] > 0.0;
    const double own = importing ? double{st.import_w[b]} : double{st.export_w[b]};
    const double all = importing ? s.feeder_import_w[f] : s.feeder_export_w[f];
    if (all > 0.0) s.overload_kwh[b] += excess_w / 1000.0 * hours * own / all;
  }
  for (std::size_t f = 0; f < assets.feeders(); ++f) {
    const double excess_w = std::abs(st.feeder_w[f]) - assets.feeder_capacity_w[f];
    if (excess_w > 0.0) s.overload_total_kwh += excess_w / 1000.0 * hours;
  }
}

void EnergyVecEnv::reward(std::size_t c) {
  Slot& s = slots_[c];
  const energy::EnergySim& es = s.district->energy();
  const energy::EnergyState& st = es.state();
  const buildings::BuildingsState& bst = s.district->buildings().state();
  const energy::DistrictAssets& assets = es.assets();
  const double t = s.district->time_s();
  const energy::ChargingSessions& ss = st.sessions;
  // Unserved charging as it becomes certain rather than when the car leaves (hours later,
  // beyond a learner's horizon): each session's energy that even its charger's full power
  // until departure can no longer deliver. It never falls, and at departure it is what the
  // car leaves without, so the sum over an episode is the unserved energy of the cars gone.
  for (; s.departed < s.by_departure.size(); ++s.departed) {
    const std::uint32_t i = s.by_departure[s.departed];
    const coupling::EvVisit& v = s.visits[i];
    if (v.arrive_s + v.stay_s > t || i >= ss.count) break;
    s.unserved[v.building] += std::max(0.0, ss.need_kwh[i] - ss.delivered_kwh[i]);
  }
  std::copy(s.unserved.begin(), s.unserved.end(), s.unserved_now.begin());
  for (std::size_t k = 0; k < static_cast<std::size_t>(ss.active_count); ++k) {
    const std::uint32_t i = ss.active[k];
    if (ss.depart_s[i] <= t) continue;  // counted above
    const std::uint32_t b = ss.building[i];
    const double reachable_kwh =
        assets.charger_w[b] * energy::kChargingEfficiency * (ss.depart_s[i] - t) / 3.6e6;
    s.unserved_now[b] += std::max(0.0, ss.need_kwh[i] - ss.delivered_kwh[i] - reachable_kwh);
  }
  const EnergyRewardWeights& w = options_.reward;
  for (std::size_t b = 0; b < agents_; ++b) {
    const double r =
        -(w.cost * (st.cost[b] - s.prev_cost[b]) + w.co2 * (st.co2_kg[b] - s.prev_co2[b]) +
          w.discomfort * (bst.discomfort_kh[b] - s.prev_discomfort[b]) +
          w.unserved * (s.unserved_now[b] - s.prev_unserved[b]) + w.overload * s.overload_kwh[b]) *
        w.scale;
    rewards_[c * agents_ + b] = static_cast<float>(r);
    s.reward_sum += r;
    s.prev_cost[b] = st.cost[b];
    s.prev_co2[b] = st.co2_kg[b];
    s.prev_discomfort[b] = bst.discomfort_kh[b];
    s.prev_unserved[b] = s.unserved_now[b];
  }
  std::fill(s.overload_kwh.begin(), s.overload_kwh.end(), 0.0);
}

EnergyEpisodeResult EnergyVecEnv::result_of(const Slot& s) const {
  const energy::EnergyKpis e = s.district->energy().kpis();
  const buildings::BuildingsKpis b = s.district->buildings().kpis();
  EnergyEpisodeResult r;
  r.seed = s.seed;
  r.start_day = s.start_day;
  r.reward_sum = s.reward_sum;
  r.cost = e.cost;
  r.co2_kg = e.co2_kg;
  r.discomfort_kh = b.discomfort_kh;
  r.ev_delivered_kwh = e.ev_delivered_kwh;
  r.ev_unserved_kwh = e.ev_unserved_kwh;
  r.feeder_overload_h = e.feeder_overload_h;
  r.overload_kwh = s.overload_total_kwh;
  r.import_kwh = e.import_kwh;
  r.peak_import_kw = e.peak_import_kw;
  r.charging_kwh = e.charging_kwh;
  return r;
}

void EnergyVecEnv::step(std::span<const float> actions) {
  const std::size_t K = slots_.size(), per_copy = agents_ * kEnergyActions;
  if (actions.size() != K * per_copy) {
    throw Error("energy actions of the wrong size")
        .expected(fmt::format("{} (copies x buildings x {})", K * per_copy, kEnergyActions))
        .found(std::to_string(actions.size()));
  }
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (std::isnan(actions[i])) {
      throw Error("NaN energy action")
          .expected("a number in [-1, 1]")
          .found(fmt::format("copy {}, building {}, action {}", i / per_copy,
                             i % per_copy / kEnergyActions, i % kEnergyActions));
    }
  }
  const std::size_t per_obs = agents_ * kEnergyFeatures;
  arena_.execute([&] {
    tbb::parallel_for(std::size_t{0}, K, [&](std::size_t c) {
      Slot& s = slots_[c];
      act(c, actions.subspan(c * per_copy, per_copy));
      for (int i = 0; i < interval_steps_; ++i) {
        s.district->step();
        accumulate_overload(c);
      }
      reward(c);
      dones_[c] = ++s.decision == episode_decisions_ ? 1 : 0;
      if (dones_[c]) {
        ended_[c] = result_of(s);
        observe(c, std::span(final_obs_).subspan(c * per_obs, per_obs));
        ++s.episode_index;
        start(c);
      }
      observe(c, std::span(obs_).subspan(c * per_obs, per_obs));
    });
  });
  for (std::size_t c = 0; c < K; ++c) {
    if (dones_[c]) finished_.push_back(ended_[c]);
  }
  ++decisions_;
}

EnergyEpisodeResult run_energy_episode(const EnergyScenario& scenario, EnergyEnvOptions options,
                                       int start_day, std::uint64_t seed,
                                       const EnergyPolicyFn& policy, int threads) {
  options.start_days = {start_day};
  EnergyVecEnv env(scenario, std::move(options), 1, threads, seed);
  std::vector<float> actions(env.agents() * kEnergyActions, 0.0f);
  while (env.finished().empty()) {
    if (policy) policy(env.observations(), env.action_mask(), actions);
    env.step(actions);
  }
  return env.finished().front();
}

}  // namespace parktwin::ai
