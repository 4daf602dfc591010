// The energy environment (ai/energy_env.h): rewards are the KPIs' changes at their weights,
// actions reach the control surface only where they may, the traffic decides where EVs charge,
// results do not depend on the thread count, and bad actions or options are refused.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "ai/energy_env.h"
#include "ai/signal_env.h"
#include "engine/error.h"
#include "scenarios/manifest.h"
#include "scenarios/run_world.h"
#include "tests/support/energy_scenario.h"

using namespace parktwin;

namespace {

namespace fs = std::filesystem;

using Loaded = test::LoadedEnergyScenario;
const std::string& kScenario = test::kDefaultScenario;

const Loaded& hangzhou() { return test::default_energy_scenario(); }

// A what-if of the default scenario in a temporary folder: `extends` it with `body`.
std::string what_if(const std::string& name, const std::string& body) {
  const fs::path dir = fs::temp_directory_path() / "parktwin_energy_env_test";
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".toml");
  std::ofstream(path) << "extends = \"" << kScenario << "\"\n" << body;
  return path.string();
}

ai::EnergyEnvOptions one_day(int start_day) {
  ai::EnergyEnvOptions o;
  o.episode_days = 1;
  o.start_days = {start_day};
  return o;
}

}  // namespace

TEST_CASE("an episode's rewards add up to its KPIs at their weights", "[ai][energy]") {
  const Loaded& h = hangzhou();
  ai::EnergyEnvOptions o = one_day(200);
  o.control = {};  // the rules alone
  o.reward = {1.0, 0.0, 0.0, 0.0, 0.0, 1.0};
  const ai::EnergyEpisodeResult cost_only = ai::run_energy_episode(h.energy, o, 200, 7, {});
  REQUIRE(cost_only.cost > 0.0);
  CHECK(cost_only.reward_sum == Approx(-cost_only.cost).epsilon(1e-9));
  o.reward = {0.0, 0.0, 2.0, 0.0, 0.0, 0.5};
  const ai::EnergyEpisodeResult discomfort = ai::run_energy_episode(h.energy, o, 200, 7, {});
  REQUIRE(discomfort.discomfort_kh > 0.0);
  CHECK(discomfort.reward_sum == Approx(-discomfort.discomfort_kh).epsilon(1e-9));
  // The same KPIs whatever the weights.
  CHECK(discomfort.cost == cost_only.cost);
}

