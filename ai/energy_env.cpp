// The vectorised energy-control environment. See energy_env.h.

#include "ai/energy_env.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/calendar.h"
#include "engine/error.h"
#include "engine/parallel.h"
#include "engine/rng.h"

namespace parktwin::ai {

namespace {

// 503 is the departure forecast's (energy_surface.cpp).
enum class EnergyEnvStream : std::uint32_t { start_day = 501, traffic_day = 502 };

}  // namespace

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
  energy_action_mask(assets, options_.control, mask_);
  const auto K = static_cast<std::size_t>(copies);
  slots_.resize(K);
  obs_.assign(K * agents_ * kEnergyFeatures, 0.0f);
  final_obs_ = obs_;
  rewards_.assign(K * agents_, 0.0f);
  dones_.assign(K, 0);
  ended_.resize(K);
  arena_.execute([&] {
    par::parallel_for_each(K, [&](std::size_t c) {
      start(c);
      observe(c, std::span(obs_).subspan(c * agents_ * kEnergyFeatures, agents_ * kEnergyFeatures));
    });
  });
}

void EnergyVecEnv::restart_at(std::uint64_t episode_index) {
  arena_.execute([&] {
    par::parallel_for_each(slots_.size(), [&](std::size_t c) {
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
  coupling::EnergyDistrict& d = *slots_[c].district;
  apply_energy_actions(d.buildings(), d.energy(), options_.control, options_.rules.hvac, mask_,
                       actions);
}

void EnergyVecEnv::observe(std::size_t c, std::span<float> out) const {
  const Slot& s = slots_[c];
  observe_energy(s.district->buildings(), s.district->energy(),
                 {s.seed, options_.departure_noise_h}, out);
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
    par::parallel_for_each(K, [&](std::size_t c) {
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