TEST_CASE("energy actions reach only the assets a building has", "[ai][energy]") {
  const Loaded& h = hangzhou();
  ai::EnergyVecEnv env(h.energy, one_day(200), 1, 1, 3);
  const energy::DistrictAssets& assets = h.energy.world().energy()->assets();
  const auto mask = env.action_mask();
  std::size_t batteries = 0, car_parks = 0;
  for (std::size_t b = 0; b < env.agents(); ++b) {
    CHECK(mask[b * ai::kEnergyActions + 0] == (assets.battery[b].capacity_kwh > 0 ? 1 : 0));
    CHECK(mask[b * ai::kEnergyActions + 1] == (assets.chargers[b] > 0 ? 1 : 0));
    CHECK(mask[b * ai::kEnergyActions + 2] == 1);
    batteries += mask[b * ai::kEnergyActions + 0];
    car_parks += mask[b * ai::kEnergyActions + 1];
  }
  CHECK(batteries == 2);
  CHECK(car_parks == 7);
  // At 10:00: full charging, no charging at the car parks, cooling 2 K up where the building is
  // in use (occupied, or within kPrecoolHours of it), within the comfort band where occupied:
  // the surface holds them.
  std::vector<float> a(env.agents() * ai::kEnergyActions, 0.0f);
  // Offices are neither in use nor about to be at midnight: their set-back stays.
  for (std::size_t b = 0; b < env.agents(); ++b) a[b * 3 + 2] = 1.0f;
  env.step(a);
  std::size_t set_back = 0;
  for (std::size_t b = 0; b < env.agents(); ++b) {
    set_back += std::isnan(env.district(0).buildings().state().cooling_ctrl_c[b]) ? 1 : 0;
  }
  CHECK(set_back > 10);
  std::fill(a.begin(), a.end(), 0.0f);
  for (int t = 1; t < 40; ++t) env.step(a);
  const double t_mid = 40 * 900.0 + 30.0;
  for (std::size_t b = 0; b < env.agents(); ++b) {
    a[b * 3 + 0] = 1.0f;
    a[b * 3 + 1] = -1.0f;
    a[b * 3 + 2] = 5.0f;  // beyond 1: clipped
  }
  env.step(a);
  const coupling::EnergyDistrict& d = env.district(0);
  std::size_t in_use = 0;
  for (std::size_t b = 0; b < env.agents(); ++b) {
    const double battery = d.energy().state().battery_ctrl_w[b];
    const double cap = d.energy().state().charging_cap_w[b];
    if (assets.battery[b].capacity_kwh > 0) {
      CHECK(battery == Approx(assets.battery[b].power_kw * 1000.0));
    } else {
      CHECK(std::isnan(battery));
    }
    if (assets.chargers[b] > 0) {
      CHECK(cap == 0.0);
      CHECK(d.energy().state().charger_w[b] == 0.0f);
    } else {
      CHECK(std::isnan(cap));
    }
    const auto sched = d.buildings().schedule_at(b, t_mid);
    const buildings::BuildingsConfig& bc = d.buildings().config();
    const double cooling = d.buildings().state().cooling_ctrl_c[b];
    if (sched.occupied || d.buildings().schedule_at(b, t_mid + 2 * 3600.0).occupied) {
      // Occupied: no warmer than the comfort band's upper edge.
      const double top =
          sched.occupied ? double{d.buildings().stock().comfort_high_c[b]} : bc.agent_cooling_max_c;
      CHECK(cooling == Approx(std::min(sched.cooling_c + 2.0, top)));
      ++in_use;
    } else {
      CHECK(std::isnan(cooling));
    }
  }
  CHECK(in_use > 40);
}

TEST_CASE("the energy environment gives the same bits for 1 and 2 threads",
          "[threads][ai][energy]") {
  const Loaded& h = hangzhou();
  ai::EnergyEnvOptions o = one_day(150);
  o.start_days = {150, 151, 152};
  const auto run = [&](int threads) {
    ai::EnergyVecEnv env(h.energy, o, 3, threads, 11);
    std::vector<float> a(env.copies() * env.agents() * ai::kEnergyActions);
    std::vector<float> trace;
    for (int t = 0; t < 2 * env.decisions_per_episode() + 5; ++t) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i) + 0.11 * t));
      }
      env.step(a);
      trace.insert(trace.end(), env.rewards().begin(), env.rewards().end());
      trace.insert(trace.end(), env.observations().begin(), env.observations().end());
    }
    REQUIRE(env.finished().size() == 6);
    for (const ai::EnergyEpisodeResult& r : env.finished()) trace.push_back(float(r.cost));
    return trace;
  };
  CHECK(run(1) == run(2));
}

TEST_CASE("episodes start on the days drawn for their seeds, away from evaluation weeks",
          "[ai][energy]") {
  const std::vector<int> days = ai::training_start_days(7);
  for (const int d : days) {
    for (const ai::EvaluationWeek& w : ai::kEvaluationWeeks) {
      CHECK((d + 7 <= w.start_day || d >= w.start_day + 7));
    }
  }
  CHECK(days.size() == 359 - 2 * 13);
  const Loaded& h = hangzhou();
  ai::EnergyEnvOptions o = one_day(0);
  o.start_days = days;
  ai::EnergyVecEnv env(h.energy, o, 4, 1, 100);
  std::vector<float> a(env.copies() * env.agents() * ai::kEnergyActions, 0.0f);
  for (int t = 0; t < env.decisions_per_episode(); ++t) env.step(a);
  REQUIRE(env.finished().size() == 4);
  std::vector<int> starts;
  for (const auto& r : env.finished()) starts.push_back(r.start_day);
  CHECK(std::set<int>(starts.begin(), starts.end()).size() == 4);  // other seeds, other days
}

TEST_CASE("the traffic decides the charging each car park sees", "[ai][energy]") {
  const Loaded& base = hangzhou();
  const Loaded doubled(what_if("ev_share", "[traffic]\nev_share = 0.4\n"));
  const Loaded closed(
      what_if("closure", "[[events]]\nat = 0\ntype = \"close_road\"\nroad = \"road_1_4_0\"\n"));
  const auto per_building = [](const ai::EnergyScenario& s) {
    std::vector<double> kwh(s.buildings(), 0.0);
    for (std::size_t d = 0; d < s.traffic_days(); ++d) {
      for (const coupling::EvVisit& v : s.traffic_day(d)) kwh[v.building] += v.need_kwh;
    }
    return kwh;
  };
  const std::vector<double> k0 = per_building(base.energy), k2 = per_building(doubled.energy),
                            kc = per_building(closed.energy);
  double sum0 = 0.0, sum2 = 0.0;
  for (std::size_t b = 0; b < k0.size(); ++b) sum0 += k0[b], sum2 += k2[b];
  CHECK(sum2 > 1.6 * sum0);  // twice the EVs, less what a random share leaves out
  CHECK(kc != k0);           // other routes, other car parks
  // The agents see it: the EVs plugged in at midday of the same day.
  ai::EnergyEnvOptions o = one_day(200);
  ai::EnergyVecEnv e0(base.energy, o, 1, 1, 5), e2(doubled.energy, o, 1, 1, 5);
  std::vector<float> a(e0.agents() * ai::kEnergyActions, 0.0f);
  for (int t = 0; t < 48; ++t) e0.step(a), e2.step(a);
  double plugged0 = 0.0, plugged2 = 0.0;
  for (std::size_t b = 0; b < e0.agents(); ++b) {
    plugged0 += double{e0.observations()[b * ai::kEnergyFeatures + 22]};
    plugged2 += double{e2.observations()[b * ai::kEnergyFeatures + 22]};
  }
  CHECK(plugged0 > 0.0);
  CHECK(plugged2 > 1.5 * plugged0);
}

TEST_CASE("pre-cooling cools before the peak on hot days only", "[ai][energy]") {
  const Loaded& h = hangzhou();
  ai::EnergyEnvOptions o = one_day(200);  // 20 July: peak 14:00-22:00
  o.control = {};
  o.rules.hvac = ai::HvacRule::precool;
  ai::EnergyVecEnv env(h.energy, o, 1, 1, 1);
  std::vector<float> a(env.agents() * ai::kEnergyActions, 0.0f);
  std::size_t precooled = 0;
  for (int t = 0; t < env.decisions_per_episode(); ++t) {
    env.step(a);
    const coupling::EnergyDistrict& d = env.district(0);
    const double hour = d.time_s() / 3600.0;  // the decision just taken covered [hour - 0.25, hour)
    for (std::size_t b = 0; b < env.agents(); ++b) {
      const double c = d.buildings().state().cooling_ctrl_c[b];
      if (std::isnan(c)) continue;
      ++precooled;
      CHECK(hour > 12.0);
      CHECK(hour <= 14.0);
      CHECK(c < double{d.buildings().stock().cooling_setpoint_c[b]});
    }
  }
  CHECK(precooled > 0);
  // January: no cooling needed, no pre-cooling.
  o.start_days = {15};
  const ai::EnergyEpisodeResult winter_rule = ai::run_energy_episode(h.energy, o, 15, 1, {});
  o.rules.hvac = ai::HvacRule::schedule;
  const ai::EnergyEpisodeResult winter_schedule = ai::run_energy_episode(h.energy, o, 15, 1, {});
  CHECK(winter_rule.cost == winter_schedule.cost);
}

TEST_CASE("bad energy actions and options are refused", "[ai][energy]") {
  const Loaded& h = hangzhou();
  ai::EnergyVecEnv env(h.energy, one_day(10), 1, 1, 1);
  std::vector<float> a(env.agents() * ai::kEnergyActions, 0.0f);
  std::vector<float> short_a(a.size() - 1, 0.0f);
  CHECK_THROWS_WITH(env.step(short_a), Catch::Contains("energy actions of the wrong size"));
  a[4] = std::nanf("");
  CHECK_THROWS_WITH(
      env.step(a), Catch::Contains("NaN energy action") && Catch::Contains("building 1, action 1"));
  ai::EnergyEnvOptions o = one_day(400);
  CHECK_THROWS_WITH(ai::EnergyVecEnv(h.energy, o, 1, 1, 1),
                    Catch::Contains("episode start day out of range"));
  o = one_day(1);
  o.decision_s = 1000.0;
  CHECK_THROWS_WITH(ai::EnergyVecEnv(h.energy, o, 1, 1, 1),
                    Catch::Contains("decision interval out of range"));
  o.decision_s = 900.0;
  o.departure_noise_h = -1.0;
  CHECK_THROWS_WITH(ai::EnergyVecEnv(h.energy, o, 1, 1, 1), Catch::Contains("departure_noise_h"));
}

TEST_CASE("energy control needs a district", "[ai][energy]") {
  const Loaded& h = hangzhou();
  ai::Episode traffic_only =
      ai::make_episode(h.traffic.net, h.traffic.demand, {}, ai::EnvOptions{}, 1, 1.0);
  CHECK_THROWS_WITH(ai::EnergyScenario(std::move(traffic_only.world), 60.0, 1),
                    Catch::Contains("energy control needs a district"));
  CHECK_THROWS_WITH(
      ai::EnergyScenario(scenarios::make_world(h.traffic.meta, h.traffic.net, h.traffic.demand),
                         60.0, 0),
      Catch::Contains("traffic days out of range"));
}

TEST_CASE("a policy of zeros is the rules it drives on top of", "[ai][energy]") {
  const Loaded& h = hangzhou();
  for (const ai::HvacRule hvac : {ai::HvacRule::schedule, ai::HvacRule::precool}) {
    ai::EnergyEnvOptions o = one_day(205);
    o.episode_days = 2;
    o.rules = {energy::BatteryPolicy::time_of_use, energy::ChargingPolicy::immediate, hvac};
    const ai::EnergyPolicyFn zeros = [](std::span<const float>, std::span<const std::uint8_t>,
                                        std::span<float> out) {
      std::fill(out.begin(), out.end(), 0.0f);
    };
    const ai::EnergyEpisodeResult agent = ai::run_energy_episode(h.energy, o, 205, 4, zeros);
    o.control = {};
    const ai::EnergyEpisodeResult rules = ai::run_energy_episode(h.energy, o, 205, 4, {});
    CHECK(agent.cost == rules.cost);
    CHECK(agent.co2_kg == rules.co2_kg);
    CHECK(agent.discomfort_kh == rules.discomfort_kh);
    CHECK(agent.ev_unserved_kwh == rules.ev_unserved_kwh);
    CHECK(agent.overload_kwh == rules.overload_kwh);
  }
}

TEST_CASE("energy controls are named alone, joined by +, or all at once", "[ai][energy]") {
  for (const bool hvac : {false, true}) {
    for (const bool battery : {false, true}) {
      for (const bool charging : {false, true}) {
        const ai::EnergyControl c{hvac, battery, charging};
        ai::EnergyControl back{!hvac, !battery, !charging};
        REQUIRE(ai::parse_energy_control(ai::energy_control_name(c), back));
        CHECK(back.hvac == hvac);
        CHECK(back.battery == battery);
        CHECK(back.charging == charging);
      }
    }
  }
  ai::EnergyControl c;
  REQUIRE(ai::parse_energy_control("charging+hvac", c));
  CHECK((c.hvac && c.charging && !c.battery));
  for (const char* bad : {"", "solar", "hvac+", "+hvac", "hvac+hvac", "hvac+none", "energy+hvac"}) {
    CHECK_FALSE(ai::parse_energy_control(bad, c));
  }
}
